#include "node/flat_json.h"

#include <doctest/doctest.h>

#include <string>

#include "node/json_text.h"

namespace gongkai {
namespace {

std::string CodeOf(std::string_view text) {
  auto parsed = FlatJsonObject::Parse(text);
  return parsed.ok() ? "ok" : parsed.status().code();
}

TEST_CASE("reads strings, integers and arrays of strings") {
  auto json = FlatJsonObject::Parse(
      " {\"name\":\"张三\", \"amount_cents\" : -12345,\n\"headers\":[\"列1\",\"列2\"],"
      "\"empty\":[],\"escaped\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u4E2D\\ud842\\udfb7\"} ");
  REQUIRE(json.ok());
  CHECK(*json->String("name") == "张三");
  CHECK(*json->Integer("amount_cents") == -12345);
  CHECK(*json->Strings("headers") == std::vector<std::string>{"列1", "列2"});
  CHECK(json->Strings("empty")->empty());
  CHECK(*json->String("escaped") == "a\"b\\c/d\b\f\n\r\té中𠮷");
  CHECK(json->Has("name"));
  CHECK_FALSE(json->Has("nam"));
  CHECK(FlatJsonObject::Parse("{}").ok());
}

TEST_CASE("reads back what JsonObject writes") {
  JsonObject out;
  out.Set("summary", "买\"水泥\"\n两吨\x01");
  out.Set("income_cents", int64_t{150000});
  auto json = FlatJsonObject::Parse(out.ToString());
  REQUIRE(json.ok());
  CHECK(*json->String("summary") == "买\"水泥\"\n两吨\x01");
  CHECK(*json->Integer("income_cents") == 150000);
}

TEST_CASE("integers: the int64 range exactly, canonical digits only") {
  auto json = FlatJsonObject::Parse(
      "{\"max\":9223372036854775807,\"min\":-9223372036854775808,\"zero\":0}");
  REQUIRE(json.ok());
  CHECK(*json->Integer("max") == INT64_MAX);
  CHECK(*json->Integer("min") == INT64_MIN);
  CHECK(*json->Integer("zero") == 0);
  CHECK(CodeOf("{\"a\":9223372036854775808}") == kErrJsonInteger);
  CHECK(CodeOf("{\"a\":-9223372036854775809}") == kErrJsonInteger);
  CHECK(CodeOf("{\"a\":99999999999999999999999}") == kErrJsonInteger);
  CHECK(CodeOf("{\"a\":012}") == kErrJsonInteger);
  CHECK(CodeOf("{\"a\":-0}") == kErrJsonInteger);
  CHECK(CodeOf("{\"a\":1.5}") == kErrJsonValue);
  CHECK(CodeOf("{\"a\":1e3}") == kErrJsonValue);
  CHECK(CodeOf("{\"a\":-}") == kErrJsonSyntax);
}

TEST_CASE("other kinds of value are refused") {
  CHECK(CodeOf("{\"a\":true}") == kErrJsonValue);
  CHECK(CodeOf("{\"a\":null}") == kErrJsonValue);
  CHECK(CodeOf("{\"a\":{\"b\":1}}") == kErrJsonValue);
  CHECK(CodeOf("{\"a\":[1]}") == kErrJsonValue);
  CHECK(CodeOf("{\"a\":[\"x\",[\"y\"]]}") == kErrJsonValue);
}

TEST_CASE("syntax errors name the byte") {
  for (const char* text :
       {"", "[]", "{", "{\"a\"}", "{\"a\":1,}", "{\"a\":1} x", "{\"a\":1}{}", "{a:1}",
        "{\"a\":[\"x\"", "{\"a\":[\"x\" \"y\"]}", "{\"a\":\"x", "{\"a\":'x'}", "{\"a\":+1}"}) {
    INFO(std::string(text));
    CHECK(CodeOf(text) == kErrJsonSyntax);
  }
  auto bad = FlatJsonObject::Parse("{\"a\":1,}");
  CHECK(bad.status().message() == "expected a key in quotes at byte 7");
}

TEST_CASE("strings: control characters, escapes, surrogates and UTF-8") {
  CHECK(CodeOf("{\"a\":\"x\ny\"}") == kErrJsonString);
  CHECK(CodeOf("{\"a\":\"\\x\"}") == kErrJsonString);
  CHECK(CodeOf("{\"a\":\"\\u12\"}") == kErrJsonString);
  CHECK(CodeOf("{\"a\":\"\\u12g4\"}") == kErrJsonString);
  CHECK(CodeOf("{\"a\":\"\\ud842\"}") == kErrJsonString);
  CHECK(CodeOf("{\"a\":\"\\ud842\\u0041\"}") == kErrJsonString);
  CHECK(CodeOf("{\"a\":\"\\udfb7\"}") == kErrJsonString);
  CHECK(CodeOf("{\"a\":\"\xff\"}") == kErrJsonString);
  CHECK(CodeOf("{\"a\":\"\xe4\xb8\"}") == kErrJsonString);
  CHECK(CodeOf("{\"\xc0\xaf\":1}") == kErrJsonString);
}

TEST_CASE("duplicate keys are refused") {
  CHECK(CodeOf("{\"a\":1,\"a\":1}") == kErrJsonDuplicate);
  CHECK(CodeOf("{\"a\":1,\"\\u0061\":2}") == kErrJsonDuplicate);
}

TEST_CASE("limits: size, members and array items, at the limit and one past") {
  std::string at = "{\"a\":\"" + std::string(kMaxFlatJsonBytes - 8, 'x') + "\"}";
  CHECK(at.size() == kMaxFlatJsonBytes);
  CHECK(CodeOf(at) == "ok");
  CHECK(CodeOf(at + " ") == kErrJsonTooLarge);

  auto members = [](size_t n) {
    std::string text = "{";
    for (size_t i = 0; i < n; ++i) text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
    return text + "}";
  };
  CHECK(CodeOf(members(kMaxFlatJsonMembers)) == "ok");
  CHECK(CodeOf(members(kMaxFlatJsonMembers + 1)) == kErrJsonLimit);

  auto items = [](size_t n) {
    std::string text = "{\"a\":[";
    for (size_t i = 0; i < n; ++i) text += i ? ",\"\"" : "\"\"";
    return text + "]}";
  };
  CHECK(CodeOf(items(kMaxFlatJsonArrayItems)) == "ok");
  CHECK(CodeOf(items(kMaxFlatJsonArrayItems + 1)) == kErrJsonLimit);
}

TEST_CASE("reading members: missing, wrong kind, unknown keys") {
  auto json = FlatJsonObject::Parse("{\"n\":1,\"s\":\"x\",\"v\":[]}");
  REQUIRE(json.ok());
  CHECK(json->String("nope").status().code() == kErrJsonMissing);
  CHECK(json->String("n").status().code() == kErrJsonType);
  CHECK(json->Integer("s").status().code() == kErrJsonType);
  CHECK(json->Strings("s").status().code() == kErrJsonType);
  CHECK(json->String("v").status().message() == "\"v\" is not a string");
  CHECK(json->OnlyKeys({"n", "s", "v", "w"}).ok());
  Status unknown = json->OnlyKeys({"n", "v"});
  CHECK(unknown.code() == kErrJsonUnknownKey);
  CHECK(unknown.message() == "unexpected key \"s\"");
}

}  // namespace
}  // namespace gongkai
