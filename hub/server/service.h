// HubService: what the county hub answers over HTTP (issue 4), apart from the transport.
// hub/server/server.h puts it behind cpp-httplib; tests may call Handle directly.
//
// Endpoints (every one but /v1/health needs a signed request, protocol/request_auth.h):
//   POST /v1/push      body: an envelope batch (protocol/envelope_batch.h, version 1 or 2) of at most
//                      kMaxPushEnvelopes. Each envelope is applied to the county replica
//                      (node/replica/apply.h) with source "node:<sender id>", all under one outer
//                      transaction; an applied one is appended to the audit log, an applied
//                      or duplicate one gets its receipt, a refused one is recorded
//                      (hub/log/refused.h) with its code. Revocation is judged by the hub's
//                      log position (hub/log/revocation_position.h), not by node/replica/apply.h's rule. Then a checkpoint is signed. Answer
//                      (JSON): {"checkpoint":"<note>","results":[{"id":"<64 hex>",
//                      "outcome":"applied|duplicate|out_of_scope|refused","code":"...",
//                      "message":"...","receipt":"<base64 of receipt.h bytes>"}]}; code and
//                      message only when refused, receipt only when applied or duplicate.
//                      A batch that does not decode is refused whole (400) and changes
//                      nothing.
//   POST /v1/pull      body: the node's HaveSummary encoding (protocol/have.h). Answer: an
//                      envelope batch of what the node lacks within its read scope (its
//                      certificate's region), in export order (node/exchange/exchange_order.h), at most
//                      kMaxPullEnvelopes and kMaxPullBytes; header X-Gongkai-More: 1 when more
//                      remain (the node pulls again), 0 otherwise; header X-Gongkai-Checkpoint:
//                      base64 of the latest checkpoint note. With ?batch=2&codec=N the answer
//                      is a compressed batch (version 2), opened for zstd codec N, of at most
//                      kMaxCompressedPullEnvelopes.
//   GET /v1/checkpoint                  the latest checkpoint note (text/plain)
//   GET /v1/proof/consistency?old=N&new=M   {"old":N,"new":M,"proof":["<base64 hash>",...]}
//   GET /v1/proof/inclusion?id=HEX      {"index":I,"tree_size":S,"proof":[...]} for the latest
//                                       checkpoint's size
//   GET /v1/health                      {"status":"ok"} (unsigned)
//   POST /v1/enrol     (unsigned) online enrolment with a one-time token (hub/enrolment/enrol_token.h):
//                      body {"token","request","role"}, answer {"certificate_file":"<base64>"}.
//                      503 enrol.disabled unless EnableEnrolment was called; 429 when
//                      enrol.rate_limited.
//   GET /metrics                        Prometheus text (signed like the others): the counters,
//                                       the log size and the number of nodes. The unsigned
//                                       scrape for Prometheus, with every gauge, is a separate
//                                       listener (hub/app/hub_metrics.h).
// A request refused before its body is read (auth.*, serve.unknown_node, serve.revoked_node)
// is recorded in refused_request (hub/log/refused_request.h) and counted in /metrics by code.
// Errors are answered as {"code":"...","message":"..."} with 400 (kInvalid), 401 (auth.*
// signature, clock, replay, missing, malformed), 403 (unknown or revoked node), 404
// (kNotFound), 413 (kTooLarge), 409 (kConflict), 500 otherwise.
//
// Thread-safety: Handle may be called from several threads. Every request is authenticated,
// and a pull answered, on one of a few read connections to the county replica (WAL: a
// reader sees the last commit and never waits for the writer), so a pull does not wait for
// pushes; a compressed push is opened before the writer is taken. What writes (a push's
// apply and log, enrolment, a refusal's record, signing a checkpoint) and the other GETs
// take the single writer, one at a time. A pull whose snapshot holds log entries that no
// checkpoint covers yet (written by another process) is answered by the writer instead,
// which signs one first.
#ifndef GONGKAI_HUB_SERVER_SERVICE_H_
#define GONGKAI_HUB_SERVER_SERVICE_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/county/county.h"
#include "hub/log/log.h"
#include "node/exchange/certificate_carriers.h"
#include "protocol/envelope_batch.h"
#include "protocol/request_auth.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr size_t kMaxPushEnvelopes = 256;              // per push request
inline constexpr size_t kMaxPullEnvelopes = 256;              // per pull answer
inline constexpr size_t kMaxCompressedPullEnvelopes = 4096;   // per compressed pull answer
inline constexpr uint64_t kMaxPullBytes = uint64_t{8} << 20;  // envelope bytes per pull answer

inline constexpr char kMoreHeader[] = "X-Gongkai-More";
inline constexpr char kCheckpointHeader[] = "X-Gongkai-Checkpoint";

// Error codes.
inline constexpr char kErrServeUnknownNode[] = "serve.unknown_node";  // kDenied, 403
inline constexpr char kErrServeRevokedNode[] = "serve.revoked_node";  // kDenied, 403
inline constexpr char kErrServeNotFound[] = "serve.not_found";        // kNotFound, 404
inline constexpr char kErrServeTooMany[] = "serve.too_many";          // kTooLarge, 413
inline constexpr char kErrServeQuery[] = "serve.query";               // kInvalid, 400

struct HubRequest {
  std::string method;  // "GET", "POST"
  std::string path;    // without the query
  std::string target;  // as sent, with the query: what the node signed
  std::map<std::string, std::string> query;
  RequestAuth auth;
  std::string body;
  std::string peer;  // the client's address, for the enrolment attempt limits
  std::string authorization;  // the Authorization header (the /metrics listener's token)
};

// What a HubService has counted since it started (the counters of /metrics).
struct HubCounters {
  int64_t started_at_ms = 0;                          // wall clock
  uint64_t envelopes_accepted = 0;                    // applied and logged
  uint64_t envelopes_duplicate = 0;                   // pushed again
  std::map<std::string, uint64_t> envelopes_refused;  // by code
  std::map<std::string, uint64_t> requests_refused;   // auth.*, unknown or revoked node; by code
  std::map<std::string, uint64_t> responses;          // by class: "2xx", "3xx", "4xx", "5xx"
};

// `value` escaped for a Prometheus label value (backslash, double quote, line feed).
std::string PrometheusLabelValue(std::string_view value);

// The counters in Prometheus text format (version 0.0.4), HELP and TYPE lines included.
std::string HubCountersText(const HubCounters& counters);

struct HubAnswer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
};

class HubService {
 public:
  // Opens the hub home (OpenCounty) and its log, runs `at_open` on the county (what it
  // captures is logged with the rest), logs any journal envelope not yet logged, and signs a
  // checkpoint. `wall_clock_ms` defaults to the system clock. An error of `at_open` is
  // returned as it is.
  static Result<std::unique_ptr<HubService>> Open(
      const std::filesystem::path& home, std::function<int64_t()> wall_clock_ms = {},
      const std::function<Status(County&)>& at_open = {});

  HubAnswer Handle(const HubRequest& request);

  // Lets POST /v1/enrol issue certificates, signed by `root` (OpenCountyRootKey), which the
  // service keeps until it is destroyed. Call before serving.
  void EnableEnrolment(SecretKey root) { root_key_ = std::make_unique<SecretKey>(std::move(root)); }

  // A copy of the counters. Never waits for a request in progress (they have their own lock),
  // so a scrape answers while a long push runs.
  HubCounters Counters() const;
  // Counts one answer by the class of its HTTP status; HubServer calls it for every answer,
  // including those it gives without asking the service (413, 411, 408 serve.too_slow,
  // 503 serve.busy); not the 408 written to a connection whose head never arrived.
  void CountResponse(int http_status);

 private:
  // Handle without the hub-time header that every answer gets.
  HubAnswer Answer(const HubRequest& request);
  HubService(County county, std::function<int64_t()> clock)
      : county_(std::move(county)), wall_clock_ms_(std::move(clock)) {
    counters_.started_at_ms = wall_clock_ms_();
  }

  // The certificate region and role of a request's signer, after checking its signature.
  struct Caller {
    NodeId node{};
    Role role = Role::kVillage;
    std::string region;
  };
  // A read connection lent to one request, given back when the lease goes.
  class ReaderLease;
  struct Reader;
  Result<Caller> Authenticate(Replica& reader, const HubRequest& request);
  Result<HubAnswer> Push(const Caller& caller, const OpenedBatch& batch);
  // The pull answer from what `replica` holds now, with `checkpoint_note` as its checkpoint.
  Result<HubAnswer> PullAnswer(const Replica& replica, CertificateCarriers& carriers,
                               const Caller& caller, const HubRequest& request,
                               const std::string& checkpoint_note);
  // On a read connection, in one snapshot; nullopt when its latest checkpoint does not cover
  // its log (the writer's Pull then signs one).
  Result<std::optional<HubAnswer>> PullFromSnapshot(Reader& reader, const Caller& caller,
                                                    const HubRequest& request);
  Result<HubAnswer> Pull(const Caller& caller, const HubRequest& request);
  Result<HubAnswer> Checkpoint();
  Result<HubAnswer> Consistency(const HubRequest& request);
  Result<HubAnswer> Inclusion(const HubRequest& request);
  Result<HubAnswer> Metrics();
  Result<HubAnswer> Enrol(const HubRequest& request);  // service_enrol.cc

  std::mutex mutex_;  // the writer: county_ and log_ are used under it
  County county_;
  std::optional<HubLog> log_;
  std::function<int64_t()> wall_clock_ms_;
  std::mutex nonces_mutex_;
  NonceCache nonces_;  // guarded by nonces_mutex_
  CertificateCarriers carriers_;  // what the writer's connection has seen; under mutex_
  // A read connection, and what it has seen of the certificate carriers.
  struct Reader {
    Replica replica;
    CertificateCarriers carriers;
  };
  std::vector<std::unique_ptr<Reader>> readers_;  // opened by Open
  std::mutex readers_mutex_;
  std::condition_variable reader_returned_;
  std::vector<Reader*> idle_readers_;  // guarded by readers_mutex_
  std::unique_ptr<SecretKey> root_key_;  // set by EnableEnrolment
  mutable std::mutex counters_mutex_;  // taken after mutex_ when both are
  HubCounters counters_;               // guarded by counters_mutex_
};

// The HTTP status for an error status (see the file comment).
int HttpStatusFor(const Status& status);
// {"code":"...","message":"..."}
std::string ErrorJson(const Status& status);

}  // namespace gongkai

#endif  // GONGKAI_HUB_SERVER_SERVICE_H_
