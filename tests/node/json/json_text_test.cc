#include "node/json/json_text.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

TEST_CASE("strings are escaped and UTF-8 is kept") {
  CHECK(JsonQuote("张三") == "\"张三\"");
  CHECK(JsonQuote("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(JsonQuote("x\ny\tz\r\b\f") == "\"x\\ny\\tz\\r\\b\\f\"");
  CHECK(JsonQuote(std::string("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");
  CHECK(JsonQuote("/") == "\"/\"");
}

TEST_CASE("objects sort keys by bytes and replace repeated keys") {
  JsonObject json;
  json.Set("name", "李四");
  json.Set("amount_cents", int64_t{12345});
  json.Set("Z", "upper first");
  json.Set("line", int64_t{-7});
  json.Set("name", "王五");
  CHECK(json.ToString() ==
        "{\"Z\":\"upper first\",\"amount_cents\":12345,\"line\":-7,\"name\":\"王五\"}");
  CHECK(JsonObject().ToString() == "{}");
}

}  // namespace
}  // namespace gongkai
