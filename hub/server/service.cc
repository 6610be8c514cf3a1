// HubService (hub/server/service.h).
#include "hub/server/service.h"

#include <algorithm>
#include <thread>

#include "hub/enrolment/enrol_token.h"
#include "hub/log/refused_request.h"
#include "hub/log/revocation_position.h"
#include "node/replica/apply.h"
#include "node/exchange/envelope_selection.h"
#include "node/json/json_text.h"
#include "node/replica/sql.h"
#include "node/replica/trust.h"
#include "protocol/envelope_batch.h"
#include "protocol/have.h"
#include "protocol/wall_clock.h"

namespace gongkai {


std::string PrometheusLabelValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

namespace {

HubAnswer JsonAnswer(std::string body) {
  HubAnswer answer;
  answer.body = std::move(body);
  return answer;
}

std::string HashListJson(const std::vector<Hash256>& hashes) {
  std::vector<std::string> texts;
  for (const Hash256& hash : hashes) texts.push_back(Base64Encode(hash));
  return JsonStringArray(texts);
}

Result<uint64_t> QueryNumber(const HubRequest& request, const std::string& name) {
  auto it = request.query.find(name);
  if (it == request.query.end() || it->second.empty() || it->second.size() > 18 ||
      it->second.find_first_not_of("0123456789") != std::string::npos) {
    return Status::Invalid(kErrServeQuery, "query parameter " + name + " must be a decimal number");
  }
  return std::stoull(it->second);
}

// A read transaction: what a read connection sees stays as it was at its first read until
// the snapshot goes (ROLLBACK: nothing was written).
class ReadSnapshot {
 public:
  static Result<ReadSnapshot> Begin(sqlite3* db) {
    GK_RETURN_IF_ERROR(ExecSql(db, "BEGIN"));
    return ReadSnapshot(db);
  }
  ReadSnapshot(ReadSnapshot&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  ReadSnapshot& operator=(ReadSnapshot&&) = delete;
  ~ReadSnapshot() {
    if (db_) (void)ExecSql(db_, "ROLLBACK");
  }

 private:
  explicit ReadSnapshot(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

std::string_view OutcomeName(ApplyOutcome outcome) {
  switch (outcome) {
    case ApplyOutcome::kApplied:
      return "applied";
    case ApplyOutcome::kDuplicate:
      return "duplicate";
    case ApplyOutcome::kOutOfScope:
      break;
  }
  return "out_of_scope";
}

}  // namespace

int HttpStatusFor(const Status& status) {
  const std::string& code = status.code();
  if (code == kErrServeUnknownNode || code == kErrServeRevokedNode) return 403;
  if (code.starts_with("auth.")) return 401;
  if (code == kErrEnrolRateLimited) return 429;
  if (code == kErrEnrolDisabled) return 503;
  switch (status.kind()) {
    case StatusKind::kInvalid:
      return 400;
    case StatusKind::kTooLarge:
      return 413;
    case StatusKind::kNotFound:
      return 404;
    case StatusKind::kConflict:
      return 409;
    case StatusKind::kDenied:
      return 403;
    default:
      return 500;
  }
}

std::string ErrorJson(const Status& status) {
  return "{\"code\":" + JsonQuote(status.code()) + ",\"message\":" + JsonQuote(status.message()) +
         "}";
}

Result<std::unique_ptr<HubService>> HubService::Open(
    const std::filesystem::path& home, std::function<int64_t()> wall_clock_ms,
    const std::function<Status(County&)>& at_open) {
  if (!wall_clock_ms) wall_clock_ms = WallClockMs;
  GK_ASSIGN_OR_RETURN(County county, OpenCounty(home));
  std::unique_ptr<HubService> service(new HubService(std::move(county), std::move(wall_clock_ms)));
  GK_ASSIGN_OR_RETURN(HubLog log,
                      HubLog::Open(service->county_.replica(), service->county_.hub_key(),
                                   CountyLogOrigin(service->county_.code())));
  service->log_.emplace(std::move(log));
  // Read connections: as many as there are cores, two at least (a pull need not wait for
  // another), four at most (each keeps its own page cache).
  const size_t readers = std::clamp<size_t>(std::thread::hardware_concurrency(), 2, 4);
  ReplicaOptions read_options;
  read_options.create_if_missing = false;
  read_options.wall_clock_ms = service->wall_clock_ms_;
  for (size_t n = 0; n < readers; ++n) {
    GK_ASSIGN_OR_RETURN(Replica reader,
                        Replica::Open(service->county_.replica().path(), read_options));
    service->readers_.push_back(std::make_unique<Reader>(Reader{std::move(reader), {}}));
    service->idle_readers_.push_back(service->readers_.back().get());
  }
  GK_RETURN_IF_ERROR(EnsureRefusedRequestTable(service->county_.replica().db()));
  if (at_open) GK_RETURN_IF_ERROR(at_open(service->county_));
  GK_RETURN_IF_ERROR(service->log_->AppendMissing().status());
  GK_RETURN_IF_ERROR(service->log_->SignCheckpoint().status());
  return service;
}

HubAnswer HubService::Handle(const HubRequest& request) {
  HubAnswer answer = Answer(request);
  answer.headers[kResponseHubTimeHeader] = std::to_string(wall_clock_ms_());
  return answer;
}

class HubService::ReaderLease {
 public:
  explicit ReaderLease(HubService& service) : service_(service) {
    std::unique_lock lock(service_.readers_mutex_);
    service_.reader_returned_.wait(lock, [&] { return !service_.idle_readers_.empty(); });
    reader_ = service_.idle_readers_.back();
    service_.idle_readers_.pop_back();
  }
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;
  ~ReaderLease() {
    {
      std::lock_guard lock(service_.readers_mutex_);
      service_.idle_readers_.push_back(reader_);
    }
    service_.reader_returned_.notify_one();
  }
  Reader& reader() { return *reader_; }

 private:
  HubService& service_;
  Reader* reader_ = nullptr;
};

HubAnswer HubService::Answer(const HubRequest& request) {
  if (request.method == "GET" && request.path == "/v1/health") {
    return JsonAnswer("{\"status\":\"ok\"}");
  }
  Result<HubAnswer> answer = [&]() -> Result<HubAnswer> {
    // Unsigned: the node has no certificate yet; the one-time token stands in for it.
    if (request.method == "POST" && request.path == "/v1/enrol") {
      std::lock_guard writing(mutex_);
      return Enrol(request);
    }
    const bool pull = request.method == "POST" && request.path == "/v1/pull";
    Caller caller;
    std::optional<HubAnswer> read;
    {
      ReaderLease reader(*this);
      GK_ASSIGN_OR_RETURN(caller, Authenticate(reader.reader().replica, request));
      if (pull) {
        GK_ASSIGN_OR_RETURN(read, PullFromSnapshot(reader.reader(), caller, request));
      }
    }
    if (read) return std::move(*read);
    if (request.method == "POST" && request.path == "/v1/push") {
      GK_ASSIGN_OR_RETURN(OpenedBatch batch, OpenBatch(AsBytes(request.body)));
      std::lock_guard writing(mutex_);
      return Push(caller, batch);
    }
    std::lock_guard writing(mutex_);
    if (pull) return Pull(caller, request);
    if (request.method == "GET") {
      if (request.path == "/v1/checkpoint") return Checkpoint();
      if (request.path == "/v1/proof/consistency") return Consistency(request);
      if (request.path == "/v1/proof/inclusion") return Inclusion(request);
      if (request.path == "/metrics") return Metrics();
    }
    return Status::NotFound(kErrServeNotFound,
                            "no endpoint " + request.method + " " + request.path);
  }();
  if (answer.ok()) return std::move(*answer);
  HubAnswer error;
  error.status = HttpStatusFor(answer.status());
  error.body = ErrorJson(answer.status());
  const std::string code = answer.status().code();
  if (code.starts_with("auth.") || code == kErrServeUnknownNode || code == kErrServeRevokedNode) {
    {
      std::lock_guard counting(counters_mutex_);
      ++counters_.requests_refused[code];
    }
    // A refusal that cannot be recorded is still a refusal: the answer stands.
    std::lock_guard writing(mutex_);
    if (Status recorded = RecordRefusedRequest(county_.replica().db(), wall_clock_ms_(),
                                               request.auth.node, request.path, code);
        !recorded.ok()) {
      error.status = HttpStatusFor(recorded);
      error.body = ErrorJson(recorded);
    }
  }
  return error;
}

Result<HubService::Caller> HubService::Authenticate(Replica& reader, const HubRequest& request) {
  GK_ASSIGN_OR_RETURN(ParsedRequestAuth auth, ParseRequestAuth(request.auth));
  StatementCache& statements = reader.statements();
  Result<Certificate> certificate =
      FindSignerCertificate(statements, auth.node, county_.root_public_key());
  if (!certificate.ok()) {
    return Status::Denied(kErrServeUnknownNode,
                          "node " + NodeIdHex(auth.node) + " is not enrolled in this county");
  }
  GK_RETURN_IF_ERROR(VerifyRequest(auth, certificate->subject_key, request.method, request.target,
                                   AsBytes(request.body)));
  GK_ASSIGN_OR_RETURN(bool revoked, IsRevoked(statements, auth.node));
  if (revoked) {
    return Status::Denied(kErrServeRevokedNode, "node " + NodeIdHex(auth.node) + " is revoked");
  }
  // The nonce is spent only by a request that verifies: a forger cannot burn others' nonces.
  {
    std::lock_guard lock(nonces_mutex_);
    GK_RETURN_IF_ERROR(nonces_.Check(auth.nonce, auth.time_ms, wall_clock_ms_()));
  }
  return Caller{auth.node, certificate->role, certificate->region};
}

Result<HubAnswer> HubService::Push(const Caller& caller, const OpenedBatch& batch) {
  const std::vector<ByteView>& envelopes = batch.envelopes;
  if (envelopes.size() > kMaxPushEnvelopes) {
    return Status::TooLarge(kErrServeTooMany,
                            "at most " + std::to_string(kMaxPushEnvelopes) + " envelopes per push");
  }
  const std::string source = "node:" + NodeIdHex(caller.node);
  const int64_t now = wall_clock_ms_();
  std::string results = "[";
  uint64_t accepted = 0, duplicate = 0;
  std::map<std::string, uint64_t> refused;
  CheckpointRecord checkpoint;
  // Revocation by log position: a new envelope would enter at the current size.
  ApplyOptions options;
  options.judge_revocation = [this](const NodeId& signer) -> Status {
    GK_ASSIGN_OR_RETURN(uint64_t size, log_->Size());
    return JudgeByLogPosition(county_.replica().statements(), signer, size);
  };
  {
    GK_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(county_.replica().db()));
    // Inside the push's transaction, so that the journal cursor it moves is written by the
    // push's own commit rather than by a commit (and an fsync) of its own.
    GK_RETURN_IF_ERROR(log_->AppendMissing().status());
    for (size_t n = 0; n < envelopes.size(); ++n) {
      if (n) results += ',';
      const Hash256 id = Sha256(envelopes[n]);
      results += "{\"id\":" + JsonQuote(HexEncode(id));
      Result<ApplyResult> applied = ApplyEnvelope(county_.replica(), envelopes[n], source, options);
      if (!applied.ok()) {
        const Status& status = applied.status();
        // The replica itself failing is not the envelope's fault: give up the whole batch.
        if (status.kind() == StatusKind::kIoError || status.kind() == StatusKind::kUnavailable ||
            status.kind() == StatusKind::kInternal) {
          return status;
        }
        GK_RETURN_IF_ERROR(log_->RecordRefused(envelopes[n], source, status, now).status());
        ++refused[status.code()];
        results += ",\"outcome\":\"refused\",\"code\":" + JsonQuote(status.code()) +
                   ",\"message\":" + JsonQuote(status.message()) + "}";
        continue;
      }
      results += ",\"outcome\":" + JsonQuote(OutcomeName(applied->outcome));
      if (applied->outcome == ApplyOutcome::kApplied) {
        GK_RETURN_IF_ERROR(log_->Append(applied->id, now).status());
        ++accepted;
      } else if (applied->outcome == ApplyOutcome::kDuplicate) {
        ++duplicate;
      }
      if (applied->outcome != ApplyOutcome::kOutOfScope) {
        GK_ASSIGN_OR_RETURN(Bytes receipt, log_->IssueReceipt(applied->id));
        results += ",\"receipt\":" + JsonQuote(Base64Encode(receipt));
      }
      results += "}";
    }
    // Signed in the same transaction, so that a reader never sees these entries without a
    // checkpoint that covers them.
    GK_ASSIGN_OR_RETURN(checkpoint, log_->SignCheckpoint());
    GK_RETURN_IF_ERROR(transaction.Commit());
  }
  results += "]";
  {
    std::lock_guard counting(counters_mutex_);
    counters_.envelopes_accepted += accepted;
    counters_.envelopes_duplicate += duplicate;
    for (const auto& [code, count] : refused) counters_.envelopes_refused[code] += count;
  }
  return JsonAnswer("{\"checkpoint\":" + JsonQuote(checkpoint.note) + ",\"results\":" + results +
                    "}");
}

Result<HubAnswer> HubService::PullAnswer(const Replica& replica, CertificateCarriers& carriers,
                                         const Caller& caller, const HubRequest& request,
                                         const std::string& checkpoint_note) {
  GK_ASSIGN_OR_RETURN(HaveSummary have, HaveSummary::Decode(AsBytes(request.body)));
  SelectOptions options;
  options.for_region = caller.region;
  options.peer_have = std::move(have);
  // ?batch=2&codec=N: the node reads compressed batches, opened for its zstd N.
  auto version = request.query.find("batch");
  const bool compressed = version != request.query.end() && version->second == "2";
  uint32_t reader_codec = 0;
  if (compressed) {
    GK_ASSIGN_OR_RETURN(uint64_t codec, QueryNumber(request, "codec"));
    reader_codec = static_cast<uint32_t>(std::min<uint64_t>(codec, UINT32_MAX));
  }
  options.max_envelopes = compressed ? kMaxCompressedPullEnvelopes : kMaxPullEnvelopes;
  options.max_bytes = kMaxPullBytes;
  options.carriers = &carriers;
  GK_ASSIGN_OR_RETURN(EnvelopeSelection selection, SelectEnvelopes(replica, options));
  GK_ASSIGN_OR_RETURN(Bytes batch, compressed
                                       ? EncodeCompressedBatch(selection.envelopes, reader_codec)
                                       : EncodeBatch(selection.envelopes));
  HubAnswer answer;
  answer.content_type = "application/octet-stream";
  answer.body.assign(batch.begin(), batch.end());
  answer.headers[kMoreHeader] = selection.left_out > 0 ? "1" : "0";
  answer.headers[kCheckpointHeader] = Base64Encode(AsBytes(checkpoint_note));
  return answer;
}

Result<std::optional<HubAnswer>> HubService::PullFromSnapshot(Reader& reader,
                                                              const Caller& caller,
                                                              const HubRequest& request) {
  sqlite3* db = reader.replica.db();
  GK_ASSIGN_OR_RETURN(ReadSnapshot snapshot, ReadSnapshot::Begin(db));
  GK_ASSIGN_OR_RETURN(std::optional<CheckpointRecord> latest, ReadLatestCheckpoint(db));
  GK_ASSIGN_OR_RETURN(uint64_t size, ReadLogSize(db));
  if (!latest || latest->size != size) return std::optional<HubAnswer>();
  GK_ASSIGN_OR_RETURN(HubAnswer answer,
                      PullAnswer(reader.replica, reader.carriers, caller, request, latest->note));
  return std::optional<HubAnswer>(std::move(answer));
}

Result<HubAnswer> HubService::Pull(const Caller& caller, const HubRequest& request) {
  GK_ASSIGN_OR_RETURN(CheckpointRecord checkpoint, log_->SignCheckpoint());
  return PullAnswer(county_.replica(), carriers_, caller, request, checkpoint.note);
}

Result<HubAnswer> HubService::Checkpoint() {
  GK_ASSIGN_OR_RETURN(CheckpointRecord checkpoint, log_->SignCheckpoint());
  HubAnswer answer;
  answer.content_type = "text/plain; charset=utf-8";
  answer.body = checkpoint.note;
  return answer;
}

Result<HubAnswer> HubService::Consistency(const HubRequest& request) {
  GK_ASSIGN_OR_RETURN(uint64_t old_size, QueryNumber(request, "old"));
  GK_ASSIGN_OR_RETURN(uint64_t new_size, QueryNumber(request, "new"));
  GK_ASSIGN_OR_RETURN(std::vector<Hash256> proof, log_->ConsistencyProof(old_size, new_size));
  return JsonAnswer("{\"new\":" + std::to_string(new_size) + ",\"old\":" +
                    std::to_string(old_size) + ",\"proof\":" + HashListJson(proof) + "}");
}

Result<HubAnswer> HubService::Inclusion(const HubRequest& request) {
  auto it = request.query.find("id");
  Result<Hash256> id =
      it == request.query.end()
          ? Result<Hash256>(Status::Invalid(kErrServeQuery, "query parameter id is missing"))
          : HexDecodeFixed<kHashSize>(it->second);
  if (!id.ok()) return Status::Invalid(kErrServeQuery, "id must be 64 hex digits");
  GK_ASSIGN_OR_RETURN(CheckpointRecord checkpoint, log_->SignCheckpoint());
  GK_ASSIGN_OR_RETURN(EntryProof proof, log_->InclusionProof(*id, checkpoint.size));
  return JsonAnswer("{\"index\":" + std::to_string(proof.entry.index) +
                    ",\"proof\":" + HashListJson(proof.proof) +
                    ",\"tree_size\":" + std::to_string(proof.tree_size) + "}");
}

HubCounters HubService::Counters() const {
  std::lock_guard counting(counters_mutex_);
  return counters_;
}

void HubService::CountResponse(int http_status) {
  const int hundreds = http_status / 100;
  if (hundreds < 1 || hundreds > 5) return;
  std::lock_guard counting(counters_mutex_);
  ++counters_.responses[std::to_string(hundreds) + "xx"];
}

std::string HubCountersText(const HubCounters& counters) {
  std::string text;
  auto family = [&](const char* name, const char* type, const char* help) {
    text += std::string("# HELP ") + name + " " + help + "\n";
    text += std::string("# TYPE ") + name + " " + type + "\n";
  };
  auto by_label = [&](const char* name, const char* label,
                      const std::map<std::string, uint64_t>& values) {
    for (const auto& [value, count] : values) {
      text += std::string(name) + "{" + label + "=\"" + PrometheusLabelValue(value) + "\"} " +
              std::to_string(count) + "\n";
    }
  };
  family("gongkai_hub_start_time_seconds", "gauge", "When the hub service started (Unix time).");
  text += "gongkai_hub_start_time_seconds " + std::to_string(counters.started_at_ms / 1000) + "\n";
  family("gongkai_hub_envelopes_accepted_total", "counter",
         "Envelopes applied and logged since start.");
  text += "gongkai_hub_envelopes_accepted_total " + std::to_string(counters.envelopes_accepted) +
          "\n";
  family("gongkai_hub_envelopes_duplicate_total", "counter", "Envelopes pushed again since start.");
  text += "gongkai_hub_envelopes_duplicate_total " + std::to_string(counters.envelopes_duplicate) +
          "\n";
  family("gongkai_hub_envelopes_refused_total", "counter",
         "Envelopes refused since start, by code.");
  by_label("gongkai_hub_envelopes_refused_total", "code", counters.envelopes_refused);
  family("gongkai_hub_requests_refused_total", "counter",
         "Requests refused as unsigned, forged, replayed or from unknown or revoked nodes since "
         "start, by code.");
  by_label("gongkai_hub_requests_refused_total", "code", counters.requests_refused);
  family("gongkai_hub_http_responses_total", "counter",
         "Answers of the sync API since start, by HTTP status class.");
  by_label("gongkai_hub_http_responses_total", "class", counters.responses);
  return text;
}

Result<HubAnswer> HubService::Metrics() {
  GK_ASSIGN_OR_RETURN(uint64_t size, log_->Size());
  GK_ASSIGN_OR_RETURN(std::optional<int64_t> nodes,
                      QueryInt(county_.replica().db(), "SELECT count(*) FROM certificate"));
  std::string text = HubCountersText(Counters());
  text += "# HELP gongkai_hub_log_size Entries in the audit log.\n";
  text += "# TYPE gongkai_hub_log_size gauge\n";
  text += "gongkai_hub_log_size " + std::to_string(size) + "\n";
  text += "# HELP gongkai_hub_nodes Nodes with a certificate in the county replica.\n";
  text += "# TYPE gongkai_hub_nodes gauge\n";
  text += "gongkai_hub_nodes " + std::to_string(nodes.value_or(0)) + "\n";
  HubAnswer answer;
  answer.content_type = "text/plain; version=0.0.4";
  answer.body = std::move(text);
  return answer;
}

}  // namespace gongkai
