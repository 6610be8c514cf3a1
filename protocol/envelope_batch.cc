// Envelope batches (protocol/envelope_batch.h).
#include "protocol/envelope_batch.h"

#include <algorithm>

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

}  // namespace gongkai
