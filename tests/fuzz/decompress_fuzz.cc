// Decompress must refuse or accept any bytes without crashing or growing memory beyond its
// limits; whatever it accepts must compress and decompress back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "protocol/compress.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A small output limit keeps each run fast; the checks do not depend on the limit.
  constexpr size_t kFuzzMaxOutput = size_t{1} << 20;
  gongkai::Result<gongkai::Bytes> out =
      gongkai::Decompress(gongkai::ByteView(data, size), kFuzzMaxOutput);
  if (out.ok()) {
    if (out->size() > kFuzzMaxOutput) std::abort();
    gongkai::Result<gongkai::Bytes> again =
        gongkai::Decompress(gongkai::Compress(*out), kFuzzMaxOutput);
    if (!again.ok() || *again != *out) std::abort();
  }
  return 0;
}
