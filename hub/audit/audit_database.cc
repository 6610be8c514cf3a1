// Opening a hub database for the audit tools (hub/audit/audit_database.h).
#include "hub/audit/audit_database.h"

#include <algorithm>
#include <string>
#include <system_error>

#include "node/replica/sql.h"
#include "protocol/certificate.h"
#include "protocol/region.h"

namespace gongkai {

namespace {

Result<Bytes> Setting(sqlite3* db, std::string_view key) {
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db, "SELECT value FROM settings WHERE key = ?"));
  stmt.Bind(1, key);
  GK_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return Status::Invalid(kErrAuditIdentity, "数据库设置中没有 " + std::string(key));
  return stmt.ColumnBlob(0);
}

}  // namespace

Result<SqliteDb> OpenHubDatabaseReadOnly(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return Status::Invalid(kErrAuditOpen, "找不到汇聚节点数据库 " + path.string());
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) {
    return Status::IoError(kErrAuditOpen, "无法只读打开 " + path.string() + "：" +
                                              (raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  Result<std::optional<int64_t>> tables =
      QueryInt(db.get(),
               "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('settings', "
               "'journal', 'log_entry', 'log_subtree', 'log_checkpoint', 'log_receipt')");
  if (!tables.ok()) {
    return Status::IoError(kErrAuditOpen,
                           path.string() + " 不是可读的数据库：" + tables.status().message());
  }
  if (tables->value_or(0) != 6) {
    return Status::Invalid(kErrAuditOpen, path.string() + " 不是汇聚节点数据库（缺少日志表）");
  }
  return db;
}

Result<HubIdentity> ReadHubIdentity(sqlite3* db) {
  HubIdentity hub;
  GK_ASSIGN_OR_RETURN(Bytes node_id, Setting(db, kSettingNodeId));
  GK_ASSIGN_OR_RETURN(Bytes role, Setting(db, kSettingRole));
  GK_ASSIGN_OR_RETURN(Bytes region, Setting(db, kSettingRegion));
  GK_ASSIGN_OR_RETURN(hub.node.certificate, Setting(db, kSettingCertificate));
  GK_ASSIGN_OR_RETURN(Bytes root, Setting(db, kSettingRootKey));
  Result<NodeId> id = HexDecodeFixed<kNodeIdSize>(AsChars(node_id));
  if (!id.ok() || root.size() != kPublicKeySize || AsChars(role) != RoleName(Role::kCounty)) {
    return Status::Invalid(kErrAuditIdentity, "数据库中的身份不是县汇聚节点的");
  }
  hub.node.node_id = *id;
  hub.node.role = Role::kCounty;
  hub.node.region = std::string(AsChars(region));
  std::copy(root.begin(), root.end(), hub.node.root_public_key.begin());
  Result<Certificate> cert = OpenCertificate(hub.node.certificate, hub.node.root_public_key);
  if (!cert.ok() || cert->subject_id() != hub.node.node_id || cert->role != Role::kCounty ||
      cert->region != hub.node.region) {
    return Status::Invalid(kErrAuditIdentity,
                           "汇聚节点的证书不是数据库所记县根密钥为本节点签发的，无法核对");
  }
  hub.hub_key = cert->subject_key;
  return hub;
}

}  // namespace gongkai
