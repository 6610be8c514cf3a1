// FlatJsonObject::Parse over arbitrary text (the bodies and items of disclosure rows come
// from other nodes). Every string it returns must be valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "node/flat_json.h"
#include "protocol/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  gongkai::Result<gongkai::FlatJsonObject> json = gongkai::FlatJsonObject::Parse(text);
  if (!json.ok()) return 0;
  for (std::string_view key : {"text", "name", "cells", "headers", "amount_cents", "area"}) {
    if (auto s = json->String(key); s.ok() && !gongkai::IsValidUtf8(*s)) __builtin_trap();
    if (auto list = json->Strings(key); list.ok()) {
      for (const std::string& item : *list) {
        if (!gongkai::IsValidUtf8(item)) __builtin_trap();
      }
    }
    (void)json->Integer(key).ok();
  }
  return 0;
}
