#include "node/json/json_value.h"

#include <doctest/doctest.h>

#include <string>

#include "node/json/json_text.h"

namespace gongkai {
namespace {

std::string CodeOf(std::string_view text) { return ParseJson(text).status().code(); }

TEST_CASE("objects, arrays, strings and integers read back what json_text writes") {
  JsonObject object;
  object.Set("name", "王建国\"引号\"\n换行");
  object.Set("amount_cents", int64_t{-15678});
  object.SetRaw("cells", JsonStringArray({"a", "𠮷", ""}));
  auto value = ParseJsonObject(object.ToString());
  REQUIRE(value.ok());
  CHECK(value->StringOr("name", "").value() == "王建国\"引号\"\n换行");
  CHECK(value->IntegerOr("amount_cents", 0).value() == -15678);
  CHECK(value->StringsOr("cells").value() == std::vector<std::string>{"a", "𠮷", ""});
  CHECK(value->StringOr("absent", "默认").value() == "默认");
  CHECK(value->StringOr("amount_cents", "").status().code() == std::string(kErrJsonType));
  CHECK(value->IntegerOr("name", 0).status().code() == std::string(kErrJsonType));
}

TEST_CASE("escapes and surrogate pairs") {
  auto value = ParseJson(R"(" \u4e2d\u6587 \ud842\udfb7 \/ \t")");
  REQUIRE(value.ok());
  CHECK(value->string() == " 中文 𠮷 / \t");
  CHECK(CodeOf(R"("\ud842")") == kErrJsonUtf8);
  CHECK(CodeOf(R"("\udfb7")") == kErrJsonUtf8);
  CHECK(CodeOf(R"("\ud842\u0041")") == kErrJsonUtf8);
  CHECK(CodeOf("\"\xff\"") == kErrJsonUtf8);
  CHECK(CodeOf(R"("\x")") == kErrJsonSyntax);
  CHECK(CodeOf("\"a\nb\"") == kErrJsonSyntax);
}

TEST_CASE("integers: the whole int64 range and nothing else") {
  CHECK(ParseJson("9223372036854775807")->integer() == INT64_MAX);
  CHECK(ParseJson("-9223372036854775808")->integer() == INT64_MIN);
  CHECK(CodeOf("9223372036854775808") == kErrJsonNumber);
  CHECK(CodeOf("-9223372036854775809") == kErrJsonNumber);
  CHECK(CodeOf("1.5") == kErrJsonNumber);
  CHECK(CodeOf("1e3") == kErrJsonNumber);
  CHECK(CodeOf("01") == kErrJsonSyntax);
  CHECK(CodeOf("-") == kErrJsonSyntax);
}

TEST_CASE("structure errors are named") {
  CHECK(CodeOf("") == kErrJsonSyntax);
  CHECK(CodeOf("{") == kErrJsonSyntax);
  CHECK(CodeOf("{\"a\":1,}") == kErrJsonSyntax);
  CHECK(CodeOf("[1,]") == kErrJsonSyntax);
  CHECK(CodeOf("{\"a\":1} x") == kErrJsonSyntax);
  CHECK(CodeOf("{\"a\":1,\"a\":2}") == kErrJsonDuplicateKey);
  CHECK(CodeOf("nul") == kErrJsonSyntax);
  CHECK(ParseJson(" [true, false, null] ").ok());
  CHECK(ParseJsonObject("[]").status().code() == std::string(kErrJsonType));
}

TEST_CASE("depth and size limits: at the limit and one past") {
  std::string at(kMaxJsonDepth, '[');
  at += std::string(kMaxJsonDepth, ']');
  CHECK(ParseJson(at).ok());
  std::string past(kMaxJsonDepth + 1, '[');
  past += std::string(kMaxJsonDepth + 1, ']');
  CHECK(ParseJson(past).status().code() == std::string(kErrJsonTooDeep));
  std::string big = "\"" + std::string(kMaxJsonTextSize - 2, 'a') + "\"";
  CHECK(ParseJson(big).ok());
  CHECK(ParseJson(big + " ").status().code() == std::string(kErrJsonTooLarge));
}

}  // namespace
}  // namespace gongkai
