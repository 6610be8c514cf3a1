#include "hub/log/refused.h"

#include <algorithm>

#include "node/replica/sql.h"
#include "node/replica/sql.h"
#include "protocol/envelope.h"
#include "protocol/keys.h"

namespace gongkai {

namespace {

// The longest prefix of at most `max` bytes that does not end inside a UTF-8 sequence.
std::string_view CutUtf8(std::string_view text, size_t max) {
  if (text.size() <= max) return text;
  size_t cut = max;
  while (cut > 0 && (static_cast<uint8_t>(text[cut]) & 0xc0) == 0x80) --cut;
  return text.substr(0, cut);
}

}  // namespace

Result<int64_t> RecordRefused(sqlite3* db, ByteView bytes, std::string_view source,
                              const Status& refusal, int64_t received_at) {
  if (refusal.ok()) {
    return Status::Internal(kErrRefusedOk, "被拒信封的记录需要一个拒绝原因, 收到的却是成功");
  }
  const Hash256 hash = Sha256(bytes);
  // The header says what the sender claims; nothing here is verified, it only helps a
  // person find the sender's other envelopes.
  std::optional<Envelope> envelope;
  if (bytes.size() <= kMaxEnvelopeSize) {
    auto decoded = DecodeEnvelope(bytes);
    if (decoded.ok()) envelope.emplace(std::move(*decoded));
  }
  GK_ASSIGN_OR_RETURN(Transaction scope, Transaction::Begin(db));
  GK_ASSIGN_OR_RETURN(
      Statement insert,
      Statement::Prepare(
          db,
          "INSERT INTO refused_envelope(received_at, last_received_at, times, source, "
          "bytes_hash, origin, seq, region, code, message, bytes_length, bytes) "
          "VALUES(?1, ?1, 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
          "ON CONFLICT(bytes_hash, code, source) DO UPDATE SET times = times + 1, "
          "last_received_at = max(last_received_at, excluded.received_at) RETURNING id"));
  insert.Bind(1, received_at)
      .Bind(2, CutUtf8(source, kMaxRefusedSourceSize))
      .Bind(3, std::string_view(HashHex(hash)));
  if (envelope && envelope->seq() <= uint64_t{INT64_MAX}) {
    insert.Bind(4, std::string_view(NodeIdHex(envelope->origin())))
        .Bind(5, static_cast<int64_t>(envelope->seq()))
        .Bind(6, std::string_view(envelope->region()));
  } else {
    insert.BindNull(4).BindNull(5).BindNull(6);
  }
  insert.Bind(7, std::string_view(refusal.code()))
      .Bind(8, CutUtf8(refusal.message(), kMaxRefusedMessageSize))
      .Bind(9, static_cast<int64_t>(bytes.size()))
      .Bind(10, bytes.first(std::min(bytes.size(), kMaxRefusedBytesKept)));
  GK_ASSIGN_OR_RETURN(bool row, insert.Step());
  if (!row) return Status::Internal(kErrSqlFailed, "refused_envelope: no id returned");
  const int64_t id = insert.ColumnInt(0);
  insert.Reset();
  GK_RETURN_IF_ERROR(scope.Commit());
  return id;
}

Result<std::vector<RefusedRecord>> ListRefused(sqlite3* db, int64_t after_id, int limit) {
  if (limit < 1 || limit > kMaxRefusedListed) {
    return Status::Invalid(kErrRefusedLimit, "每次最多列出 " + std::to_string(kMaxRefusedListed) +
                                                 " 条被拒信封, 请求的是 " + std::to_string(limit));
  }
  GK_ASSIGN_OR_RETURN(
      Statement query,
      Statement::Prepare(db,
                         "SELECT id, received_at, last_received_at, times, source, bytes_hash, "
                         "origin, seq, region, code, message, bytes_length, bytes "
                         "FROM refused_envelope WHERE id > ? ORDER BY id LIMIT ?"));
  query.Bind(1, after_id).Bind(2, int64_t{limit});
  std::vector<RefusedRecord> out;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    RefusedRecord r;
    r.id = query.ColumnInt(0);
    r.received_at = query.ColumnInt(1);
    r.last_received_at = query.ColumnInt(2);
    r.times = query.ColumnInt(3);
    r.source = query.ColumnText(4);
    GK_ASSIGN_OR_RETURN(r.bytes_hash, HexDecodeFixed<kHashSize>(query.ColumnText(5)));
    if (!query.ColumnIsNull(6)) r.origin = query.ColumnText(6);
    if (!query.ColumnIsNull(7)) r.seq = query.ColumnInt(7);
    if (!query.ColumnIsNull(8)) r.region = query.ColumnText(8);
    r.code = query.ColumnText(9);
    r.message = query.ColumnText(10);
    r.bytes_length = query.ColumnInt(11);
    r.bytes = query.ColumnBlob(12);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace gongkai
