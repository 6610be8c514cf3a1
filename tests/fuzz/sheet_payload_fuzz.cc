// ParseSheetPayload over arbitrary text: what it accepts is exactly what FormatSheetPayload
// writes, so a payload that parses must format back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "node/sheets/sheet_payload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  gongkai::Result<gongkai::SheetPayload> payload = gongkai::ParseSheetPayload(text);
  if (payload.ok() && gongkai::FormatSheetPayload(*payload) != text) __builtin_trap();
  return 0;
}
