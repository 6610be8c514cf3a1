// One-time enrolment tokens: the hub's side of online enrolment (design §5).
//
// The county office issues a token for one node (role, region, name) with
// `gongkai-hub enroll --region ...`; the clerk types it into `gongkai init --token` on the
// new node, which sends it with its enrolment request (protocol/enrolment_request.h, signed
// by the new key: proof of possession) to `POST /v1/enrol`. The hub redeems the token and
// answers with the certificate file (protocol/certificate_file.h), exactly what an offline
// enrolment hands back.
//
// Token text: kEnrolTokenBytes (20) random bytes = 160 bits, in RFC 4648 base32 (A-Z, 2-7,
// no padding): 32 characters, written in groups of 4 joined by '-':
//   "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567"
// When read back, case, spaces and '-' are ignored, and the digits a clerk may type for
// look-alike letters are mapped: 0 -> O, 1 -> I, 8 -> B.
// Only a hash is stored: token_hash = hex SHA-256("gongkai-enrol-token-1" ‖ the 20 bytes).
//
// Table `enrol_token` (in the hub's replica.db, node-local, created here):
//   token_hash TEXT PRIMARY KEY, role, region, name, created_at, expires_at (ms),
//   used_at (ms, NULL until used), used_by (node id, NULL until used)
// Table `enrol_attempt`, one row per POST /v1/enrol: at (ms), peer (address), token_hash
// (NULL when the token did not parse), node_id (NULL when the request did not open), code
// ("ok" or the refusal's code).
//
// Thread-safety: functions on a County, which is used by one thread at a time.
#ifndef GONGKAI_HUB_ENROLMENT_ENROL_TOKEN_H_
#define GONGKAI_HUB_ENROLMENT_ENROL_TOKEN_H_

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "hub/county/county.h"
#include "protocol/bytes.h"
#include "protocol/certificate.h"
#include "protocol/keys.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr size_t kEnrolTokenBytes = 20;      // 160 bits
inline constexpr size_t kEnrolTokenChars = 32;      // base32 of 20 bytes, no padding
inline constexpr size_t kEnrolTokenGroupChars = 4;  // "ABCD-EFGH-..."
inline constexpr char kEnrolTokenHashLabel[] = "gongkai-enrol-token-1";
inline constexpr int64_t kDefaultEnrolTokenValidHours = 72;
inline constexpr int64_t kMaxEnrolTokenValidHours = 720;  // 30 days
// Online guessing is bounded by refusals counted over a sliding window, from the stored
// attempts (so a restart does not reset them): at most kMaxEnrolFailuresPerPeer refused
// attempts from one address, and kMaxEnrolFailuresTotal from all, per kEnrolFailureWindowMs.
// Beyond that, every attempt is refused with enrol.rate_limited, right tokens too, until the
// window has moved on. With 160-bit tokens this is about floods, not odds.
inline constexpr int kMaxEnrolFailuresPerPeer = 10;
inline constexpr int kMaxEnrolFailuresTotal = 100;
inline constexpr int64_t kEnrolFailureWindowMs = int64_t{10} * 60 * 1000;
// The JSON body of POST /v1/enrol is at most this many bytes.
inline constexpr size_t kMaxEnrolBodyBytes = 4096;

// Error codes.
inline constexpr char kErrEnrolTokenFormat[] = "enrol.token_format";    // kInvalid
inline constexpr char kErrEnrolTokenUnknown[] = "enrol.token_unknown";  // kDenied
inline constexpr char kErrEnrolTokenUsed[] = "enrol.token_used";        // kConflict
inline constexpr char kErrEnrolTokenExpired[] = "enrol.token_expired";  // kDenied
// The request's region, name or role is not what the token was issued for (kDenied).
inline constexpr char kErrEnrolTokenMismatch[] = "enrol.token_mismatch";
inline constexpr char kErrEnrolRateLimited[] = "enrol.rate_limited";  // kUnavailable, 429
inline constexpr char kErrEnrolValidHours[] = "enrol.valid_hours";    // kInvalid
inline constexpr char kErrEnrolBody[] = "enrol.body";                 // kInvalid: not our JSON
// The hub was started without the root key, so it cannot sign (kUnavailable, 503).
inline constexpr char kErrEnrolDisabled[] = "enrol.disabled";

// The token text of `bytes`. REQUIRES: bytes.size() == kEnrolTokenBytes.
std::string FormatEnrolToken(ByteView bytes);
// The 20 bytes of a token as a clerk typed it (see the file comment); kErrEnrolTokenFormat
// for anything else (wrong length, a character outside the alphabet, non-zero pad bits).
Result<Bytes> ParseEnrolToken(std::string_view text);
// hex SHA-256(kEnrolTokenHashLabel ‖ bytes): what the table stores.
std::string EnrolTokenHash(ByteView bytes);

// Creates enrol_token and enrol_attempt if missing.
Status CreateEnrolTables(sqlite3* db);

struct IssuedEnrolToken {
  std::string token;  // the text to give the clerk; not stored anywhere
  std::string token_hash;
  Role role = Role::kVillage;
  std::string region;
  std::string name;
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
};

// Issues a token for `role`, `region`, `name`, valid `valid_hours` hours from `now_ms`.
// Checks as EnrollFromRequest would (enrolment_request.region / .name_*,
// county.role_region, county.outside) and 1 <= valid_hours <= kMaxEnrolTokenValidHours
// (kErrEnrolValidHours). Needs no passphrase: the token grants a certificate only through a
// hub started with the root key.
Result<IssuedEnrolToken> IssueEnrolToken(County& county, Role role, std::string_view region,
                                         std::string_view name, int64_t valid_hours,
                                         int64_t now_ms);

struct OnlineEnrolRequest {
  std::string token;  // as typed
  Bytes request;      // protocol/enrolment_request.h bytes
  std::string role;   // "" or the role the node expects (checked against the token's)
};

// Parses the JSON body {"token":"...","request":"<base64>","role":"..."} ("role" may be
// absent). kErrEnrolBody for anything else, over kMaxEnrolBodyBytes included.
Result<OnlineEnrolRequest> ParseOnlineEnrolBody(std::string_view body);

// Redeems a token and returns the certificate file. Checked in this order: the refusals
// counted for `peer` and in all (kErrEnrolRateLimited, not itself recorded, so that waiting
// ends the wait); then, every outcome recorded in enrol_attempt: the token parses
// (kErrEnrolTokenFormat) and is stored (kErrEnrolTokenUnknown); the request opens
// (enrolment_request.*, proof of possession); the token is unused (kErrEnrolTokenUsed; a token used
// by this very key answers the same certificate file again, so a node whose answer was lost can ask
// again) and unexpired at `now_ms` (kErrEnrolTokenExpired); the request's region and name, and the
// role if given, are the token's (kErrEnrolTokenMismatch); then the checks of EnrollFromRequest
// (county.*). The token is marked used in the transaction that captures the certificate.
// REQUIRES: root is the county's root key.
Result<Bytes> RedeemEnrolToken(County& county, const SecretKey& root,
                               const OnlineEnrolRequest& request, std::string_view peer,
                               int64_t now_ms);

}  // namespace gongkai

#endif  // GONGKAI_HUB_ENROLMENT_ENROL_TOKEN_H_
