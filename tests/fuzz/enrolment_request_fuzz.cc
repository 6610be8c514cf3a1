// OpenEnrolmentRequest over arbitrary bytes. Seeds in corpus/enrolment_request/ are
// requests signed by the key of seed 32 x 0x02 (tests/protocol/enrolment_request_test.cc).
#include <cstddef>
#include <cstdint>

#include "protocol/enrolment_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const gongkai::ByteView bytes(data, size);
  gongkai::Result<gongkai::EnrolmentRequest> request = gongkai::OpenEnrolmentRequest(bytes);
  if (!request.ok()) return 0;
  // What opens always passes the field checks and lies within the size bounds.
  if (!gongkai::CheckEnrolmentFields(request->region, request->name).ok() ||
      size < gongkai::kMinEnrolmentRequestSize || size > gongkai::kMaxEnrolmentRequestSize) {
    __builtin_trap();
  }
  return 0;
}
