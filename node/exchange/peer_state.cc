#include "node/exchange/peer_state.h"

#include <charconv>

#include "node/replica/sql.h"
#include "protocol/bytes.h"

namespace gongkai {

namespace {

Status BadCursor(std::string_view why) {
  return Status::Invalid(kErrPeerState, "sync_state 中的同步游标无法读取: " + std::string(why));
}

Result<std::optional<std::string>> StoredCursor(sqlite3* db, std::string_view peer) {
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db, "SELECT cursor FROM sync_state WHERE peer=?"));
  stmt.Bind(1, peer);
  GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(stmt.ColumnText(0));
}

}  // namespace

std::string BundlePeerName(const NodeId& maker) { return kBundlePeerPrefix + NodeIdHex(maker); }

Result<std::string> PeerHaveCursor(const PeerHave& peer_have) {
  GK_ASSIGN_OR_RETURN(Bytes encoded, peer_have.have.Encode());
  return kPeerHaveCursorPrefix + std::to_string(peer_have.as_of) + ":" + Base64Encode(encoded);
}

Result<PeerHave> ParsePeerHaveCursor(std::string_view cursor) {
  constexpr std::string_view kPrefix = kPeerHaveCursorPrefix;
  if (!cursor.starts_with(kPrefix)) return BadCursor("不是 have1 格式");
  cursor.remove_prefix(kPrefix.size());
  const size_t colon = cursor.find(':');
  if (colon == std::string_view::npos) return BadCursor("缺少 HLC");
  std::string_view hlc_text = cursor.substr(0, colon);
  PeerHave out;
  auto [end, ec] = std::from_chars(hlc_text.data(), hlc_text.data() + hlc_text.size(), out.as_of);
  if (ec != std::errc() || end != hlc_text.data() + hlc_text.size() || hlc_text.empty() ||
      (hlc_text.size() > 1 && hlc_text[0] == '0') || !HlcIsValid(out.as_of)) {
    return BadCursor("HLC 不是十进制数");
  }
  auto encoded = Base64Decode(cursor.substr(colon + 1));
  if (!encoded.ok()) return BadCursor("Base64 有误");
  auto have = HaveSummary::Decode(*encoded);
  if (!have.ok()) return BadCursor(have.status().ToString());
  out.have = std::move(*have);
  return out;
}

Result<std::optional<PeerHave>> LoadPeerHave(const Replica& replica, std::string_view peer) {
  GK_ASSIGN_OR_RETURN(std::optional<std::string> cursor, StoredCursor(replica.db(), peer));
  if (!cursor || cursor->empty()) return std::optional<PeerHave>();
  GK_ASSIGN_OR_RETURN(PeerHave stored, ParsePeerHaveCursor(*cursor));
  return std::optional<PeerHave>(std::move(stored));
}

Status RecordPeerHave(Replica& replica, std::string_view peer, const PeerHave& peer_have,
                      std::string_view result) {
  sqlite3* db = replica.db();
  GK_ASSIGN_OR_RETURN(std::string cursor, PeerHaveCursor(peer_have));
  GK_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db));
  GK_ASSIGN_OR_RETURN(std::optional<std::string> stored, StoredCursor(db, peer));
  if (stored && !stored->empty()) {
    auto previous = ParsePeerHaveCursor(*stored);
    if (previous.ok() && previous->as_of > peer_have.as_of) cursor = *stored;
  }
  const int64_t now = replica.NowMs();
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "INSERT INTO sync_state(peer, cursor, last_attempt_at, last_success_at,"
                         " last_result) VALUES(?, ?, ?, ?, ?) ON CONFLICT(peer) DO UPDATE SET"
                         " cursor=excluded.cursor, last_attempt_at=excluded.last_attempt_at,"
                         " last_success_at=excluded.last_success_at,"
                         " last_result=excluded.last_result"));
  stmt.Bind(1, peer).Bind(2, cursor).Bind(3, now).Bind(4, now).Bind(5, result);
  GK_RETURN_IF_ERROR(stmt.Run());
  return tx.Commit();
}

}  // namespace gongkai
