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
// Version 2, the compressed batch: the same envelopes, compressed as a whole below their
// signatures (protocol/README.md "Envelope batch" has the rules and the reasons):
//
//   0       4     magic "GKBT"
//   4       1     format version = 2
//   5       4     envelope count N, at most kMaxCompressedBatchEnvelopes
//   9       4     codec: ZSTD_versionNumber() of the writer's zstd (10504 for 1.5.4)
//   13      ...   one zstd frame (protocol/compress.h rules, at most kMaxOpenedBatchSize
//                 bytes declared) holding N items (protocol/envelope_batch_item.h: form 0 as
//                 is, form 1 opened, form 2 chained).
// An opened item is rebuilt by compressing its changeset with Compress (kZstdLevel); its
// writer opened it only when that gives back exactly the payload it signed, and only for a
// reader whose codec is its own, because zstd promises equal output only for equal versions.
// A reader with another codec refuses opened items (batch.codec); as-is items read anywhere.
//
// Thread-safety: pure functions.
#ifndef GONGKAI_PROTOCOL_ENVELOPE_BATCH_H_
#define GONGKAI_PROTOCOL_ENVELOPE_BATCH_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "protocol/bytes.h"
#include "protocol/envelope_batch_item.h"  // the items of version 2, and BatchCodec()
#include "protocol/status.h"

namespace gongkai {

inline constexpr std::array<uint8_t, 4> kBatchMagic = {'G', 'K', 'B', 'T'};
inline constexpr uint8_t kBatchVersion = 1;
inline constexpr size_t kBatchHeaderSize = 9;
inline constexpr size_t kMaxBatchEnvelopes = 256;
inline constexpr size_t kMaxBatchSize = size_t{32} << 20;  // 32 MiB
inline constexpr uint8_t kBatchVersionCompressed = 2;
inline constexpr size_t kCompressedBatchHeaderSize = 13;
inline constexpr size_t kMaxCompressedBatchEnvelopes = 4096;
// The items of a compressed batch, decompressed, at most (the frame's declared size).
inline constexpr size_t kMaxOpenedBatchSize = size_t{128} << 20;  // 128 MiB
// The level of a compressed batch's frame: above kZstdLevel, which the changesets inside keep
// (an opened item is rebuilt at kZstdLevel); 9 was measured the best below a second for a new
// township's first sync (hub/README.md). Any level reads alike.
inline constexpr int kBatchZstdLevel = 9;

// Error codes, in the order DecodeBatch checks them.
inline constexpr char kErrBatchTooLarge[] = "batch.too_large";  // kTooLarge
inline constexpr char kErrBatchTruncated[] = "batch.truncated";
inline constexpr char kErrBatchMagic[] = "batch.magic";
inline constexpr char kErrBatchVersion[] = "batch.version";
inline constexpr char kErrBatchTooMany[] = "batch.too_many";  // count > kMaxBatchEnvelopes
inline constexpr char kErrBatchEmptyEnvelope[] = "batch.empty_envelope";
inline constexpr char kErrBatchTrailing[] = "batch.trailing";
inline constexpr char kErrBatchCodec[] = "batch.codec";  // opened items, another codec
inline constexpr char kErrBatchItem[] = "batch.item";    // unknown form, broken chained prev

// The batch of `envelopes`. kTooLarge (batch.too_many, batch.too_large) when it would break
// a limit; batch.empty_envelope for an empty one.
Result<Bytes> EncodeBatch(const std::vector<Bytes>& envelopes);

// Splits a version 1 batch into its envelopes (views into `bytes`, which must outlive them).
Result<std::vector<ByteView>> DecodeBatch(ByteView bytes);

// The version 2 batch of `envelopes`, in their order. An envelope is opened (form 1 or 2)
// only when `reader_codec` == BatchCodec(), its payload decompresses and Compress gives it
// back byte for byte, and the items stay within kMaxOpenedBatchSize; otherwise it goes as
// is. An envelope that does not decode goes as is too (the reader refuses it when applied).
// `reader_codec` 0: nothing is opened. Errors: those of EncodeBatch, with
// kMaxCompressedBatchEnvelopes for the count.
Result<Bytes> EncodeCompressedBatch(const std::vector<Bytes>& envelopes, uint32_t reader_codec);

// The envelopes of a version 1 or 2 batch, in batch order.
// Moving it keeps the views valid (they point into heap buffers it owns).
struct OpenedBatch {
  Bytes items;                      // version 2: the decompressed items
  std::vector<Bytes> rebuilt;       // the envelopes rebuilt from opened items
  std::vector<ByteView> envelopes;  // views into the input (version 1), `items` or `rebuilt`
};

// Reads a batch of either version; for version 1 `bytes` must outlive the views. Version 2 refusals, in
// this order: those of DecodeBatch for the header and the count
// (kMaxCompressedBatchEnvelopes); zstd.* for the frame (Decompress with
// kMaxOpenedBatchSize); batch.truncated inside an item; batch.item for an unknown form or a
// chained item without its predecessor; batch.codec for an opened item when the codec is
// not BatchCodec(); envelope.* for a rebuilt envelope that does not decode, with "batch item
// i" in the message; batch.empty_envelope; batch.trailing after the N items.
Result<OpenedBatch> OpenBatch(ByteView bytes);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_ENVELOPE_BATCH_H_
