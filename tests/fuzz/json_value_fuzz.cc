// ParseJson over arbitrary text (disclosure bodies and items come from other nodes): no
// crash, no unbounded recursion, and every string it returns, key or value, is UTF-8.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "node/json/json_value.h"
#include "protocol/utf8.h"

namespace {

bool AllUtf8(const gongkai::JsonValue& value, int depth) {
  if (depth > gongkai::kMaxJsonDepth + 1) return false;
  switch (value.kind()) {
    case gongkai::JsonValue::Kind::kString:
      return gongkai::IsValidUtf8(value.string());
    case gongkai::JsonValue::Kind::kArray:
      for (const gongkai::JsonValue& item : value.array()) {
        if (!AllUtf8(item, depth + 1)) return false;
      }
      return true;
    case gongkai::JsonValue::Kind::kObject:
      for (const auto& [key, member] : value.object()) {
        if (!gongkai::IsValidUtf8(key) || !AllUtf8(member, depth + 1)) return false;
      }
      return true;
    default:
      return true;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  gongkai::Result<gongkai::JsonValue> value = gongkai::ParseJson(text);
  if (value.ok() && !AllUtf8(*value, 0)) __builtin_trap();
  return 0;
}
