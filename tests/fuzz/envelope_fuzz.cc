// Fuzzes the envelope parser, the signature check against a fixed key, and the bounded
// decompression of the payload. Seeds in corpus/envelope/ are signed by the same key.
#include <cstddef>
#include <cstdint>

#include "protocol/envelope.h"

namespace {

const gongkai::PublicKey& FixedKey() {
  // RFC 8032 §7.1 TEST 1; the seed corpus is made with its secret key.
  static const gongkai::PublicKey key = *gongkai::HexDecodeFixed<gongkai::kPublicKeySize>(
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gongkai::Result<gongkai::Envelope> envelope =
      gongkai::DecodeEnvelope(gongkai::ByteView(data, size));
  if (!envelope.ok()) return 0;
  (void)gongkai::VerifyEnvelopeSignature(*envelope, FixedKey());
  // Decompressed whatever the signature said, so the decompressor sees fuzzed frames too.
  (void)gongkai::OpenPayload(*envelope);
  return 0;
}
