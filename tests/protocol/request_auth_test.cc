#include "protocol/request_auth.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

constexpr int64_t kNow = 1'790'000'000'000;

SecretKey TestKey() {
  std::array<uint8_t, 32> seed{};
  seed.fill(7);
  return std::move(*SecretKey::FromSeed(seed));
}

TEST_CASE("the signed text of a request pins its layout") {
  const std::string text = RequestSigningText("POST", "/v1/pull", AsBytes(std::string_view("")), 12,
                                              "000102030405060708090a0b0c0d0e0f");
  CHECK(text ==
        "gongkai-request-v1\nPOST\n/v1/pull\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n12\n"
        "000102030405060708090a0b0c0d0e0f\n");
}

TEST_CASE("a signed request verifies, and only for what was signed") {
  const SecretKey key = TestKey();
  const std::string body = "have";
  RequestAuth auth = SignRequest(key, "POST", "/v1/pull", AsBytes(body), kNow);
  CHECK(auth.node == NodeIdHex(key.node_id()));
  CHECK(auth.time == std::to_string(kNow));
  Result<ParsedRequestAuth> parsed = ParseRequestAuth(auth);
  REQUIRE(parsed.ok());
  CHECK(VerifyRequest(*parsed, key.public_key(), "POST", "/v1/pull", AsBytes(body)).ok());
  CHECK(VerifyRequest(*parsed, key.public_key(), "POST", "/v1/push", AsBytes(body)).code() ==
        kErrAuthSignature);
  CHECK(VerifyRequest(*parsed, key.public_key(), "GET", "/v1/pull", AsBytes(body)).code() ==
        kErrAuthSignature);
  CHECK(VerifyRequest(*parsed, key.public_key(), "POST", "/v1/pull",
                      AsBytes(std::string_view("havf")))
            .code() == kErrAuthSignature);
  const SecretKey other = SecretKey::Generate();
  CHECK(VerifyRequest(*parsed, other.public_key(), "POST", "/v1/pull", AsBytes(body)).code() ==
        kErrAuthSignature);
  // Two signatures of one request differ in their nonces.
  CHECK(SignRequest(key, "POST", "/v1/pull", AsBytes(body), kNow).nonce != auth.nonce);
}

TEST_CASE("malformed or missing headers are refused with their codes") {
  const RequestAuth good = SignRequest(TestKey(), "GET", "/metrics", {}, kNow);
  RequestAuth missing = good;
  missing.signature.clear();
  CHECK(ParseRequestAuth(missing).status().code() == kErrAuthMissing);
  RequestAuth node = good;
  node.node = "ABCDEF";
  CHECK(ParseRequestAuth(node).status().code() == kErrAuthMalformed);
  RequestAuth time = good;
  time.time = "12x";
  CHECK(ParseRequestAuth(time).status().code() == kErrAuthMalformed);
  time.time = std::string(19, '1');
  CHECK(ParseRequestAuth(time).status().code() == kErrAuthMalformed);
  RequestAuth nonce = good;
  nonce.nonce = "00";
  CHECK(ParseRequestAuth(nonce).status().code() == kErrAuthMalformed);
  RequestAuth signature = good;
  signature.signature = "AAAA";
  CHECK(ParseRequestAuth(signature).status().code() == kErrAuthMalformed);
}

TEST_CASE("the nonce cache refuses replays and times outside the window") {
  NonceCache cache;
  const std::string nonce(32, 'a');
  CHECK(cache.Check(nonce, kNow, kNow).ok());
  CHECK(cache.Check(nonce, kNow, kNow + 1000).code() == kErrAuthReplay);
  CHECK(cache.Check(std::string(32, 'b'), kNow - kMaxRequestClockSkewMs, kNow).ok());
  CHECK(cache.Check(std::string(32, 'c'), kNow - kMaxRequestClockSkewMs - 1, kNow).code() ==
        kErrAuthClock);
  CHECK(cache.Check(std::string(32, 'd'), kNow + kMaxRequestClockSkewMs, kNow).ok());
  CHECK(cache.Check(std::string(32, 'e'), kNow + kMaxRequestClockSkewMs + 1, kNow).code() ==
        kErrAuthClock);
  // Once the window has passed the nonce is forgotten, and its request is out of time anyway.
  CHECK(cache.Check(nonce, kNow, kNow + 3 * kMaxRequestClockSkewMs).code() == kErrAuthClock);
  CHECK(cache.size() <= 3);
}

TEST_CASE("the nonce cache holds kMaxRememberedNonces and then refuses what it forgot") {
  NonceCache cache;
  for (size_t n = 0; n < kMaxRememberedNonces; ++n) {
    REQUIRE(cache.Check(std::to_string(n), kNow - 1000, kNow).ok());
  }
  CHECK(cache.size() == kMaxRememberedNonces);
  CHECK(cache.Check("one past", kNow, kNow).ok());
  CHECK(cache.size() == kMaxRememberedNonces);
  // Nonce "0" was forgotten; its request (time kNow - 1000) is refused all the same.
  CHECK(cache.Check("0", kNow - 1000, kNow).code() == kErrAuthReplay);
  CHECK(cache.Check("later", kNow - 999, kNow).ok());
}

}  // namespace
}  // namespace gongkai
