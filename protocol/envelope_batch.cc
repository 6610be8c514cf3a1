// Envelope batches (protocol/envelope_batch.h).
#include "protocol/envelope_batch.h"

#include <algorithm>
#include <string>
#include <utility>

#include "protocol/compress.h"
#include "protocol/envelope.h"

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

Status TooMany(size_t count) {
  return Status::TooLarge(kErrBatchTooMany,
                          std::to_string(count) + " envelopes; a compressed batch holds at most " +
                              std::to_string(kMaxCompressedBatchEnvelopes));
}

// The decompressed items of a batch, whose views stay valid while the items live.
class ViewInput : public ItemInput {
 public:
  explicit ViewInput(ByteReader& reader) : reader_(reader) {}
  Result<ByteView> Take(size_t n, std::string_view what) override { return reader_.Raw(n, what); }

 private:
  ByteReader& reader_;
};

}  // namespace

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
  ItemWriter writer(reader_codec != 0 && reader_codec == BatchCodec());
  ByteWriter items;
  size_t planned = as_is_total;  // the items' size if the rest go as is
  for (const Bytes& bytes : envelopes) {
    const size_t others = planned - (5 + bytes.size());
    planned = others + writer.Append(bytes, kMaxOpenedBatchSize - others, items);
  }
  const Bytes frame = Compress(items.Take(), kBatchZstdLevel);
  ByteWriter batch;
  batch.Raw(ByteView(kBatchMagic));
  batch.U8(kBatchVersionCompressed);
  batch.U32(static_cast<uint32_t>(envelopes.size()));
  batch.U32(BatchCodec());
  batch.Raw(frame);
  return batch.Take();
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
  ViewInput input(reader);
  ItemRules rules;
  rules.codec = codec;
  rules.max_changeset = kMaxDecompressedSize;
  rules.envelope_too_large = kErrBatchTooLarge;
  rules.changeset_too_large = kErrEnvelopePayloadSize;
  rules.empty = kErrBatchEmptyEnvelope;
  rules.item = kErrBatchItem;
  rules.codec_mismatch = kErrBatchCodec;
  ItemReader items(rules);
  // Where each envelope is: in the items (as is) or in `rebuilt`.
  std::vector<std::pair<bool, size_t>> places;
  std::vector<ByteView> as_is;
  places.reserve(count);
  for (uint32_t n = 0; n < count; ++n) {
    GK_ASSIGN_OR_RETURN(ItemEnvelope item, items.Next(input, "batch item " + std::to_string(n)));
    if (item.rebuilt.has_value()) {
      places.emplace_back(true, out.rebuilt.size());
      const ByteView raw = item.rebuilt->raw();
      out.rebuilt.emplace_back(raw.begin(), raw.end());
    } else {
      places.emplace_back(false, as_is.size());
      as_is.push_back(item.as_is);
    }
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
