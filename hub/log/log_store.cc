#include "hub/log/log_store.h"

#include <algorithm>
#include <string>
#include <utility>

#include "hub/log/log_tree.h"
#include "node/replica/sql.h"
#include "node/replica/sql.h"
#include "protocol/merkle.h"
#include "protocol/receipt.h"

namespace gongkai {

namespace {

constexpr char kSelectEntryAt[] =
    "SELECT idx, envelope_id, leaf_hash, received_at FROM log_entry WHERE idx = ?";
constexpr char kSelectEntryOf[] =
    "SELECT idx, envelope_id, leaf_hash, received_at FROM log_entry WHERE envelope_id = ?";

Hash256 HashFromBlob(const Bytes& blob) {
  Hash256 hash{};
  if (blob.size() == hash.size()) std::copy(blob.begin(), blob.end(), hash.begin());
  return hash;
}

// Reads one log_entry row from a statement positioned on it (columns as kSelectEntry*).
Result<LogEntry> EntryFromRow(const Statement& row) {
  LogEntry entry;
  entry.index = static_cast<uint64_t>(row.ColumnInt(0));
  auto id = HexDecodeFixed<kHashSize>(row.ColumnText(1));
  if (!id.ok()) {
    return Status::IoError(kErrLogDamaged,
                           "日志条目 " + std::to_string(entry.index) + " 的信封编号已损坏");
  }
  entry.envelope_id = *id;
  entry.leaf_hash = HashFromBlob(row.ColumnBlob(2));
  entry.received_at = row.ColumnInt(3);
  return entry;
}

Result<std::optional<LogEntry>> EntryFromQuery(StatementCache::Use& query) {
  GK_ASSIGN_OR_RETURN(bool found, query->Step());
  if (!found) return std::optional<LogEntry>();
  GK_ASSIGN_OR_RETURN(LogEntry entry, EntryFromRow(*query));
  return std::optional<LogEntry>(entry);
}

}  // namespace

Result<uint64_t> LogStore::Size() {
  GK_ASSIGN_OR_RETURN(auto query, statements_.Get("SELECT max(idx) FROM log_entry"));
  GK_ASSIGN_OR_RETURN(bool row, query->Step());
  if (!row || query->ColumnIsNull(0)) return uint64_t{0};
  return static_cast<uint64_t>(query->ColumnInt(0)) + 1;
}

Result<std::optional<LogEntry>> LogStore::EntryAt(uint64_t index) {
  if (index > uint64_t{INT64_MAX}) return std::optional<LogEntry>();
  GK_ASSIGN_OR_RETURN(auto query, statements_.Get(kSelectEntryAt));
  query->Bind(1, static_cast<int64_t>(index));
  return EntryFromQuery(query);
}

Result<std::optional<LogEntry>> LogStore::EntryOf(const Hash256& envelope_id) {
  GK_ASSIGN_OR_RETURN(auto query, statements_.Get(kSelectEntryOf));
  query->Bind(1, std::string_view(HashHex(envelope_id)));
  return EntryFromQuery(query);
}

Result<Hash256> LogStore::ReadSubtree(int level, uint64_t position) {
  GK_ASSIGN_OR_RETURN(auto query,
                      statements_.Get(level == 0 ? "SELECT leaf_hash FROM log_entry WHERE idx = ?"
                                                 : "SELECT hash FROM log_subtree "
                                                   "WHERE position = ? AND level = ?"));
  query->Bind(1, static_cast<int64_t>(position));
  if (level != 0) query->Bind(2, int64_t{level});
  GK_ASSIGN_OR_RETURN(bool row, query->Step());
  if (!row) {
    return Status::IoError(kErrLogDamaged, "审计日志缺少第 " + std::to_string(level) + " 层第 " +
                                               std::to_string(position) +
                                               " 个子树的哈希; 数据库已损坏或被改动");
  }
  return HashFromBlob(query->ColumnBlob(0));
}

Result<LogAppend> LogStore::Append(const Hash256& envelope_id, int64_t received_at) {
  GK_ASSIGN_OR_RETURN(Transaction scope, Transaction::Begin(db()));
  GK_ASSIGN_OR_RETURN(std::optional<LogEntry> held, EntryOf(envelope_id));
  if (held) return LogAppend{*held, false};
  const std::string id_hex = HashHex(envelope_id);
  {
    GK_ASSIGN_OR_RETURN(auto journal,
                        statements_.Get("SELECT 1 FROM journal WHERE envelope_id = ?"));
    journal->Bind(1, std::string_view(id_hex));
    GK_ASSIGN_OR_RETURN(bool journaled, journal->Step());
    if (!journaled) {
      return Status::NotFound(kErrLogNotJournaled,
                              "信封 " + id_hex + " 不在日志库 (journal) 中, 不能记入审计日志");
    }
  }
  GK_ASSIGN_OR_RETURN(uint64_t index, Size());
  LogEntry entry{index, envelope_id, EnvelopeLeafHash(envelope_id), received_at};
  {
    GK_ASSIGN_OR_RETURN(
        auto insert,
        statements_.Get(
            "INSERT INTO log_entry(idx, envelope_id, leaf_hash, received_at) VALUES(?,?,?,?)"));
    insert->Bind(1, static_cast<int64_t>(index))
        .Bind(2, std::string_view(id_hex))
        .Bind(3, ByteView(entry.leaf_hash))
        .Bind(4, received_at);
    GK_RETURN_IF_ERROR(insert->Run());
  }
  GK_ASSIGN_OR_RETURN(std::vector<NewSubtree> completed, SubtreesCompletedBy(
                                                             [this](int level, uint64_t position) {
                                                               return ReadSubtree(level, position);
                                                             },
                                                             index, entry.leaf_hash));
  for (const NewSubtree& subtree : completed) {
    GK_ASSIGN_OR_RETURN(
        auto insert,
        statements_.Get("INSERT INTO log_subtree(level, position, hash) VALUES(?, ?, ?)"));
    insert->Bind(1, int64_t{subtree.level})
        .Bind(2, static_cast<int64_t>(subtree.position))
        .Bind(3, ByteView(subtree.hash));
    GK_RETURN_IF_ERROR(insert->Run());
  }
  GK_RETURN_IF_ERROR(scope.Commit());
  return LogAppend{entry, true};
}

Result<int64_t> LogStore::JournalCursor() {
  GK_ASSIGN_OR_RETURN(auto query, statements_.Get("SELECT value FROM meta WHERE key = ?"));
  query->Bind(1, std::string_view(kMetaHubLogJournalCursor));
  GK_ASSIGN_OR_RETURN(bool row, query->Step());
  if (!row) return int64_t{0};
  const std::string text = query->ColumnText(0);
  int64_t cursor = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || cursor > (INT64_MAX - 9) / 10) {
      return Status::IoError(kErrLogDamaged,
                             "meta " + std::string(kMetaHubLogJournalCursor) + " 已损坏: " + text);
    }
    cursor = cursor * 10 + (c - '0');
  }
  return cursor;
}

Result<uint64_t> LogStore::AppendMissing() {
  uint64_t appended = 0;
  GK_ASSIGN_OR_RETURN(int64_t cursor, JournalCursor());
  while (true) {
    GK_ASSIGN_OR_RETURN(Transaction scope, Transaction::Begin(db()));
    std::vector<std::pair<Hash256, int64_t>> missing;
    int scanned = 0;
    {
      GK_ASSIGN_OR_RETURN(
          auto rows,
          statements_.Get("SELECT j.rowid, j.envelope_id, j.received_at, EXISTS("
                          "SELECT 1 FROM log_entry l WHERE l.envelope_id = j.envelope_id) "
                          "FROM journal j WHERE j.rowid > ? ORDER BY j.rowid LIMIT ?"));
      rows->Bind(1, cursor).Bind(2, int64_t{kAppendMissingBatch});
      while (true) {
        GK_ASSIGN_OR_RETURN(bool row, rows->Step());
        if (!row) break;
        ++scanned;
        cursor = rows->ColumnInt(0);
        if (rows->ColumnInt(3) != 0) continue;
        auto id = HexDecodeFixed<kHashSize>(rows->ColumnText(1));
        if (!id.ok()) return id.status().WithContext("journal envelope_id");
        missing.emplace_back(*id, rows->ColumnInt(2));
      }
    }
    for (const auto& [id, received_at] : missing) {
      GK_ASSIGN_OR_RETURN(LogAppend result, Append(id, received_at));
      if (result.appended) ++appended;
    }
    if (scanned > 0) {
      GK_ASSIGN_OR_RETURN(auto save, statements_.Get("INSERT INTO meta(key, value) VALUES(?, ?) "
                                                     "ON CONFLICT(key) DO UPDATE SET "
                                                     "value = excluded.value"));
      save->Bind(1, std::string_view(kMetaHubLogJournalCursor))
          .Bind(2, std::string_view(std::to_string(cursor)));
      GK_RETURN_IF_ERROR(save->Run());
    }
    GK_RETURN_IF_ERROR(scope.Commit());
    if (scanned < kAppendMissingBatch) return appended;
  }
}

Status LogStore::CheckSize(uint64_t size, const char* what) {
  GK_ASSIGN_OR_RETURN(uint64_t held, Size());
  if (size > held) {
    return Status::NotFound(kErrMerkleSizeBeyondTree,
                            std::string(what) + ": 审计日志只有 " + std::to_string(held) +
                                " 条, 没有大小为 " + std::to_string(size) + " 的树");
  }
  return Status::Ok();
}

Result<Hash256> LogStore::Root(uint64_t size) {
  GK_RETURN_IF_ERROR(CheckSize(size, "树根"));
  return TreeRoot([this](int level, uint64_t position) { return ReadSubtree(level, position); },
                  size);
}

Result<std::vector<Hash256>> LogStore::InclusionProof(uint64_t index, uint64_t size) {
  GK_RETURN_IF_ERROR(CheckSize(size, "包含证明"));
  if (index >= size) {
    return Status::Invalid(kErrMerkleIndexOutOfRange, "包含证明: 条目 " + std::to_string(index) +
                                                          " 不在大小为 " + std::to_string(size) +
                                                          " 的树中");
  }
  return TreeInclusionProof(
      [this](int level, uint64_t position) { return ReadSubtree(level, position); }, index, size);
}

Result<std::vector<Hash256>> LogStore::ConsistencyProof(uint64_t size1, uint64_t size2) {
  GK_RETURN_IF_ERROR(CheckSize(size2, "一致性证明"));
  if (size1 > size2) {
    return Status::Invalid(kErrMerkleSizeOrder, "一致性证明: 旧树大小 " + std::to_string(size1) +
                                                    " 大于新树大小 " + std::to_string(size2));
  }
  return TreeConsistencyProof(
      [this](int level, uint64_t position) { return ReadSubtree(level, position); }, size1, size2);
}

Result<LogAppend> AppendToLog(sqlite3* db, const Hash256& envelope_id, int64_t received_at) {
  return LogStore(db).Append(envelope_id, received_at);
}

}  // namespace gongkai
