// Fuzz target for the envelope batch format (protocol/envelope_batch.h), the body of every
// push to the county hub and of every pull answer.
//
// A version 1 batch that decodes is canonical: encoding its envelopes again gives the same
// bytes, every envelope lies inside the input, none is empty, and the count is within the
// limit. Each envelope is then decoded as the hub would before applying it. A batch of either
// version read by OpenBatch gives what it declared; its envelopes written again as a
// compressed batch, opened where they can be, read back the same. Invariants violated abort
// the run.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "protocol/envelope.h"
#include "protocol/envelope_batch.h"

namespace gongkai {
namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

void FuzzOpened(ByteView bytes) {
  const Result<OpenedBatch> batch = OpenBatch(bytes);
  if (!batch.ok()) {
    Require(!batch.status().code().empty());
    return;
  }
  Require(batch->envelopes.size() <= kMaxCompressedBatchEnvelopes);
  Require(batch->items.size() <= kMaxOpenedBatchSize);
  std::vector<Bytes> copies;
  for (ByteView envelope : batch->envelopes) {
    Require(!envelope.empty() && envelope.size() <= kMaxEnvelopeSize);
    copies.emplace_back(envelope.begin(), envelope.end());
  }
  for (const uint32_t codec : {BatchCodec(), uint32_t{0}}) {
    const Result<Bytes> again = EncodeCompressedBatch(copies, codec);
    if (!again.ok()) {
      Require(again.status().code() == kErrBatchTooLarge);  // rebuilt past kMaxBatchSize
      continue;
    }
    const Result<OpenedBatch> reread = OpenBatch(*again);
    Require(reread.ok() && reread->envelopes.size() == copies.size());
    for (size_t n = 0; n < copies.size(); ++n) {
      const ByteView e = reread->envelopes[n];
      Require(std::equal(e.begin(), e.end(), copies[n].begin(), copies[n].end()));
    }
  }
}

void FuzzBatch(ByteView bytes) {
  FuzzOpened(bytes);
  const Result<std::vector<ByteView>> batch = DecodeBatch(bytes);
  if (!batch.ok()) {
    Require(!batch.status().code().empty());
    return;
  }
  Require(bytes.size() <= kMaxBatchSize);
  Require(batch->size() <= kMaxBatchEnvelopes);
  size_t total = kBatchHeaderSize;
  std::vector<Bytes> copies;
  for (ByteView envelope : *batch) {
    Require(!envelope.empty());
    Require(envelope.data() >= bytes.data() &&
            envelope.data() + envelope.size() <= bytes.data() + bytes.size());
    total += 4 + envelope.size();
    copies.emplace_back(envelope.begin(), envelope.end());
    // What the hub does next with each one; it must not crash whatever the bytes.
    const Result<Envelope> decoded = DecodeEnvelope(envelope);
    if (decoded.ok()) Require(decoded->raw().size() == envelope.size());
  }
  Require(total == bytes.size());
  const Result<Bytes> again = EncodeBatch(copies);
  Require(again.ok() && again->size() == bytes.size() &&
          std::equal(again->begin(), again->end(), bytes.begin()));
}

}  // namespace
}  // namespace gongkai

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gongkai::FuzzBatch(gongkai::ByteView(data, size));
  return 0;
}
