#include "node/replica/trust.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "node/replica/apply.h"
#include "node/replica/sql.h"
#include "protocol/schema.h"
#include "protocol/sha256.h"
#include "protocol/sqlite_handles.h"

namespace gongkai {

namespace {

// Opening a certificate costs an Ed25519 verification, and a receiver checks the same few
// signers' certificates for every envelope (an audit replays a whole log). The result depends
// only on the root and the bytes, so the last few that verified are remembered, per thread.
constexpr size_t kVerifiedCertificates = 16;

Result<Certificate> OpenCertificateRemembered(ByteView body, const PublicKey& root) {
  struct Verified {
    Hash256 key;
    Certificate certificate;
  };
  thread_local std::array<std::optional<Verified>, kVerifiedCertificates> verified;
  thread_local size_t next = 0;
  Bytes keyed(root.begin(), root.end());
  keyed.insert(keyed.end(), body.begin(), body.end());
  const Hash256 key = Sha256(keyed);
  for (const std::optional<Verified>& entry : verified) {
    if (entry && entry->key == key) return entry->certificate;
  }
  Result<Certificate> opened = OpenCertificate(body, root);
  if (opened.ok()) verified[next++ % kVerifiedCertificates] = Verified{key, *opened};
  return opened;
}

Status Unknown(const NodeId& signer, std::string_view why) {
  return Status::Denied(kErrApplyUnknownSigner,
                        "签名者 " + NodeIdHex(signer) + " 没有可用的证书: " + std::string(why));
}

// One inserted row of a changeset as (column name -> value), by the protocol's spec.
struct RowView {
  const TableSpec* spec;
  sqlite3_changeset_iter* iter;

  sqlite3_value* Get(std::string_view column) const {
    int index = spec->ColumnIndex(column);
    sqlite3_value* value = nullptr;
    if (index < 0 || sqlite3changeset_new(iter, index, &value) != SQLITE_OK) return nullptr;
    return value;
  }
  std::string Text(std::string_view column) const {
    sqlite3_value* v = Get(column);
    if (v == nullptr || sqlite3_value_type(v) != SQLITE_TEXT) return "\x01(not text)";
    return std::string(reinterpret_cast<const char*>(sqlite3_value_text(v)),
                       static_cast<size_t>(sqlite3_value_bytes(v)));
  }
  Bytes Blob(std::string_view column) const {
    sqlite3_value* v = Get(column);
    if (v == nullptr || sqlite3_value_type(v) != SQLITE_BLOB) return {};
    const auto* data = static_cast<const uint8_t*>(sqlite3_value_blob(v));
    return data == nullptr ? Bytes() : Bytes(data, data + sqlite3_value_bytes(v));
  }
};

Status CheckCertificateRow(const RowView& row, const PublicKey& root) {
  std::string node_id = row.Text("node_id");
  auto refuse = [&](std::string_view why) {
    return Status::Denied(kErrApplyCertificateRow,
                          "证书行 " + node_id + " 不可信: " + std::string(why));
  };
  auto cert = OpenCertificate(row.Blob("body"), root);
  if (!cert.ok()) return refuse("证书内容无法用县级根公钥验证 (" + cert.status().code() + ")");
  Bytes key = row.Blob("public_key");
  if (node_id != NodeIdHex(cert->subject_id())) return refuse("node_id 与证书不符");
  if (key != Bytes(cert->subject_key.begin(), cert->subject_key.end())) {
    return refuse("public_key 与证书不符");
  }
  if (row.Text("role") != RoleName(cert->role)) return refuse("role 与证书不符");
  if (row.Text("subject_region") != cert->region) return refuse("subject_region 与证书不符");
  if (row.Text("name") != cert->name) return refuse("name 与证书不符");
  if (row.Text(kRegionColumn) != cert->county) return refuse("region 不是签发证书的县");
  return Status::Ok();
}

Status CheckRevocationRow(const RowView& row, const PublicKey& root) {
  std::string id = row.Text("revocation_id");
  auto refuse = [&](std::string_view why) {
    return Status::Denied(kErrApplyRevocationRow, "吊销行 " + id + " 不可信: " + std::string(why));
  };
  auto revocation = OpenRevocation(row.Blob("body"), root);
  if (!revocation.ok()) {
    return refuse("吊销内容无法用县级根公钥验证 (" + revocation.status().code() + ")");
  }
  if (row.Text("node_id") != NodeIdHex(revocation->subject)) return refuse("node_id 与吊销不符");
  if (row.Text("reason") != RevocationReasonName(revocation->reason)) {
    return refuse("reason 与吊销不符");
  }
  return Status::Ok();
}

Result<std::optional<Bytes>> BodyFrom(StatementCache& statements, std::string_view sql,
                                      const NodeId& signer) {
  GK_ASSIGN_OR_RETURN(StatementCache::Use stmt, statements.Get(sql));
  stmt->Bind(1, NodeIdHex(signer));
  GK_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<Bytes>();
  return std::optional<Bytes>(stmt->ColumnBlob(0));
}

}  // namespace

Result<Certificate> FindSignerCertificate(StatementCache& statements, const NodeId& signer,
                                          const PublicKey& root) {
  constexpr std::string_view kSources[] = {"SELECT body FROM certificate WHERE node_id=?",
                                           "SELECT body FROM known_certificate WHERE node_id=?"};
  Status last = Unknown(signer, "本地没有该节点的证书");
  for (std::string_view sql : kSources) {
    GK_ASSIGN_OR_RETURN(std::optional<Bytes> body, BodyFrom(statements, sql, signer));
    if (!body) continue;
    auto cert = OpenCertificateRemembered(*body, root);
    if (!cert.ok()) {
      last = Unknown(signer, "本地保存的证书无法验证 (" + cert.status().code() + ")");
      continue;
    }
    if (cert->subject_id() != signer) {
      last = Unknown(signer, "本地保存的证书属于另一节点");
      continue;
    }
    return std::move(*cert);
  }
  return last;
}

Result<Certificate> FindSignerCertificate(sqlite3* db, const NodeId& signer,
                                          const PublicKey& root) {
  StatementCache once(db);
  return FindSignerCertificate(once, signer, root);
}

Result<bool> IsRevoked(StatementCache& statements, const NodeId& signer) {
  GK_ASSIGN_OR_RETURN(StatementCache::Use stmt,
                      statements.Get("SELECT 1 FROM revocation WHERE node_id=?"));
  stmt->Bind(1, NodeIdHex(signer));
  return stmt->Step();
}

Result<bool> IsRevoked(sqlite3* db, const NodeId& signer) {
  StatementCache once(db);
  return IsRevoked(once, signer);
}

Status AddKnownCertificate(sqlite3* db, ByteView body, const PublicKey& root, int64_t now_ms) {
  GK_ASSIGN_OR_RETURN(Certificate cert, OpenCertificate(body, root));
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "INSERT INTO known_certificate(node_id, body, added_at)"
                                         " VALUES(?, ?, ?) ON CONFLICT(node_id) DO UPDATE"
                                         " SET body=excluded.body, added_at=excluded.added_at"));
  stmt.Bind(1, NodeIdHex(cert.subject_id())).Bind(2, body).Bind(3, now_ms);
  return stmt.Run();
}

Status CheckTrustRows(ByteView changeset, const PublicKey& root) {
  sqlite3_changeset_iter* raw = nullptr;
  int rc = sqlite3changeset_start(&raw, static_cast<int>(changeset.size()),
                                  const_cast<uint8_t*>(changeset.data()));
  ChangesetIter iter(raw);
  if (rc != SQLITE_OK) {
    return Status::Invalid(kErrApplyCertificateRow, "变更集无法读取");
  }
  while (sqlite3changeset_next(iter.get()) == SQLITE_ROW) {
    const char* table = nullptr;
    int columns = 0, op = 0, indirect = 0;
    if (sqlite3changeset_op(iter.get(), &table, &columns, &op, &indirect) != SQLITE_OK) break;
    if (op != SQLITE_INSERT) continue;
    const TableSpec* spec = FindTable(table);
    if (spec == nullptr || static_cast<size_t>(columns) != spec->columns.size()) continue;
    RowView row{spec, iter.get()};
    if (spec->name == "certificate") GK_RETURN_IF_ERROR(CheckCertificateRow(row, root));
    if (spec->name == "revocation") GK_RETURN_IF_ERROR(CheckRevocationRow(row, root));
  }
  return Status::Ok();
}

}  // namespace gongkai
