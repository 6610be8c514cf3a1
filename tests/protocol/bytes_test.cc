#include "protocol/bytes.h"

#include <doctest/doctest.h>

#include <cctype>
#include <string>

namespace gongkai {
namespace {

TEST_CASE("writer lays out big-endian fields") {
  ByteWriter w;
  w.U8(0x01);
  w.U16(0x0203);
  w.U32(0x04050607);
  w.U64(0x08090a0b0c0d0e0fULL);
  w.String8("ab");
  CHECK(HexEncode(w.bytes()) == "0102030405060708090a0b0c0d0e0f026162");
  CHECK_FALSE(w.overflowed());
}

TEST_CASE("writer flags a field too long for its prefix") {
  ByteWriter w;
  w.Bytes8(Bytes(256, 0));
  CHECK(w.overflowed());
}

TEST_CASE("reader reads back and refuses to run past the end") {
  const Bytes data = *HexDecode("0102030405060708090a0b0c0d0e0f026162");
  ByteReader r(data, "test.truncated");
  CHECK(*r.U8("a") == 0x01);
  CHECK(*r.U16("b") == 0x0203);
  CHECK(*r.U32("c") == 0x04050607u);
  CHECK(*r.U64("d") == 0x08090a0b0c0d0e0fULL);
  CHECK(AsChars(*r.Bytes8("e")) == "ab");
  CHECK(r.at_end());
  Result<uint8_t> past = r.U8("f");
  REQUIRE_FALSE(past.ok());
  CHECK(past.status().code() == "test.truncated");
  CHECK(past.status().message().find("'f'") != std::string::npos);
}

TEST_CASE("reader checks a declared length against the limit before reading") {
  ByteWriter w;
  w.Bytes16(Bytes(10, 7));
  ByteReader ok_reader(w.bytes(), "t.short");
  CHECK(ok_reader.Bytes16("x", 10, "t.big").ok());
  ByteReader big_reader(w.bytes(), "t.short");
  Result<ByteView> r = big_reader.Bytes16("x", 9, "t.big");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == "t.big");
  CHECK(r.status().kind() == StatusKind::kTooLarge);
}

TEST_CASE("hex round trip and refusals") {
  CHECK(HexEncode(*HexDecode("00ff7F")) == "00ff7f");
  CHECK(HexDecode("abc").status().code() == "hex.length");
  CHECK(HexDecode("zz").status().code() == "hex.digit");
  CHECK(HexDecodeFixed<2>("0102").ok());
  CHECK_FALSE(HexDecodeFixed<2>("010203").ok());
}

TEST_CASE("base64 matches RFC 4648 vectors and is strict") {
  CHECK(Base64Encode(AsBytes("")) == "");
  CHECK(Base64Encode(AsBytes("f")) == "Zg==");
  CHECK(Base64Encode(AsBytes("foobar")) == "Zm9vYmFy");
  CHECK(AsChars(*Base64Decode("Zm9vYg==")) == "foob");
  CHECK_FALSE(Base64Decode("Zm9vYg").ok());
  CHECK_FALSE(Base64Decode("Zm9v YmFy").ok());
  CHECK_FALSE(Base64Decode("Zm9v*mFy").ok());
}

TEST_CASE("base64 refuses every byte outside its alphabet, high bytes included") {
  for (int c = 0; c < 256; ++c) {
    std::string text = "QUJD";
    text[1] = static_cast<char>(c);
    const bool alphabet = std::isalnum(c) != 0 || c == '+' || c == '/';
    CAPTURE(c);
    CHECK(Base64Decode(text).ok() == alphabet);
  }
  CHECK_FALSE(Base64Decode("Zm9v\xc3\xa9" "Fy").ok());  // "é" is not base64
}

}  // namespace
}  // namespace gongkai
