// InspectChangeset over arbitrary bytes, as a village signer would send them. Any crash,
// hang, sanitizer report or unbounded allocation is a bug; refusals are expected.
#include <cstddef>
#include <cstdint>

#include "protocol/inspect.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const gongkai::Signer kSigner{"11111111111111111111111111111111", gongkai::Role::kVillage,
                                       "511304100201"};
  gongkai::InspectionSummary summary;
  const gongkai::Status status =
      gongkai::InspectChangeset(gongkai::ByteView(data, size), kSigner, "511304100201", &summary);
  if (status.ok() && summary.changes == 0) __builtin_trap();  // OK means at least one row
  return 0;
}
