// The audit's judgement of the county replica's rows (hub/audit/audit_verify_replica.h).
#include "hub/audit/audit_verify_replica.h"

#include <optional>
#include <string>
#include <vector>

#include "node/replica/provenance.h"
#include "node/replica/sql.h"
#include "protocol/certificate.h"
#include "protocol/region.h"
#include "protocol/schema.h"
#include "protocol/sha256.h"

namespace gongkai {

namespace {

AuditFinding RowFinding(const char* code, std::string message, std::string cause = {}) {
  AuditFinding finding;
  finding.code = code;
  finding.cause = std::move(cause);
  finding.message = std::move(message);
  return finding;
}

// What differs between a certificate row and its signed body; "" when nothing does.
std::string CertificateRowDifference(const Statement& row, const Certificate& cert) {
  if (row.ColumnText(0) != NodeIdHex(cert.subject_id())) return "node_id";
  const Bytes key = row.ColumnBlob(1);
  if (key != Bytes(cert.subject_key.begin(), cert.subject_key.end())) return "public_key";
  if (row.ColumnText(2) != RoleName(cert.role)) return "role";
  if (row.ColumnText(3) != cert.region) return "subject_region";
  if (row.ColumnText(4) != cert.name) return "name";
  if (row.ColumnText(6) != cert.county) return "region";
  return "";
}

Status CheckCertificates(sqlite3* db, const PublicKey& root, const AuditSink& sink) {
  GK_ASSIGN_OR_RETURN(Statement rows,
                      Statement::Prepare(db,
                                         "SELECT node_id, public_key, role, subject_region, name,"
                                         " body, region FROM certificate ORDER BY node_id"));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool more, rows.Step());
    if (!more) break;
    const std::string node = rows.ColumnText(0);
    Result<Certificate> cert = OpenCertificate(rows.ColumnBlob(5), root);
    if (!cert.ok()) {
      sink(RowFinding(kAuditCertificateRow,
                      "节点 " + node + " 的证书行不是本县根密钥签发的：" + cert.status().message(),
                      cert.status().code()));
      continue;
    }
    if (std::string column = CertificateRowDifference(rows, *cert); !column.empty()) {
      sink(RowFinding(kAuditCertificateRow,
                      "节点 " + node + " 的证书行中 " + column + " 一列与签名的证书内容不符"));
    }
  }
  return Status::Ok();
}

Status CheckRevocations(sqlite3* db, const PublicKey& root, const AuditSink& sink) {
  GK_ASSIGN_OR_RETURN(Statement rows,
                      Statement::Prepare(db,
                                         "SELECT revocation_id, node_id, reason,"
                                         " body FROM revocation ORDER BY revocation_id"));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool more, rows.Step());
    if (!more) break;
    const std::string id = rows.ColumnText(0);
    const Bytes body = rows.ColumnBlob(3);
    Result<Revocation> revocation = OpenRevocation(body, root);
    if (!revocation.ok()) {
      sink(RowFinding(kAuditCertificateRow,
                      "吊销记录 " + id + " 不是本县根密钥签发的：" + revocation.status().message(),
                      revocation.status().code()));
      continue;
    }
    std::string column;
    if (id != HashHex(Sha256(body))) {
      column = "revocation_id";
    } else if (rows.ColumnText(1) != NodeIdHex(revocation->subject)) {
      column = "node_id";
    } else if (rows.ColumnText(2) != RevocationReasonName(revocation->reason)) {
      column = "reason";
    }
    if (!column.empty()) {
      sink(RowFinding(kAuditCertificateRow,
                      "吊销记录 " + id + " 中 " + column + " 一列与签名的吊销内容不符"));
    }
  }
  return Status::Ok();
}

std::string Join(const TableSpec& table, size_t count, std::string_view prefix,
                 std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out += separator;
    out += prefix;
    out += table.columns[i].name;
  }
  return out;
}

// The key of the row a statement returned in its first n columns, as provenance writes it.
std::string KeyText(const Statement& row, size_t n) {
  std::vector<std::string> values;
  for (size_t i = 0; i < n; ++i) values.push_back(row.ColumnText(static_cast<int>(i)));
  return PkText(values);
}

// " (日志第 I 条 信封 ID 写入)" for the envelope that brought the row, when known.
Result<std::string> WrittenBy(sqlite3* provenance_db, sqlite3* hub, std::string_view table,
                              const std::string& key, AuditFinding& finding) {
  GK_ASSIGN_OR_RETURN(std::optional<std::string> envelope, ProvenanceOf(provenance_db, table, key));
  if (!envelope) return std::string();
  finding.envelope_id = *envelope;
  GK_ASSIGN_OR_RETURN(std::optional<int64_t> index,
                      QueryInt(hub, "SELECT idx FROM log_entry WHERE envelope_id = ?", *envelope));
  if (!index) return "（由信封 " + *envelope + " 写入）";
  finding.log_index = static_cast<uint64_t>(*index);
  return "（由日志第 " + std::to_string(*index) + " 条、信封 " + *envelope + " 写入）";
}

Status CompareTable(sqlite3* hub, sqlite3* rebuilt, const TableSpec& table, const AuditSink& sink) {
  const std::string name(table.name);
  const size_t n = table.primary_key_columns;
  const std::string all = Join(table, table.columns.size(), "", ", ");
  const std::string key = Join(table, n, "d.", ", ");
  std::string match;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) match += " AND ";
    const std::string column(table.columns[i].name);
    match += "r." + column + " = d." + column;
  }
  // Hub rows the rebuilt replica lacks, and whether it holds their key with other content.
  GK_ASSIGN_OR_RETURN(
      Statement extra,
      Statement::Prepare(hub, "SELECT " + key + ", EXISTS(SELECT 1 FROM rebuilt." + name +
                                  " r WHERE " + match + ") FROM (SELECT " + all + " FROM main." +
                                  name + " EXCEPT SELECT " + all + " FROM rebuilt." + name +
                                  ") d ORDER BY " + key));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool more, extra.Step());
    if (!more) break;
    const std::string row_key = KeyText(extra, n);
    const bool altered = extra.ColumnInt(static_cast<int>(n)) != 0;
    AuditFinding finding = RowFinding(kAuditReplicaRow, "");
    GK_ASSIGN_OR_RETURN(std::string by,
                        WrittenBy(altered ? rebuilt : hub, hub, name, row_key, finding));
    finding.message =
        altered ? "副本表 " + name + " 中主键为 " + row_key + " 的行与日志中的信封所写不同" + by
                : "副本表 " + name + " 中主键为 " + row_key + " 的行不是按日志重放信封所得" +
                      (by.empty() ? "" : "（数据库自记来源" + by + "）");
    sink(std::move(finding));
  }
  // Rows the log implies that the hub lacks entirely.
  GK_ASSIGN_OR_RETURN(Statement missing,
                      Statement::Prepare(hub, "SELECT " + key + " FROM rebuilt." + name +
                                                  " d WHERE NOT EXISTS(SELECT 1 FROM main." + name +
                                                  " r WHERE " + match + ") ORDER BY " + key));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool more, missing.Step());
    if (!more) break;
    const std::string row_key = KeyText(missing, n);
    AuditFinding finding = RowFinding(kAuditReplicaMissing, "");
    GK_ASSIGN_OR_RETURN(std::string by, WrittenBy(rebuilt, hub, name, row_key, finding));
    finding.message = "副本表 " + name + " 缺少主键为 " + row_key + " 的行" + by;
    sink(std::move(finding));
  }
  return Status::Ok();
}

}  // namespace

Status CheckTrustTables(sqlite3* db, const PublicKey& root, const AuditSink& sink) {
  GK_RETURN_IF_ERROR(CheckCertificates(db, root, sink));
  return CheckRevocations(db, root, sink);
}

Status CompareReplicaTables(sqlite3* hub, sqlite3* rebuilt, const AuditSink& sink, uint64_t& rows) {
  for (const TableSpec& table : SyncedTables()) {
    GK_RETURN_IF_ERROR(CompareTable(hub, rebuilt, table, sink));
    GK_ASSIGN_OR_RETURN(std::optional<int64_t> count,
                        QueryInt(hub, "SELECT count(*) FROM main." + std::string(table.name)));
    rows += static_cast<uint64_t>(count.value_or(0));
  }
  return Status::Ok();
}

}  // namespace gongkai
