// Envelope items of compressed batches and bundles (protocol/envelope_batch_item.h).
#include "protocol/envelope_batch_item.h"

#include <algorithm>
#include <string>
#include <utility>

#include <zstd.h>

#include "protocol/compress.h"
#include "protocol/sha256.h"

namespace gongkai {
namespace {

// Envelope offsets (protocol/envelope.h): origin, seq and prev.
constexpr size_t kOriginOffset = 5;
constexpr size_t kSeqOffset = kOriginOffset + kNodeIdSize;  // 21
constexpr size_t kPrevOffset = kSeqOffset + 8;              // 29
constexpr size_t kMaxRegionLength = 12;

// Origin and seq of envelope bytes (or of an item's head, which starts the same way).
// REQUIRES: head.size() >= kPrevOffset.
std::pair<NodeId, uint64_t> OriginAndSeq(ByteView head) {
  NodeId origin;
  std::copy_n(head.begin() + kOriginOffset, origin.size(), origin.begin());
  uint64_t seq = 0;
  for (size_t i = kSeqOffset; i < kPrevOffset; ++i) seq = (seq << 8) | head[i];
  return {origin, seq};
}

uint32_t BigEndianU32(ByteView b) {
  return static_cast<uint32_t>(b[0]) << 24 | static_cast<uint32_t>(b[1]) << 16 |
         static_cast<uint32_t>(b[2]) << 8 | b[3];
}

}  // namespace

uint32_t BatchCodec() { return static_cast<uint32_t>(ZSTD_versionNumber()); }

std::optional<Bytes> CanonicalChangeset(const Envelope& envelope) {
  Result<Bytes> changeset = Decompress(envelope.payload(), envelope.payload_size());
  if (!changeset.ok() || changeset->size() != envelope.payload_size()) return std::nullopt;
  const Bytes again = Compress(*changeset);
  const ByteView payload = envelope.payload();
  if (!std::equal(again.begin(), again.end(), payload.begin(), payload.end())) return std::nullopt;
  return std::move(*changeset);
}

std::optional<Hash256> ItemChain::PrevOf(const NodeId& origin, uint64_t seq) const {
  auto end = ends_.find(origin);
  if (end == ends_.end() || end->second.seq + 1 != seq) return std::nullopt;
  return end->second.id;
}

void ItemChain::Record(ByteView head, const Hash256& id) {
  if (head.size() < kPrevOffset) return;
  const auto [origin, seq] = OriginAndSeq(head);
  ends_[origin] = {seq, id};
}

size_t ItemWriter::Append(ByteView bytes, size_t max_opened, ByteWriter& out) {
  std::optional<Envelope> envelope;
  std::optional<Bytes> changeset;
  if (open_) {
    Result<Envelope> decoded = DecodeEnvelope(bytes);
    if (decoded.ok()) {
      envelope.emplace(std::move(*decoded));
      changeset = CanonicalChangeset(*envelope);
    }
  }
  size_t head_size = 0;
  size_t opened_size = 0;
  bool chained = false;
  if (changeset.has_value()) {
    chained = chain_.PrevOf(envelope->origin(), envelope->seq()) == envelope->prev();
    head_size = kEnvelopeRegionOffset + 1 + envelope->region().size() + 4;  // to payload_size
    opened_size = 1 + head_size - (chained ? kHashSize : 0) + changeset->size() + kSignatureSize;
    if (opened_size > max_opened) changeset.reset();
  }
  size_t written = 0;
  if (changeset.has_value()) {
    const ByteView head = bytes.first(head_size);
    out.U8(chained ? kItemChained : kItemOpened);
    out.Raw(head.first(kPrevOffset));
    out.Raw(head.subspan(chained ? kPrevOffset + kHashSize : kPrevOffset));
    out.Raw(*changeset);
    out.Raw(bytes.last(kSignatureSize));
    written = opened_size;
  } else {
    out.U8(kItemAsIs);
    out.U32(static_cast<uint32_t>(bytes.size()));
    out.Raw(bytes);
    written = 5 + bytes.size();
  }
  // As the reader keeps it: every item long enough to name an origin and a seq.
  if (open_) chain_.Record(bytes, envelope.has_value() ? envelope->id() : Sha256(bytes));
  return written;
}

Result<ItemEnvelope> ItemReader::Next(ItemInput& input, std::string_view where) {
  const std::string at(where);
  GK_ASSIGN_OR_RETURN(ByteView form_byte, input.Take(1, "form"));
  const uint8_t form = form_byte[0];
  ItemEnvelope out;
  if (form == kItemAsIs) {
    GK_ASSIGN_OR_RETURN(ByteView length_bytes, input.Take(4, "envelope length"));
    const uint32_t length = BigEndianU32(length_bytes);
    if (length > kMaxEnvelopeSize) {
      return Status::TooLarge(rules_.envelope_too_large,
                              at + ": envelope of " + std::to_string(length) + " bytes, limit " +
                                  std::to_string(kMaxEnvelopeSize));
    }
    if (length == 0) return Status::Invalid(rules_.empty, at + ": empty envelope");
    GK_ASSIGN_OR_RETURN(out.as_is, input.Take(length, "envelope"));
    chain_.Record(out.as_is, Sha256(out.as_is));
    return out;
  }
  if (form != kItemOpened && form != kItemChained) {
    return Status::Invalid(rules_.item, at + ": unknown form " + std::to_string(form));
  }
  if (rules_.codec != BatchCodec()) {
    return Status::Invalid(rules_.codec_mismatch,
                           at + " was opened for zstd " + std::to_string(rules_.codec) +
                               "; this node runs " + std::to_string(BatchCodec()));
  }
  const bool chained = form == kItemChained;
  ByteWriter envelope;
  {
    GK_ASSIGN_OR_RETURN(ByteView head,
                        input.Take(kEnvelopeRegionOffset - (chained ? kHashSize : 0), "envelope"));
    envelope.Raw(head.first(kPrevOffset));
    if (chained) {
      const auto [origin, seq] = OriginAndSeq(head);
      const std::optional<Hash256> prev = chain_.PrevOf(origin, seq);
      if (!prev.has_value()) {
        return Status::Invalid(rules_.item, at + " follows no envelope of its origin before it");
      }
      envelope.Raw(*prev);
    }
    envelope.Raw(head.subspan(kPrevOffset));
  }
  GK_ASSIGN_OR_RETURN(ByteView region_length_byte, input.Take(1, "region length"));
  const uint8_t region_length = region_length_byte[0];
  if (region_length > kMaxRegionLength) {
    return Status::Invalid(kErrEnvelopeRegion,
                           at + ": region of " + std::to_string(region_length) + " digits");
  }
  envelope.U8(region_length);
  {
    GK_ASSIGN_OR_RETURN(ByteView region, input.Take(region_length, "region"));
    envelope.Raw(region);
  }
  GK_ASSIGN_OR_RETURN(ByteView size_bytes, input.Take(4, "payload_size"));
  const uint32_t payload_size = BigEndianU32(size_bytes);
  if (payload_size > rules_.max_changeset) {
    return Status::TooLarge(rules_.changeset_too_large,
                            at + ": changeset of " + std::to_string(payload_size) +
                                " bytes, limit " + std::to_string(rules_.max_changeset));
  }
  envelope.U32(payload_size);
  {
    GK_ASSIGN_OR_RETURN(ByteView changeset, input.Take(payload_size, "changeset"));
    const Bytes payload = Compress(changeset);
    envelope.U32(static_cast<uint32_t>(payload.size()));
    envelope.Raw(payload);
  }
  {
    GK_ASSIGN_OR_RETURN(ByteView signature, input.Take(kSignatureSize, "signature"));
    envelope.Raw(signature);
  }
  Result<Envelope> decoded = DecodeEnvelope(envelope.Take());
  if (!decoded.ok()) return decoded.status().WithContext(at);
  chain_.Record(decoded->raw(), decoded->id());
  out.rebuilt.emplace(std::move(*decoded));
  return out;
}

}  // namespace gongkai
