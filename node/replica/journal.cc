#include "node/replica/journal.h"

#include <algorithm>

#include "node/replica/sql.h"

namespace gongkai {

namespace {

template <size_t N>
std::array<uint8_t, N> FixedFromHex(const std::string& hex) {
  auto decoded = HexDecodeFixed<N>(hex);
  // The table's CHECKs keep these well formed; a hand-edited file reads as zeros.
  return decoded.ok() ? *decoded : std::array<uint8_t, N>{};
}

}  // namespace

Status InsertJournal(StatementCache& statements, const Envelope& envelope, int64_t received_at,
                     std::string_view source, std::string_view status) {
  GK_ASSIGN_OR_RETURN(
      StatementCache::Use stmt,
      statements.Get("INSERT INTO journal(envelope_id, origin, seq, prev, hlc, region, bytes,"
                     " received_at, source, status) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt->Bind(1, HashHex(envelope.id()))
      .Bind(2, NodeIdHex(envelope.origin()))
      .Bind(3, static_cast<int64_t>(envelope.seq()))
      .Bind(4, HashHex(envelope.prev()))
      .Bind(5, static_cast<int64_t>(envelope.hlc()))
      .Bind(6, envelope.region())
      .Bind(7, envelope.raw())
      .Bind(8, received_at)
      .Bind(9, source)
      .Bind(10, status);
  return stmt->Run();
}

Status InsertJournal(sqlite3* db, const Envelope& envelope, int64_t received_at,
                     std::string_view source, std::string_view status) {
  StatementCache once(db);
  return InsertJournal(once, envelope, received_at, source, status);
}

Result<bool> JournalHas(StatementCache& statements, const Hash256& id) {
  GK_ASSIGN_OR_RETURN(StatementCache::Use stmt,
                      statements.Get("SELECT 1 FROM journal WHERE envelope_id=?"));
  stmt->Bind(1, HashHex(id));
  return stmt->Step();
}

Result<bool> JournalHas(sqlite3* db, const Hash256& id) {
  StatementCache once(db);
  return JournalHas(once, id);
}

Result<std::optional<ChainLink>> LatestLink(sqlite3* db, const NodeId& origin) {
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "SELECT seq, envelope_id, prev FROM journal "
                                         "WHERE origin=? ORDER BY seq DESC LIMIT 1"));
  stmt.Bind(1, NodeIdHex(origin));
  GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<ChainLink>();
  ChainLink link;
  link.seq = static_cast<uint64_t>(stmt.ColumnInt(0));
  link.id = FixedFromHex<kHashSize>(stmt.ColumnText(1));
  link.prev = FixedFromHex<kHashSize>(stmt.ColumnText(2));
  return std::optional<ChainLink>(link);
}

Result<std::optional<Bytes>> JournalBytes(sqlite3* db, const NodeId& origin, uint64_t seq) {
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db, "SELECT bytes FROM journal WHERE origin=? AND seq=?"));
  stmt.Bind(1, NodeIdHex(origin)).Bind(2, static_cast<int64_t>(seq));
  GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<Bytes>();
  return std::optional<Bytes>(stmt.ColumnBlob(0));
}

std::optional<ChainLink> JournalChainView::Find(const NodeId& origin, uint64_t seq) const {
  auto found = statements_.Get("SELECT envelope_id, prev FROM journal WHERE origin=? AND seq=?");
  if (!found.ok()) {
    if (error_.ok()) error_ = found.status();
    return std::nullopt;
  }
  StatementCache::Use stmt = std::move(*found);
  stmt->Bind(1, NodeIdHex(origin)).Bind(2, static_cast<int64_t>(seq));
  auto row = stmt->Step();
  if (!row.ok()) {
    if (error_.ok()) error_ = row.status();
    return std::nullopt;
  }
  if (!*row) return std::nullopt;
  ChainLink link;
  link.seq = seq;
  link.id = FixedFromHex<kHashSize>(stmt->ColumnText(0));
  link.prev = FixedFromHex<kHashSize>(stmt->ColumnText(1));
  return link;
}

}  // namespace gongkai
