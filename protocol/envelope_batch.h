// Envelope batches: the body of POST /v1/push and of the answer to POST /v1/pull between a
// node and the county hub. Byte layout, version 1 (integers unsigned big-endian):
//
//   offset  size  field
//   0       4     magic "GKBT"
//   4       1     format version = 1
//   5       4     envelope count N, at most kMaxBatchEnvelopes
//   9       ...   N times: u32 length L (1 <= L <= kMaxEnvelopeSize), then L envelope bytes
//
// Nothing may follow the last envelope. A whole batch is at most kMaxBatchSize bytes. The
// envelopes are opaque here: each is checked on its own when applied (node/replica/apply.h).
//
// Thread-safety: pure functions.
#ifndef GONGKAI_PROTOCOL_ENVELOPE_BATCH_H_
#define GONGKAI_PROTOCOL_ENVELOPE_BATCH_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "protocol/bytes.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr std::array<uint8_t, 4> kBatchMagic = {'G', 'K', 'B', 'T'};
inline constexpr uint8_t kBatchVersion = 1;
inline constexpr size_t kBatchHeaderSize = 9;
inline constexpr size_t kMaxBatchEnvelopes = 256;
inline constexpr size_t kMaxBatchSize = size_t{32} << 20;  // 32 MiB

// Error codes, in the order DecodeBatch checks them.
inline constexpr char kErrBatchTooLarge[] = "batch.too_large";  // kTooLarge
inline constexpr char kErrBatchTruncated[] = "batch.truncated";
inline constexpr char kErrBatchMagic[] = "batch.magic";
inline constexpr char kErrBatchVersion[] = "batch.version";
inline constexpr char kErrBatchTooMany[] = "batch.too_many";  // count > kMaxBatchEnvelopes
inline constexpr char kErrBatchEmptyEnvelope[] = "batch.empty_envelope";
inline constexpr char kErrBatchTrailing[] = "batch.trailing";

// The batch of `envelopes`. kTooLarge (batch.too_many, batch.too_large) when it would break
// a limit; batch.empty_envelope for an empty one.
Result<Bytes> EncodeBatch(const std::vector<Bytes>& envelopes);

// Splits a batch into its envelopes (views into `bytes`, which must outlive them).
Result<std::vector<ByteView>> DecodeBatch(ByteView bytes);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_ENVELOPE_BATCH_H_
