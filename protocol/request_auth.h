// Signed requests between a node and the county hub (issue 4). Every request except
// GET /v1/health carries four headers:
//
//   X-Gongkai-Node       the node id, 32 lowercase hex digits
//   X-Gongkai-Time       the node's wall clock, milliseconds since the epoch, decimal
//   X-Gongkai-Nonce      16 random bytes as 32 lowercase hex digits, new for every request
//   X-Gongkai-Signature  standard padded base64 of the Ed25519 signature, by the node key,
//                        over the bytes of RequestSigningText
//
// The signed text is, each line ending in "\n":
//
//   gongkai-request-v1
//   <method>              "GET", "POST"
//   <path>                the request target as sent, with its query ("/v1/pull")
//   <body SHA-256>        64 lowercase hex digits (of the empty string for no body)
//   <time>                as in X-Gongkai-Time
//   <nonce>               as in X-Gongkai-Nonce
//
// so a signature covers exactly one request: another method, path, body, time or nonce
// needs another signature. The first line keeps it from being taken for any other gongkai
// signature (an envelope's "GKEV", a receipt's "GKRC", a checkpoint note).
//
// Replay: the hub refuses a time more than kMaxRequestClockSkewMs from its own clock and a
// nonce it saw within the last 2 * kMaxRequestClockSkewMs (NonceCache), so a recorded
// request cannot be sent again.
//
// Thread-safety: functions are pure; NonceCache is not thread-safe (the caller locks).
#ifndef GONGKAI_PROTOCOL_REQUEST_AUTH_H_
#define GONGKAI_PROTOCOL_REQUEST_AUTH_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <string_view>

#include "protocol/bytes.h"
#include "protocol/keys.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kRequestNodeHeader[] = "X-Gongkai-Node";
inline constexpr char kRequestTimeHeader[] = "X-Gongkai-Time";
inline constexpr char kRequestNonceHeader[] = "X-Gongkai-Nonce";
inline constexpr char kRequestSignatureHeader[] = "X-Gongkai-Signature";
inline constexpr char kRequestSigningContext[] = "gongkai-request-v1";
// On every answer of the hub: its wall clock (milliseconds since the epoch, decimal) when it
// answered. A node whose request was refused auth.clock signs again at its own clock plus the
// difference, so a PC whose clock is days off still syncs; the replay protection is
// unchanged (the time must still fall within kMaxRequestClockSkewMs of the hub's clock, and
// each nonce is taken once). The value is not signed: a wrong one only gets the next request
// refused again.
inline constexpr char kResponseHubTimeHeader[] = "X-Gongkai-Hub-Time";

// A request's time may differ from the hub's clock by at most this much (5 minutes).
inline constexpr int64_t kMaxRequestClockSkewMs = 5 * 60 * 1000;
// The nonce cache holds at most this many nonces; beyond it the oldest are forgotten early,
// and from then on a request whose time is not later than every forgotten request's time is
// refused (auth.replay).
inline constexpr size_t kMaxRememberedNonces = 100000;
inline constexpr size_t kRequestNonceSize = 16;

// Error codes.
inline constexpr char kErrAuthMissing[] = "auth.missing";      // a header absent (kDenied)
inline constexpr char kErrAuthMalformed[] = "auth.malformed";  // a header not in its form
inline constexpr char kErrAuthClock[] = "auth.clock";          // time too far (kDenied)
inline constexpr char kErrAuthReplay[] = "auth.replay";        // nonce seen (kDenied)
inline constexpr char kErrAuthSignature[] = "auth.signature";  // does not verify (kDenied)

// The four header values of a signed request.
struct RequestAuth {
  std::string node;       // 32 hex
  std::string time;       // decimal ms
  std::string nonce;      // 32 hex
  std::string signature;  // base64
};

// The parsed headers.
struct ParsedRequestAuth {
  NodeId node{};
  int64_t time_ms = 0;
  std::string nonce;
  Signature signature{};
};

// The text signed for a request (see the file comment).
std::string RequestSigningText(std::string_view method, std::string_view path, ByteView body,
                               int64_t time_ms, std::string_view nonce);

// Signs a request with `key` at `time_ms` and a fresh random nonce.
RequestAuth SignRequest(const SecretKey& key, std::string_view method, std::string_view path,
                        ByteView body, int64_t time_ms);

// Parses the four header values, cheapest first: an empty value is auth.missing; a node
// id or nonce that is not 32 lowercase hex digits, a time that is not a decimal of at most
// 18 digits, a signature that is not base64 of 64 bytes: auth.malformed (kInvalid).
Result<ParsedRequestAuth> ParseRequestAuth(const RequestAuth& headers);

// OK when `auth.signature` verifies under `key` for this request; auth.signature otherwise.
Status VerifyRequest(const ParsedRequestAuth& auth, const PublicKey& key, std::string_view method,
                     std::string_view path, ByteView body);

// Remembers recently seen nonces to refuse replays.
class NonceCache {
 public:
  // auth.clock when |time_ms - now_ms| > kMaxRequestClockSkewMs; auth.replay when `nonce`
  // was seen within the window, or when the time is not later than that of a request whose
  // nonce was forgotten because the cache was full. Otherwise records the nonce and returns OK.
  Status Check(std::string_view nonce, int64_t time_ms, int64_t now_ms);
  size_t size() const { return order_.size(); }

 private:
  struct Seen {
    int64_t at_ms;    // when the hub saw it
    int64_t time_ms;  // the request's own time
    std::string nonce;
  };
  std::deque<Seen> order_;
  std::set<std::string, std::less<>> seen_;
  int64_t forgotten_before_ms_ = 0;  // after an overflow: earlier requests are refused
};

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_REQUEST_AUTH_H_
