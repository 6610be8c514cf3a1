#include "hub/log/log.h"

#include <algorithm>
#include <utility>

#include "hub/log/log_schema.h"
#include "node/replica/sql.h"
#include "protocol/checkpoint.h"
#include "protocol/receipt.h"
#include "protocol/region.h"

namespace gongkai {

namespace {

Result<std::optional<CheckpointRecord>> ReadCheckpoint(sqlite3* db, std::string_view sql,
                                                       std::optional<uint64_t> size) {
  GK_ASSIGN_OR_RETURN(Statement query, Statement::Prepare(db, sql));
  if (size) query.Bind(1, static_cast<int64_t>(*size));
  GK_ASSIGN_OR_RETURN(bool row, query.Step());
  if (!row) return std::optional<CheckpointRecord>();
  CheckpointRecord record;
  record.size = static_cast<uint64_t>(query.ColumnInt(0));
  const Bytes root = query.ColumnBlob(1);
  std::copy_n(root.begin(), std::min(root.size(), record.root.size()), record.root.begin());
  record.note = query.ColumnText(2);
  record.created_at = query.ColumnInt(3);
  return std::optional<CheckpointRecord>(std::move(record));
}

}  // namespace

Result<std::optional<CheckpointRecord>> ReadLatestCheckpoint(sqlite3* db) {
  return ReadCheckpoint(db,
                        "SELECT size, root, note, created_at FROM log_checkpoint "
                        "ORDER BY size DESC LIMIT 1",
                        std::nullopt);
}

Result<uint64_t> ReadLogSize(sqlite3* db) {
  GK_ASSIGN_OR_RETURN(std::optional<int64_t> last, QueryInt(db, "SELECT max(idx) FROM log_entry"));
  return last ? static_cast<uint64_t>(*last) + 1 : uint64_t{0};
}

Result<HubLog> HubLog::Open(Replica& replica, const SecretKey& hub_key, std::string origin) {
  GK_ASSIGN_OR_RETURN(NodeIdentity identity, replica.Identity());
  if (identity.role != Role::kCounty) {
    return Status::Denied(kErrLogNotCounty, "审计日志只在县级枢纽上运行, 本库的角色是 " +
                                                std::string(RoleName(identity.role)));
  }
  if (identity.node_id != hub_key.node_id()) {
    return Status::Denied(kErrLogKeyMismatch, "枢纽密钥 " + NodeIdHex(hub_key.node_id()) +
                                                  " 不是本库节点 " + NodeIdHex(identity.node_id) +
                                                  " 的密钥");
  }
  GK_ASSIGN_OR_RETURN(NoteVerifierKey verifier, MakeNoteVerifierKey(origin, hub_key.public_key()));
  GK_RETURN_IF_ERROR(CreateLogTables(replica.db(), replica.NowMs()));
  return HubLog(replica, hub_key, std::move(origin), std::move(verifier));
}

Result<Hash256> HubLog::Root() {
  GK_ASSIGN_OR_RETURN(uint64_t size, store_.Size());
  return store_.Root(size);
}

Result<CheckpointRecord> HubLog::SignCheckpoint() {
  sqlite3* db = replica_->db();
  GK_ASSIGN_OR_RETURN(Transaction scope, Transaction::Begin(db));
  GK_ASSIGN_OR_RETURN(uint64_t size, store_.Size());
  GK_ASSIGN_OR_RETURN(Hash256 root, store_.Root(size));
  GK_ASSIGN_OR_RETURN(std::optional<CheckpointRecord> held, CheckpointAt(size));
  if (held) {
    if (held->root != root) {
      return Status::IoError(kErrLogCheckpointMismatch,
                             "已签发的大小为 " + std::to_string(size) + " 的检查点树根为 " +
                                 HashHex(held->root) + ", 现存的树却算出 " + HashHex(root) +
                                 "; 数据库已被改动");
    }
    return std::move(*held);
  }
  CheckpointRecord record;
  record.size = size;
  record.root = root;
  record.created_at = replica_->NowMs();
  GK_ASSIGN_OR_RETURN(record.note, gongkai::SignCheckpoint(Checkpoint{origin_, size, root, {}},
                                                           origin_, *hub_key_));
  GK_ASSIGN_OR_RETURN(
      Statement insert,
      Statement::Prepare(
          db, "INSERT INTO log_checkpoint(size, root, note, created_at) VALUES(?, ?, ?, ?)"));
  insert.Bind(1, static_cast<int64_t>(size))
      .Bind(2, ByteView(root))
      .Bind(3, std::string_view(record.note))
      .Bind(4, record.created_at);
  GK_RETURN_IF_ERROR(insert.Run());
  GK_RETURN_IF_ERROR(scope.Commit());
  return record;
}

Result<std::optional<CheckpointRecord>> HubLog::LatestCheckpoint() {
  return ReadLatestCheckpoint(replica_->db());
}

Result<std::optional<CheckpointRecord>> HubLog::CheckpointAt(uint64_t size) {
  if (size > uint64_t{INT64_MAX}) return std::optional<CheckpointRecord>();
  return ReadCheckpoint(replica_->db(),
                        "SELECT size, root, note, created_at FROM log_checkpoint WHERE size = ?",
                        size);
}

Result<EntryProof> HubLog::InclusionProof(const Hash256& envelope_id, uint64_t tree_size) {
  GK_ASSIGN_OR_RETURN(std::optional<LogEntry> entry, store_.EntryOf(envelope_id));
  if (!entry) {
    return Status::NotFound(kErrLogNotLogged, "信封 " + HashHex(envelope_id) + " 不在审计日志中");
  }
  GK_ASSIGN_OR_RETURN(std::vector<Hash256> proof, store_.InclusionProof(entry->index, tree_size));
  return EntryProof{*entry, tree_size, std::move(proof)};
}

Result<Bytes> HubLog::IssueReceipt(const Hash256& envelope_id) {
  sqlite3* db = replica_->db();
  const std::string id_hex = HashHex(envelope_id);
  GK_ASSIGN_OR_RETURN(Transaction scope, Transaction::Begin(db));
  {
    GK_ASSIGN_OR_RETURN(
        StatementCache::Use stored,
        replica_->statements().Get("SELECT bytes FROM log_receipt WHERE envelope_id = ?"));
    stored->Bind(1, std::string_view(id_hex));
    GK_ASSIGN_OR_RETURN(bool found, stored->Step());
    if (found) return stored->ColumnBlob(0);
  }
  GK_ASSIGN_OR_RETURN(std::optional<LogEntry> entry, store_.EntryOf(envelope_id));
  if (!entry) {
    return Status::NotFound(kErrLogNotLogged, "信封 " + id_hex + " 不在审计日志中, 不能签发回执");
  }
  Receipt receipt;
  receipt.envelope_id = envelope_id;
  receipt.log_index = entry->index;
  // A negative time becomes a number above 2^63 - 1, which MakeReceipt refuses.
  receipt.received_at_ms = static_cast<uint64_t>(entry->received_at);
  GK_ASSIGN_OR_RETURN(receipt.tree_size, store_.Size());
  GK_ASSIGN_OR_RETURN(receipt.root, store_.Root(receipt.tree_size));
  GK_ASSIGN_OR_RETURN(Bytes bytes, MakeReceipt(receipt, *hub_key_));
  GK_ASSIGN_OR_RETURN(StatementCache::Use insert,
                      replica_->statements().Get("INSERT INTO log_receipt(envelope_id, log_index, "
                                                 "tree_size, bytes, issued_at) "
                                                 "VALUES(?, ?, ?, ?, ?)"));
  insert->Bind(1, std::string_view(id_hex))
      .Bind(2, static_cast<int64_t>(receipt.log_index))
      .Bind(3, static_cast<int64_t>(receipt.tree_size))
      .Bind(4, ByteView(bytes))
      .Bind(5, replica_->NowMs());
  GK_RETURN_IF_ERROR(insert->Run());
  GK_RETURN_IF_ERROR(scope.Commit());
  return bytes;
}

Result<int64_t> HubLog::RecordRefused(ByteView bytes, std::string_view source,
                                      const Status& refusal, int64_t received_at) {
  return gongkai::RecordRefused(replica_->db(), bytes, source, refusal, received_at);
}

Result<std::vector<RefusedRecord>> HubLog::ListRefused(int64_t after_id, int limit) {
  return gongkai::ListRefused(replica_->db(), after_id, limit);
}

}  // namespace gongkai
