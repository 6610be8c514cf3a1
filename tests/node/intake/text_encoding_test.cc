#include "node/intake/text_encoding.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

TEST_CASE("UTF-8 without and with BOM is detected and the BOM dropped") {
  Result<DecodedText> plain = DecodeText("户主姓名,身份证号\n", "a.csv");
  REQUIRE(plain.ok());
  CHECK(plain->encoding == TextEncoding::kUtf8);
  CHECK(plain->utf8 == "户主姓名,身份证号\n");
  Result<DecodedText> bom = DecodeText("\xEF\xBB\xBF户主姓名\n", "a.csv");
  REQUIRE(bom.ok());
  CHECK(bom->encoding == TextEncoding::kUtf8Bom);
  CHECK(bom->utf8 == "户主姓名\n");
}

TEST_CASE("GB18030 bytes made by iconv decode back to the same UTF-8") {
  const std::string text = "村民小组,户主姓名\n一组,张三\n𠀀,€\n";
  Result<std::string> gb = Utf8ToGb18030(text);
  REQUIRE(gb.ok());
  CHECK(*gb != text);
  CHECK(FindInvalidUtf8(*gb) != std::string_view::npos);
  Result<DecodedText> decoded = DecodeText(*gb, "a.csv");
  REQUIRE(decoded.ok());
  CHECK(decoded->encoding == TextEncoding::kGb18030);
  CHECK(decoded->utf8 == text);
  // 户 in GBK is BB A7.
  CHECK(Utf8ToGb18030("户")->substr(0, 2) == "\xBB\xA7");
}

TEST_CASE("bytes neither UTF-8 nor GB18030 are refused naming line and offset") {
  ImportError error;
  // 0x81 0x20 is an invalid GB18030 lead/trail pair and invalid UTF-8.
  Result<DecodedText> bad = DecodeText("a,b\nc,\x81\x20\n", "bad.csv", &error);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == kErrImportEncoding);
  CHECK(error.code == kErrImportEncoding);
  CHECK(error.message.find("bad.csv") == 0);
  CHECK(error.message.find("第2行") != std::string::npos);
  CHECK(error.message.find("第7字节") != std::string::npos);
}

TEST_CASE("UTF-16 BOM is refused with a hint to save as UTF-8 or GBK") {
  Result<DecodedText> le = DecodeText(std::string("\xFF\xFE"
                                                  "a\0b\0",
                                                  6),
                                      "u16.csv");
  REQUIRE_FALSE(le.ok());
  CHECK(le.status().code() == kErrImportEncoding);
  CHECK(le.status().message().find("UTF-8") != std::string::npos);
  CHECK(DecodeText("\xFE\xFF\0a", "u16.csv").status().code() == kErrImportEncoding);
}

TEST_CASE("NUL bytes and control characters are binary; empty input is empty") {
  CHECK(DecodeText(std::string("a,b\n\0\x01\x02", 7), "x.bin").status().code() == kErrImportBinary);
  CHECK(DecodeText("a,b\x1B[0m\n", "x.csv").status().code() == kErrImportBinary);
  CHECK(DecodeText("", "x.csv").status().code() == kErrImportEmpty);
  CHECK(DecodeText("a\tb\r\nc\td\n", "x.tsv").ok());
}

TEST_CASE("FindInvalidUtf8 refuses overlong forms, surrogates and truncation") {
  CHECK(FindInvalidUtf8("abc") == std::string_view::npos);
  CHECK(FindInvalidUtf8("\xC0\xAF") == 0);          // overlong '/'
  CHECK(FindInvalidUtf8("a\xED\xA0\x80") == 1);     // U+D800
  CHECK(FindInvalidUtf8("ab\xE6\x88") == 2);        // truncated 户
  CHECK(FindInvalidUtf8("\xF4\x90\x80\x80") == 0);  // past U+10FFFF
  CHECK(FindInvalidUtf8("\xF0\x9F\x98\x80") == std::string_view::npos);
}

TEST_CASE("strict GB18030 conversion reports the offending offset") {
  std::size_t offset = 0;
  Result<std::string> bad = Gb18030ToUtf8("ab\xBB", &offset);  // truncated pair
  REQUIRE_FALSE(bad.ok());
  CHECK(offset == 2);
}

}  // namespace
}  // namespace gongkai
