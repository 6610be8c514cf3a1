// The audit's judgement of the county replica's rows (hub/audit/audit_verify_replica.h).
#include "hub/audit/audit_verify_replica.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "hub/log/refused.h"
#include "node/replica/provenance.h"
#include "node/replica/trust.h"
#include "node/replica/sql.h"
#include "protocol/certificate.h"
#include "protocol/envelope.h"
#include "protocol/keys.h"
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

// What is wrong with one alarm's pair of envelopes (alarm.h: both signed by the node it
// accuses, with sequence numbers that collide or disagree on a link); "" when nothing is.
std::string AlarmFault(sqlite3* rebuilt, const PublicKey& root, const std::string& origin,
                       int64_t seq, const std::string& held_id, const Bytes& held,
                       const std::string& other_id, const Bytes& other) {
  if (HashHex(Sha256(held)) != held_id) return "所存“已有信封”的字节与其编号不符";
  if (HashHex(Sha256(other)) != other_id) return "所存“另一信封”的字节与其编号不符";
  if (held_id == other_id) return "两个信封是同一个";
  Result<Envelope> a = DecodeEnvelope(ByteView(held));
  Result<Envelope> b = DecodeEnvelope(ByteView(other));
  if (!a.ok() || !b.ok()) return "所存信封无法解码";
  if (NodeIdHex(a->origin()) != origin || NodeIdHex(b->origin()) != origin) {
    return "所存信封不是被指认的节点 " + origin + " 的";
  }
  if (b->seq() != static_cast<uint64_t>(seq)) return "“另一信封”的序号与警报所记不符";
  const uint64_t gap = a->seq() > b->seq() ? a->seq() - b->seq() : b->seq() - a->seq();
  if (gap > 1) return "两个信封的序号既不相同也不相邻，构不成分叉";
  Result<Certificate> signer = FindSignerCertificate(rebuilt, a->origin(), root);
  if (!signer.ok()) return "被指认的节点没有本县根密钥签发的证书：" + signer.status().message();
  if (!VerifyEnvelopeSignature(*a, signer->subject_key).ok() ||
      !VerifyEnvelopeSignature(*b, signer->subject_key).ok()) {
    return "所存信封不是被指认的节点签名的";
  }
  return "";
}

// What is wrong with one refused_envelope row (hub/log/refused.h); "" when nothing is.
std::string RefusedFault(const Statement& row) {
  const std::string hash = row.ColumnText(1);
  const int64_t length = row.ColumnInt(5);
  const Bytes bytes = row.ColumnBlob(6);
  const size_t kept = std::min(static_cast<size_t>(length), kMaxRefusedBytesKept);
  if (bytes.size() != kept) return "所存字节数与所记长度不符";
  if (bytes.size() != static_cast<size_t>(length)) return "";  // only a prefix is kept
  if (HashHex(Sha256(bytes)) != hash) return "所存字节与其哈希不符";
  if (row.ColumnIsNull(2)) return "";
  Result<Envelope> envelope = DecodeEnvelope(ByteView(bytes));
  if (!envelope.ok()) return "记有信封头，所存字节却不是信封";
  if (NodeIdHex(envelope->origin()) != row.ColumnText(2) ||
      envelope->seq() != static_cast<uint64_t>(row.ColumnInt(3)) ||
      envelope->region() != row.ColumnText(4)) {
    return "所记的节点、序号或区划与所存信封不符";
  }
  return "";
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

namespace gongkai {

Status CompareProvenance(sqlite3* hub, const AuditSink& sink) {
  // Rows of the hub the rebuilt replica lacks or holds naming another envelope.
  GK_ASSIGN_OR_RETURN(
      Statement extra,
      Statement::Prepare(hub,
                         "SELECT d.tbl, d.pk, d.envelope_id, (SELECT r.envelope_id FROM"
                         " rebuilt.provenance r WHERE r.tbl = d.tbl AND r.pk = d.pk) FROM"
                         " (SELECT tbl, pk, envelope_id FROM main.provenance EXCEPT SELECT tbl,"
                         " pk, envelope_id FROM rebuilt.provenance) d ORDER BY d.tbl, d.pk"));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool more, extra.Step());
    if (!more) break;
    AuditFinding finding = RowFinding(kAuditProvenance, "");
    finding.envelope_id = extra.ColumnText(2);
    const std::string row = "表 " + extra.ColumnText(0) + " 主键为 " + extra.ColumnText(1);
    finding.message =
        extra.ColumnIsNull(3)
            ? "来源表记" + row + " 的行由信封 " + extra.ColumnText(2) + " 写入，按日志重放没有此记录"
            : "来源表记" + row + " 的行由信封 " + extra.ColumnText(2) + " 写入，按日志重放应为信封 " +
                  extra.ColumnText(3);
    sink(std::move(finding));
  }
  // Rows the log implies that the hub lacks: what `audit history` would leave out.
  GK_ASSIGN_OR_RETURN(
      Statement missing,
      Statement::Prepare(hub,
                         "SELECT r.tbl, r.pk, r.envelope_id FROM rebuilt.provenance r WHERE NOT"
                         " EXISTS(SELECT 1 FROM main.provenance d WHERE d.tbl = r.tbl AND"
                         " d.pk = r.pk) ORDER BY r.tbl, r.pk"));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool more, missing.Step());
    if (!more) break;
    AuditFinding finding = RowFinding(kAuditProvenance, "");
    finding.envelope_id = missing.ColumnText(2);
    finding.message = "来源表缺少表 " + missing.ColumnText(0) + " 主键为 " +
                      missing.ColumnText(1) + " 的行的记录（应由信封 " + missing.ColumnText(2) +
                      " 写入）：审计历史会漏掉它";
    sink(std::move(finding));
  }
  return Status::Ok();
}

Status CheckRefusalRecords(sqlite3* hub, sqlite3* rebuilt, const PublicKey& root,
                           const AuditSink& sink) {
  GK_ASSIGN_OR_RETURN(Statement alarms,
                      Statement::Prepare(hub,
                                         "SELECT id, origin, seq, held_envelope_id, held_bytes,"
                                         " other_envelope_id, other_bytes FROM main.alarm"
                                         " ORDER BY id"));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool more, alarms.Step());
    if (!more) break;
    const std::string fault =
        AlarmFault(rebuilt, root, alarms.ColumnText(1), alarms.ColumnInt(2),
                   alarms.ColumnText(3), alarms.ColumnBlob(4), alarms.ColumnText(5),
                   alarms.ColumnBlob(6));
    if (fault.empty()) continue;
    AuditFinding finding = RowFinding(
        kAuditAlarmRecord, "第 " + std::to_string(alarms.ColumnInt(0)) + " 条警报（节点 " +
                               alarms.ColumnText(1) + "）不可信：" + fault);
    finding.envelope_id = alarms.ColumnText(5);
    sink(std::move(finding));
  }
  GK_ASSIGN_OR_RETURN(Statement refused,
                      Statement::Prepare(hub,
                                         "SELECT id, bytes_hash, origin, seq, region,"
                                         " bytes_length, bytes FROM main.refused_envelope"
                                         " ORDER BY id"));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool more, refused.Step());
    if (!more) break;
    const std::string fault = RefusedFault(refused);
    if (fault.empty()) continue;
    AuditFinding finding =
        RowFinding(kAuditRefusedRecord, "第 " + std::to_string(refused.ColumnInt(0)) +
                                            " 条拒收记录与所存字节不符：" + fault);
    finding.envelope_id = refused.ColumnText(1);
    sink(std::move(finding));
  }
  return Status::Ok();
}

}  // namespace gongkai
