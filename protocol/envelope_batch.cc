// Envelope batches (protocol/envelope_batch.h).
#include "protocol/envelope_batch.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include <zstd.h>

#include "protocol/compress.h"
#include "protocol/envelope.h"
#include "protocol/sha256.h"

namespace gongkai {

Result<Bytes> EncodeBatch(const std::vector<Bytes>& envelopes) {
  if (envelopes.size() > kMaxBatchEnvelopes) {
    return Status::TooLarge(kErrBatchTooMany, std::to_string(envelopes.size()) +
                                                  " envelopes; a batch holds at most " +
                                                  std::to_string(kMaxBatchEnvelopes));
  }
  size_t total = kBatchHeaderSize;
  for (const Bytes& envelope : envelopes) {
    if (envelope.empty()) return Status::Invalid(kErrBatchEmptyEnvelope, "empty envelope in batch");
    if (envelope.size() > kMaxEnvelopeSize) {
      return Status::TooLarge(kErrBatchTooLarge, "envelope larger than kMaxEnvelopeSize");
    }
    total += 4 + envelope.size();
  }
  if (total > kMaxBatchSize) {
    return Status::TooLarge(
        kErrBatchTooLarge,
        "batch of " + std::to_string(total) + " bytes; at most " + std::to_string(kMaxBatchSize));
  }
  ByteWriter writer;
  writer.Raw(ByteView(kBatchMagic));
  writer.U8(kBatchVersion);
  writer.U32(static_cast<uint32_t>(envelopes.size()));
  for (const Bytes& envelope : envelopes) {
    writer.U32(static_cast<uint32_t>(envelope.size()));
    writer.Raw(envelope);
  }
  return writer.Take();
}

Result<std::vector<ByteView>> DecodeBatch(ByteView bytes) {
  if (bytes.size() > kMaxBatchSize) {
    return Status::TooLarge(kErrBatchTooLarge, "batch of " + std::to_string(bytes.size()) +
                                                   " bytes; at most " +
                                                   std::to_string(kMaxBatchSize));
  }
  ByteReader reader(bytes, kErrBatchTruncated);
  GK_ASSIGN_OR_RETURN(ByteView magic, reader.Raw(kBatchMagic.size(), "magic"));
  if (!std::equal(magic.begin(), magic.end(), kBatchMagic.begin())) {
    return Status::Invalid(kErrBatchMagic, "not an envelope batch (magic GKBT)");
  }
  GK_ASSIGN_OR_RETURN(uint8_t version, reader.U8("version"));
  if (version != kBatchVersion) {
    return Status::Invalid(kErrBatchVersion, "batch version " + std::to_string(version));
  }
  GK_ASSIGN_OR_RETURN(uint32_t count, reader.U32("count"));
  if (count > kMaxBatchEnvelopes) {
    return Status::TooLarge(kErrBatchTooMany, std::to_string(count) +
                                                  " envelopes; a batch holds at most " +
                                                  std::to_string(kMaxBatchEnvelopes));
  }
  std::vector<ByteView> out;
  out.reserve(count);
  for (uint32_t n = 0; n < count; ++n) {
    GK_ASSIGN_OR_RETURN(ByteView envelope,
                        reader.Bytes32("envelope", kMaxEnvelopeSize, kErrBatchTooLarge));
    if (envelope.empty()) {
      return Status::Invalid(kErrBatchEmptyEnvelope, "empty envelope " + std::to_string(n));
    }
    out.push_back(envelope);
  }
  if (!reader.at_end()) {
    return Status::Invalid(kErrBatchTrailing,
                           std::to_string(reader.remaining()) + " bytes after the last envelope");
  }
  return out;
}

namespace {

// Envelope offsets (protocol/envelope.h): origin, seq and prev.
constexpr size_t kOriginOffset = 5;
constexpr size_t kSeqOffset = kOriginOffset + kNodeIdSize;  // 21
constexpr size_t kPrevOffset = kSeqOffset + 8;              // 29
constexpr size_t kMaxRegionLength = 12;

constexpr uint8_t kFormAsIs = 0;
constexpr uint8_t kFormOpened = 1;
constexpr uint8_t kFormChained = 2;

// The last envelope of each origin read so far: what a chained item's prev names.
struct ChainEnd {
  uint64_t seq = 0;
  Hash256 id{};
};
using ChainEnds = std::map<NodeId, ChainEnd>;

// Origin and seq of envelope bytes (or of an item's head, which starts the same way).
std::pair<NodeId, uint64_t> OriginAndSeq(ByteView head) {
  NodeId origin;
  std::copy_n(head.begin() + kOriginOffset, origin.size(), origin.begin());
  uint64_t seq = 0;
  for (size_t i = kSeqOffset; i < kPrevOffset; ++i) seq = (seq << 8) | head[i];
  return {origin, seq};
}

Status TooMany(size_t count) {
  return Status::TooLarge(kErrBatchTooMany,
                          std::to_string(count) + " envelopes; a compressed batch holds at most " +
                              std::to_string(kMaxCompressedBatchEnvelopes));
}

// The changeset of `envelope` when Compress gives its payload back exactly.
std::optional<Bytes> CanonicalChangeset(const Envelope& envelope) {
  Result<Bytes> changeset = Decompress(envelope.payload(), envelope.payload_size());
  if (!changeset.ok() || changeset->size() != envelope.payload_size()) return std::nullopt;
  const Bytes again = Compress(*changeset);
  const ByteView payload = envelope.payload();
  if (!std::equal(again.begin(), again.end(), payload.begin(), payload.end())) return std::nullopt;
  return std::move(*changeset);
}

}  // namespace

uint32_t BatchCodec() { return static_cast<uint32_t>(ZSTD_versionNumber()); }

Result<Bytes> EncodeCompressedBatch(const std::vector<Bytes>& envelopes, uint32_t reader_codec) {
  if (envelopes.size() > kMaxCompressedBatchEnvelopes) return TooMany(envelopes.size());
  size_t as_is_total = 0;  // the items, all as is
  size_t envelope_total = kBatchHeaderSize;
  for (const Bytes& envelope : envelopes) {
    if (envelope.empty()) return Status::Invalid(kErrBatchEmptyEnvelope, "empty envelope in batch");
    if (envelope.size() > kMaxEnvelopeSize) {
      return Status::TooLarge(kErrBatchTooLarge, "envelope larger than kMaxEnvelopeSize");
    }
    as_is_total += 5 + envelope.size();
    envelope_total += 4 + envelope.size();
  }
  if (envelope_total > kMaxBatchSize) {
    return Status::TooLarge(kErrBatchTooLarge, "batch of " + std::to_string(envelope_total) +
                                                   " envelope bytes; at most " +
                                                   std::to_string(kMaxBatchSize));
  }
  const bool open = reader_codec != 0 && reader_codec == BatchCodec();
  ByteWriter items;
  ChainEnds chain_ends;
  size_t planned = as_is_total;  // the items' size if the rest go as is
  for (const Bytes& bytes : envelopes) {
    std::optional<Envelope> envelope;
    std::optional<Bytes> changeset;
    if (open) {
      Result<Envelope> decoded = DecodeEnvelope(ByteView(bytes));
      if (decoded.ok()) {
        envelope.emplace(std::move(*decoded));
        changeset = CanonicalChangeset(*envelope);
      }
    }
    size_t head_size = 0;
    bool chained = false;
    if (changeset.has_value()) {
      auto end = chain_ends.find(envelope->origin());
      chained = end != chain_ends.end() && end->second.seq + 1 == envelope->seq() &&
                end->second.id == envelope->prev();
      head_size = kEnvelopeRegionOffset + 1 + envelope->region().size() + 4;  // to payload_size
      const size_t opened_size =
          1 + head_size - (chained ? kHashSize : 0) + changeset->size() + kSignatureSize;
      const size_t with_it = planned - (5 + bytes.size()) + opened_size;
      if (with_it <= kMaxOpenedBatchSize) {
        planned = with_it;
      } else {
        changeset.reset();
      }
    }
    if (changeset.has_value()) {
      const ByteView head = ByteView(bytes).first(head_size);
      items.U8(chained ? kFormChained : kFormOpened);
      items.Raw(head.first(kPrevOffset));
      items.Raw(head.subspan(chained ? kPrevOffset + kHashSize : kPrevOffset));
      items.Raw(*changeset);
      items.Raw(ByteView(bytes).last(kSignatureSize));
    } else {
      items.U8(kFormAsIs);
      items.U32(static_cast<uint32_t>(bytes.size()));
      items.Raw(bytes);
    }
    // As the reader keeps it: every item long enough to name an origin and a seq.
    if (open && bytes.size() >= kPrevOffset) {
      const auto [origin, seq] = OriginAndSeq(bytes);
      chain_ends[origin] = {seq, envelope.has_value() ? envelope->id() : Sha256(bytes)};
    }
  }
  const Bytes frame = Compress(items.Take(), kBatchZstdLevel);
  ByteWriter writer;
  writer.Raw(ByteView(kBatchMagic));
  writer.U8(kBatchVersionCompressed);
  writer.U32(static_cast<uint32_t>(envelopes.size()));
  writer.U32(BatchCodec());
  writer.Raw(frame);
  return writer.Take();
}

Result<OpenedBatch> OpenBatch(ByteView bytes) {
  OpenedBatch out;
  if (bytes.size() < kBatchHeaderSize || bytes[4] != kBatchVersionCompressed ||
      !std::equal(kBatchMagic.begin(), kBatchMagic.end(), bytes.begin())) {
    GK_ASSIGN_OR_RETURN(out.envelopes, DecodeBatch(bytes));
    return out;
  }
  if (bytes.size() > kMaxBatchSize) {
    return Status::TooLarge(kErrBatchTooLarge, "batch of " + std::to_string(bytes.size()) +
                                                   " bytes; at most " +
                                                   std::to_string(kMaxBatchSize));
  }
  ByteReader header(bytes.subspan(kBatchMagic.size() + 1), kErrBatchTruncated);
  GK_ASSIGN_OR_RETURN(uint32_t count, header.U32("count"));
  if (count > kMaxCompressedBatchEnvelopes) return TooMany(count);
  GK_ASSIGN_OR_RETURN(uint32_t codec, header.U32("codec"));
  GK_ASSIGN_OR_RETURN(out.items, Decompress(bytes.subspan(kCompressedBatchHeaderSize),
                                            kMaxOpenedBatchSize));
  ByteReader reader(out.items, kErrBatchTruncated);
  // Where each envelope is: in the input (as is) or in `rebuilt`.
  std::vector<std::pair<bool, size_t>> places;
  std::vector<ByteView> as_is;
  ChainEnds chain_ends;
  places.reserve(count);
  for (uint32_t n = 0; n < count; ++n) {
    GK_ASSIGN_OR_RETURN(uint8_t form, reader.U8("form"));
    if (form == kFormAsIs) {
      GK_ASSIGN_OR_RETURN(ByteView envelope,
                          reader.Bytes32("envelope", kMaxEnvelopeSize, kErrBatchTooLarge));
      if (envelope.empty()) {
        return Status::Invalid(kErrBatchEmptyEnvelope, "empty envelope " + std::to_string(n));
      }
      if (envelope.size() >= kPrevOffset) {
        const auto [origin, seq] = OriginAndSeq(envelope);
        chain_ends[origin] = {seq, Sha256(envelope)};
      }
      places.emplace_back(false, as_is.size());
      as_is.push_back(envelope);
      continue;
    }
    if (form != kFormOpened && form != kFormChained) {
      return Status::Invalid(kErrBatchItem, "batch item " + std::to_string(n) + ": unknown form " +
                                                std::to_string(form));
    }
    if (codec != BatchCodec()) {
      return Status::Invalid(kErrBatchCodec,
                             "batch item " + std::to_string(n) + " was opened for zstd " +
                                 std::to_string(codec) + "; this node runs " +
                                 std::to_string(BatchCodec()));
    }
    const bool chained = form == kFormChained;
    GK_ASSIGN_OR_RETURN(ByteView head,
                        reader.Raw(kEnvelopeRegionOffset - (chained ? kHashSize : 0), "envelope"));
    GK_ASSIGN_OR_RETURN(uint8_t region_length, reader.U8("region length"));
    if (region_length > kMaxRegionLength) {
      return Status::Invalid(kErrEnvelopeRegion, "batch item " + std::to_string(n) +
                                                     ": region of " +
                                                     std::to_string(region_length) + " digits");
    }
    GK_ASSIGN_OR_RETURN(ByteView region, reader.Raw(region_length, "region"));
    GK_ASSIGN_OR_RETURN(uint32_t payload_size, reader.U32("payload_size"));
    if (payload_size > kMaxDecompressedSize) {
      return Status::Invalid(kErrEnvelopePayloadSize,
                             "batch item " + std::to_string(n) + ": changeset of " +
                                 std::to_string(payload_size) + " bytes");
    }
    GK_ASSIGN_OR_RETURN(ByteView changeset, reader.Raw(payload_size, "changeset"));
    GK_ASSIGN_OR_RETURN(ByteView signature, reader.Raw(kSignatureSize, "signature"));
    const auto [origin, seq] = OriginAndSeq(head);
    Hash256 prev{};
    if (chained) {
      auto end = chain_ends.find(origin);
      if (end == chain_ends.end() || end->second.seq + 1 != seq) {
        return Status::Invalid(kErrBatchItem, "batch item " + std::to_string(n) +
                                                  " follows no envelope of its origin before it");
      }
      prev = end->second.id;
    }
    const Bytes payload = Compress(changeset);
    ByteWriter envelope;
    envelope.Raw(head.first(kPrevOffset));
    if (chained) envelope.Raw(prev);
    envelope.Raw(head.subspan(kPrevOffset));
    envelope.U8(region_length);
    envelope.Raw(region);
    envelope.U32(payload_size);
    envelope.U32(static_cast<uint32_t>(payload.size()));
    envelope.Raw(payload);
    envelope.Raw(signature);
    Result<Envelope> decoded = DecodeEnvelope(envelope.Take());
    if (!decoded.ok()) return decoded.status().WithContext("batch item " + std::to_string(n));
    chain_ends[origin] = {seq, decoded->id()};
    places.emplace_back(true, out.rebuilt.size());
    const ByteView raw = decoded->raw();
    out.rebuilt.emplace_back(raw.begin(), raw.end());
  }
  if (!reader.at_end()) {
    return Status::Invalid(kErrBatchTrailing,
                           std::to_string(reader.remaining()) + " bytes after the last item");
  }
  out.envelopes.reserve(count);
  for (const auto& [rebuilt, index] : places)
    out.envelopes.push_back(rebuilt ? ByteView(out.rebuilt[index]) : as_is[index]);
  return out;
}

}  // namespace gongkai
