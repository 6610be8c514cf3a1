#include "node/sheets/sheet_payload.h"

#include <doctest/doctest.h>

#include <string>

namespace gongkai {
namespace {

constexpr char kDisclosure[] = "0123456789abcdef0123456789abcdef";
constexpr char kVersion[] = "fedcba9876543210fedcba9876543210";
// SHA-256("test").
constexpr char kHash[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

std::string CodeOf(std::string_view text) {
  auto parsed = ParseSheetPayload(text);
  return parsed.ok() ? "ok" : parsed.status().code();
}

TEST_CASE("the layout, pinned") {
  auto payload = MakeSheetPayload(kDisclosure, kVersion, kHash);
  REQUIRE(payload.ok());
  CHECK(payload->hash16 == "9f86d081884c7d65");
  const std::string text = FormatSheetPayload(*payload);
  CHECK(text ==
        "GK1/0123456789abcdef0123456789abcdef/fedcba9876543210fedcba9876543210/"
        "9f86d081884c7d65");
  CHECK(text.size() == 86);

  auto logged = MakeSheetPayload(kDisclosure, kVersion, kHash, 1234);
  REQUIRE(logged.ok());
  CHECK(FormatSheetPayload(*logged) ==
        "GK1/0123456789abcdef0123456789abcdef/fedcba9876543210fedcba9876543210/"
        "9f86d081884c7d65/1234");
}

TEST_CASE("round trip, with and without a log index") {
  for (std::optional<uint64_t> index :
       {std::optional<uint64_t>{}, std::optional<uint64_t>{0}, std::optional<uint64_t>{7},
        std::optional<uint64_t>{kMaxSheetLogIndex}}) {
    auto payload = MakeSheetPayload(kDisclosure, kVersion, kHash, index);
    REQUIRE(payload.ok());
    const std::string text = FormatSheetPayload(*payload);
    CHECK(text.size() <= kMaxSheetPayloadBytes);
    auto parsed = ParseSheetPayload(text);
    REQUIRE(parsed.ok());
    CHECK(*parsed == *payload);
  }
}

TEST_CASE("the longest payload is exactly the limit; one byte more is refused first") {
  auto payload = MakeSheetPayload(kDisclosure, kVersion, kHash, kMaxSheetLogIndex);
  REQUIRE(payload.ok());
  const std::string longest = FormatSheetPayload(*payload);
  CHECK(longest.size() == kMaxSheetPayloadBytes);
  CHECK(CodeOf(longest) == "ok");
  CHECK(CodeOf(longest + "0") == kErrSheetPayloadTooLong);
  CHECK(CodeOf("XX" + std::string(kMaxSheetPayloadBytes, 'x')) == kErrSheetPayloadTooLong);
}

TEST_CASE("every refusal has its code") {
  const std::string good = std::string("GK1/") + kDisclosure + "/" + kVersion + "/9f86d081884c7d65";
  CHECK(CodeOf(good) == "ok");
  CHECK(CodeOf("") == kErrSheetPayloadPrefix);
  CHECK(CodeOf("https://example.org/x") == kErrSheetPayloadPrefix);
  CHECK(CodeOf("gk1/" + good.substr(4)) == kErrSheetPayloadPrefix);
  CHECK(CodeOf("GKX/" + good.substr(4)) == kErrSheetPayloadPrefix);
  CHECK(CodeOf("GK2/" + good.substr(4)) == kErrSheetPayloadVersion);
  CHECK(CodeOf("GK10/" + good.substr(4)) == kErrSheetPayloadVersion);
  CHECK(CodeOf(std::string("GK1/") + kDisclosure + "/" + kVersion) == kErrSheetPayloadFields);
  CHECK(CodeOf(good + "/1/2") == kErrSheetPayloadFields);
  CHECK(CodeOf(good + "\n") == kErrSheetPayloadHash);  // the caller trims line ends
  CHECK(CodeOf(good + "/") == kErrSheetPayloadLogIndex);
  CHECK(CodeOf(good + "/01") == kErrSheetPayloadLogIndex);
  CHECK(CodeOf(good + "/+1") == kErrSheetPayloadLogIndex);
  CHECK(CodeOf(good + "/9223372036854775808") == kErrSheetPayloadLogIndex);
  CHECK(CodeOf(good + "/9999999999999999999") == kErrSheetPayloadLogIndex);

  std::string upper_id = good;
  upper_id[4] = 'A';
  CHECK(CodeOf(upper_id) == kErrSheetPayloadId);
  std::string short_version = std::string("GK1/") + kDisclosure + "/" +
                              std::string(kVersion).substr(1) + "/9f86d081884c7d65";
  CHECK(CodeOf(short_version) == kErrSheetPayloadId);
  CHECK(CodeOf(good.substr(0, good.size() - 1)) == kErrSheetPayloadHash);
  CHECK(CodeOf(good.substr(0, good.size() - 1) + "G") == kErrSheetPayloadHash);

  auto message = ParseSheetPayload(upper_id).status().message();
  CHECK(message.find(kVersion) == std::string::npos);  // nothing of the payload is echoed
}

TEST_CASE("MakeSheetPayload checks what it is given") {
  CHECK(MakeSheetPayload("abc", kVersion, kHash).status().code() == kErrSheetPayloadId);
  CHECK(MakeSheetPayload(kDisclosure, "", kHash).status().code() == kErrSheetPayloadId);
  CHECK(MakeSheetPayload(kDisclosure, kVersion, "9f86d081884c7d65").status().code() ==
        kErrSheetPayloadHash);
  std::string upper = kHash;
  upper[0] = 'F';
  CHECK(MakeSheetPayload(kDisclosure, kVersion, upper).status().code() == kErrSheetPayloadHash);
  CHECK(MakeSheetPayload(kDisclosure, kVersion, kHash, kMaxSheetLogIndex + 1).status().code() ==
        kErrSheetPayloadLogIndex);
}

}  // namespace
}  // namespace gongkai
