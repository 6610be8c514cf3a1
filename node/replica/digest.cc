#include "node/replica/digest.h"

#include <cstring>
#include <string>

#include "node/replica/sql.h"
#include "node/replica/synced_tables.h"
#include "node/replica/table_info.h"
#include "protocol/region.h"
#include "protocol/schema.h"

namespace gongkai {

namespace {

void PutU32(Sha256Stream& hash, uint32_t v) {
  ByteWriter w;
  w.U32(v);
  hash.Update(w.bytes());
}

void PutU64(Sha256Stream& hash, uint64_t v) {
  ByteWriter w;
  w.U64(v);
  hash.Update(w.bytes());
}

void PutTag(Sha256Stream& hash, uint8_t tag) { hash.Update(ByteView(&tag, 1)); }

void PutLengthPrefixed(Sha256Stream& hash, ByteView bytes) {
  PutU32(hash, static_cast<uint32_t>(bytes.size()));
  hash.Update(bytes);
}

void PutValue(Sha256Stream& hash, sqlite3_stmt* stmt, int column) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_NULL:
      PutTag(hash, kDigestNull);
      break;
    case SQLITE_INTEGER:
      PutTag(hash, kDigestInteger);
      PutU64(hash, static_cast<uint64_t>(sqlite3_column_int64(stmt, column)));
      break;
    case SQLITE_FLOAT: {
      double d = sqlite3_column_double(stmt, column);
      uint64_t bits = 0;
      std::memcpy(&bits, &d, sizeof bits);
      PutTag(hash, kDigestReal);
      PutU64(hash, bits);
      break;
    }
    case SQLITE_TEXT: {
      const auto* text = sqlite3_column_text(stmt, column);
      PutTag(hash, kDigestText);
      PutLengthPrefixed(hash,
                        ByteView(text, static_cast<size_t>(sqlite3_column_bytes(stmt, column))));
      break;
    }
    default: {
      const auto* blob = static_cast<const uint8_t*>(sqlite3_column_blob(stmt, column));
      size_t size = static_cast<size_t>(sqlite3_column_bytes(stmt, column));
      PutTag(hash, kDigestBlob);
      PutLengthPrefixed(hash, blob == nullptr ? ByteView() : ByteView(blob, size));
      break;
    }
  }
}

// Whether `table` has a row in `region`'s subtree.
Result<bool> HasRowsIn(sqlite3* db, std::string_view table, std::string_view region) {
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db, "SELECT 1 FROM " + QuoteIdentifier(table) +
                                                 " WHERE substr(region, 1, ?1) = ?2 LIMIT 1"));
  stmt.Bind(1, static_cast<int64_t>(region.size())).Bind(2, region);
  return stmt.Step();
}

Status HashTable(sqlite3* db, std::string_view table, std::string_view region, Sha256Stream& hash) {
  const TableSpec* spec = FindTable(table);
  if (spec != nullptr && spec->since_version > 1) {
    GK_ASSIGN_OR_RETURN(bool any, HasRowsIn(db, table, region));
    if (!any) return Status::Ok();
  }
  GK_ASSIGN_OR_RETURN(TableInfo info, ReadTableInfo(db, table));
  PutTag(hash, kDigestTableTag);
  PutLengthPrefixed(hash, AsBytes(table));
  PutU32(hash, static_cast<uint32_t>(info.columns.size()));
  for (const std::string& column : info.columns) PutLengthPrefixed(hash, AsBytes(column));

  std::string sql = "SELECT ";
  for (size_t i = 0; i < info.columns.size(); ++i) {
    sql += (i ? ", " : "") + QuoteIdentifier(info.columns[i]);
  }
  // substr, not LIKE: a region is digits, and a whole-level prefix is a plain prefix.
  sql += " FROM " + QuoteIdentifier(table) + " WHERE substr(region, 1, ?1) = ?2 ORDER BY ";
  for (size_t i = 0; i < info.pk_columns.size(); ++i) {
    sql += (i ? ", " : "") + QuoteIdentifier(info.columns[info.pk_columns[i]]) + " COLLATE BINARY";
  }
  GK_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, sql));
  stmt.Bind(1, static_cast<int64_t>(region.size())).Bind(2, region);
  uint64_t rows = 0;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    PutTag(hash, kDigestRowTag);
    for (int c = 0; c < static_cast<int>(info.columns.size()); ++c) PutValue(hash, stmt.get(), c);
    ++rows;
  }
  PutTag(hash, kDigestTableEndTag);
  PutU64(hash, rows);
  return Status::Ok();
}

}  // namespace

Result<Hash256> TablesDigest(sqlite3* db, std::span<const std::string_view> tables,
                             std::string_view region) {
  if (Status valid = ValidateRegion(region); !valid.ok()) {
    return Status::Invalid(kErrDigestRegion, "摘要的区划代码无效: " + valid.message());
  }
  Sha256Stream hash;
  for (std::string_view table : tables) GK_RETURN_IF_ERROR(HashTable(db, table, region, hash));
  return hash.Finish();
}

Result<Hash256> RegionDigest(const Replica& replica, std::string_view region) {
  return TablesDigest(replica.db(), SyncedTableNames(), region);
}

}  // namespace gongkai
