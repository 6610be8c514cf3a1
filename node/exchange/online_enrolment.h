// Online enrolment, the node's side (design §5): the offline steps of enrolment.h with the
// county's answer fetched from the hub instead of carried on paper or a stick.
//
//   1. StartEnrolment makes the key and the request (or finds the pending ones, so a run
//      stopped part-way is finished by running it again with the same arguments);
//   2. POST /v1/enrol with {"token","request":"<base64>","role"} (hub/enrolment/enrol_token.h); the hub
//      checks the one-time token and answers {"certificate_file":"<base64>"};
//   3. CompleteEnrolment with that file, exactly as offline;
//   4. the hub's URL (and, for https, the pinned fingerprint) are saved as the settings
//      `hub` and `hub-fingerprint`, so that `gongkai sync` needs no --hub.
// The hub's refusals come back with their codes (enrol.token_unknown, enrol.token_used,
// enrol.token_expired, enrol.token_mismatch, enrol.rate_limited, enrol.disabled, county.*,
// enrolment_request.*); the network's as sync.* (node/exchange/hub_client.h).
//
// Thread-safety: none; one enrolment per home at a time.
#ifndef GONGKAI_NODE_EXCHANGE_ONLINE_ENROLMENT_H_
#define GONGKAI_NODE_EXCHANGE_ONLINE_ENROLMENT_H_

#include <cstdint>
#include <filesystem>
#include <string>

#include "node/exchange/enrolment.h"
#include "node/replica/replica.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kEnrolPath[] = "/v1/enrol";
// The hub's answer is a certificate file in base64 inside a little JSON.
inline constexpr size_t kMaxEnrolAnswerBytes = 16 * 1024;

inline constexpr char kErrEnrolAnswer[] = "enrolment.answer";  // kInvalid: not the hub's JSON

struct OnlineEnrolment {
  std::string hub_url;  // http://HOST:PORT or https://HOST:PORT
  std::string tls_pin;  // required for https (node/exchange/tls_pin.h text)
  std::string token;    // as the clerk typed it
  std::string region;
  std::string name;
  std::string role;  // "" or the role the clerk expects; the hub checks it against the token
};

// Enrols `home` online. Errors: those of StartEnrolment, HubClient (sync.url,
// sync.tls_unpinned, sync.tls_pin, sync.unreachable), the hub's refusals, kErrEnrolAnswer,
// those of CompleteEnrolment, and replica.* / sql.* saving the settings.
Result<CompletedEnrolment> EnrolOnline(const std::filesystem::path& home,
                                       const OnlineEnrolment& enrolment, uint64_t now_ms,
                                       const ReplicaOptions& options = {});

// Stores the hub's URL and, when not empty, its fingerprint (normalised) as the node's
// settings. Errors: tls.fingerprint, replica.*, sql.*.
Status SaveHubSettings(const std::filesystem::path& home, const std::string& hub_url,
                       const std::string& tls_pin, const ReplicaOptions& options = {});

}  // namespace gongkai

#endif  // GONGKAI_NODE_EXCHANGE_ONLINE_ENROLMENT_H_
