// The hub's reading of a signed request's headers (protocol/request_auth.h), whatever a
// client sends: ParseRequestAuth, VerifyRequest and the replay window run without crashing;
// a request that verifies stops verifying when any byte of its body changes; and a nonce
// the cache took once is refused the second time.
//
// Input: the header values of X-Gongkai-Node, -Time, -Nonce, -Signature, then the method and
// the target, one per line, then the body (the rest). The seed is a request signed by the key
// below, so the fuzzer starts from one that verifies.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/bytes.h"
#include "protocol/request_auth.h"

namespace {

const gongkai::PublicKey& SignerKey() {
  static const gongkai::PublicKey key =
      gongkai::SecretKey::FromSeed(gongkai::Bytes(32, 0x5a))->public_key();
  return key;
}

std::string_view NextLine(std::string_view& rest) {
  const size_t end = rest.find('\n');
  const std::string_view line = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  gongkai::RequestAuth headers;
  headers.node = NextLine(rest);
  headers.time = NextLine(rest);
  headers.nonce = NextLine(rest);
  headers.signature = NextLine(rest);
  const std::string method(NextLine(rest));
  const std::string target(NextLine(rest));
  const std::string body(rest);
  auto parsed = gongkai::ParseRequestAuth(headers);
  if (!parsed.ok()) return 0;
  const gongkai::Status verified =
      gongkai::VerifyRequest(*parsed, SignerKey(), method, target, gongkai::AsBytes(body));
  if (verified.ok()) {
    std::string altered = body + "x";
    if (gongkai::VerifyRequest(*parsed, SignerKey(), method, target, gongkai::AsBytes(altered))
            .ok()) {
      __builtin_trap();
    }
  }
  gongkai::NonceCache nonces;
  const int64_t now = parsed->time_ms;
  if (!nonces.Check(parsed->nonce, parsed->time_ms, now).ok()) __builtin_trap();
  if (nonces.Check(parsed->nonce, parsed->time_ms, now).code() != gongkai::kErrAuthReplay) {
    __builtin_trap();
  }
  return 0;
}
