#include "node/replica/changeset_rows.h"

#include <cstring>
#include <map>

#include "node/replica/table_info.h"
#include "protocol/sqlite_handles.h"

namespace gongkai {

namespace {

Status ReadError(int rc, std::string_view what) {
  return Status::Invalid(kErrChangesetRead,
                         "变更集格式错误 (" + std::string(what) + "): " + sqlite3_errstr(rc));
}

Result<ChangesetIter> Start(ByteView changeset) {
  sqlite3_changeset_iter* raw = nullptr;
  int rc = sqlite3changeset_start(&raw, static_cast<int>(changeset.size()),
                                  const_cast<uint8_t*>(changeset.data()));
  ChangesetIter iter(raw);
  if (rc != SQLITE_OK) return ReadError(rc, "start");
  return iter;
}

}  // namespace

Result<std::set<std::string>> ChangesetRegions(sqlite3* db, ByteView changeset) {
  std::set<std::string> regions;
  std::map<std::string, int> region_column;  // per table, from the local schema
  GK_ASSIGN_OR_RETURN(ChangesetIter iter, Start(changeset));
  int rc;
  while ((rc = sqlite3changeset_next(iter.get())) == SQLITE_ROW) {
    const char* table = nullptr;
    int columns = 0, op = 0, indirect = 0;
    rc = sqlite3changeset_op(iter.get(), &table, &columns, &op, &indirect);
    if (rc != SQLITE_OK) return ReadError(rc, "op");
    auto found = region_column.find(table);
    if (found == region_column.end()) {
      GK_ASSIGN_OR_RETURN(TableInfo info, ReadTableInfo(db, table));
      int index = -1;
      for (size_t c = 0; c < info.columns.size(); ++c) {
        if (info.columns[c] == "region") index = static_cast<int>(c);
      }
      found = region_column.emplace(table, index).first;
    }
    int column = found->second;
    if (column < 0 || column >= columns) {
      return Status::Invalid(kErrChangesetNoRegion,
                             "表 " + std::string(table) + " 没有 region 列, 不是同步表");
    }
    sqlite3_value* value = nullptr;
    rc = op == SQLITE_INSERT ? sqlite3changeset_new(iter.get(), column, &value)
                             : sqlite3changeset_old(iter.get(), column, &value);
    if (rc != SQLITE_OK) return ReadError(rc, "value");
    if (value == nullptr || sqlite3_value_type(value) != SQLITE_TEXT) {
      return Status::Invalid(kErrChangesetNoRegion,
                             "表 " + std::string(table) + " 的一行没有文本形式的 region");
    }
    regions.emplace(reinterpret_cast<const char*>(sqlite3_value_text(value)),
                    static_cast<size_t>(sqlite3_value_bytes(value)));
  }
  if (rc != SQLITE_DONE) return ReadError(rc, "next");
  return regions;
}

Status CheckLocalSchema(StatementCache& statements, ByteView changeset) {
  std::set<std::string> checked;
  GK_ASSIGN_OR_RETURN(ChangesetIter iter, Start(changeset));
  int rc;
  while ((rc = sqlite3changeset_next(iter.get())) == SQLITE_ROW) {
    const char* table = nullptr;
    int columns = 0, op = 0, indirect = 0;
    rc = sqlite3changeset_op(iter.get(), &table, &columns, &op, &indirect);
    if (rc != SQLITE_OK) return ReadError(rc, "op");
    if (!checked.insert(table).second) continue;
    unsigned char* pk = nullptr;
    rc = sqlite3changeset_pk(iter.get(), &pk, &columns);
    if (rc != SQLITE_OK) return ReadError(rc, "pk");
    GK_ASSIGN_OR_RETURN(TableInfo info, ReadTableInfo(statements, table));
    if (info.columns.empty()) {
      return Status::Invalid(kErrSchemaMismatch, "本地副本没有表 " + std::string(table));
    }
    if (static_cast<int>(info.columns.size()) != columns) {
      return Status::Invalid(kErrSchemaMismatch, "表 " + std::string(table) + " 本地有 " +
                                                     std::to_string(info.columns.size()) +
                                                     " 列, 变更集有 " + std::to_string(columns) +
                                                     " 列");
    }
    std::vector<bool> local_pk = info.IsPkFlags();
    for (int c = 0; c < columns; ++c) {
      if (local_pk[static_cast<size_t>(c)] != (pk[c] != 0)) {
        return Status::Invalid(kErrSchemaMismatch, "表 " + std::string(table) + " 的主键列 " +
                                                       info.columns[static_cast<size_t>(c)] +
                                                       " 与变更集不一致");
      }
    }
  }
  if (rc != SQLITE_DONE) return ReadError(rc, "next");
  return Status::Ok();
}

Status CheckLocalSchema(sqlite3* db, ByteView changeset) {
  StatementCache once(db);
  return CheckLocalSchema(once, changeset);
}

bool SqlValuesEqual(sqlite3_value* a, sqlite3_value* b) {
  if (a == nullptr || b == nullptr) return a == b;
  int type = sqlite3_value_type(a);
  if (type != sqlite3_value_type(b)) return false;
  switch (type) {
    case SQLITE_NULL:
      return true;
    case SQLITE_INTEGER:
      return sqlite3_value_int64(a) == sqlite3_value_int64(b);
    case SQLITE_FLOAT: {
      double x = sqlite3_value_double(a), y = sqlite3_value_double(b);
      return std::memcmp(&x, &y, sizeof x) == 0;
    }
    case SQLITE_TEXT: {
      int n = sqlite3_value_bytes(a);
      return n == sqlite3_value_bytes(b) &&
             std::memcmp(sqlite3_value_text(a), sqlite3_value_text(b), static_cast<size_t>(n)) == 0;
    }
    default: {
      int n = sqlite3_value_bytes(a);
      const void* pa = sqlite3_value_blob(a);
      const void* pb = sqlite3_value_blob(b);
      return n == sqlite3_value_bytes(b) &&
             (n == 0 || std::memcmp(pa, pb, static_cast<size_t>(n)) == 0);
    }
  }
}

}  // namespace gongkai
