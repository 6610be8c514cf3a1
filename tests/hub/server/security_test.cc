// The hub's security refusals, each proven: the refusal is answered with its code, recorded
// with it (refused_envelope for envelopes, refused_request for requests), and nothing is
// applied: the county's digest and the log's size stay as they were.
#include <doctest/doctest.h>

#include "hub/log/refused_request.h"
#include "hub/log/revocation_position.h"
#include "node/replica/alarm.h"
#include "node/replica/apply.h"
#include "node/replica/local_schema.h"
#include "protocol/chain.h"
#include "protocol/have.h"
#include "protocol/inspect.h"
#include "tests/hub/security_fixture.h"

namespace gongkai::testing {
namespace {

// Pushes `envelope` as `sender` and checks it is refused with `code`, recorded once with that
// code, and changes neither the county digest nor the log.
void RequireRefused(SecureHub& s, const SecretKey& sender, const Bytes& envelope,
                    const std::string& code) {
  const std::string digest = s.Digest();
  const int64_t log_size = s.LogSize();
  const int64_t journal = s.hub.JournalCount();
  PushResult result = s.PushOne(sender, envelope);
  CHECK(result.outcome == "refused");
  CHECK(result.code == code);
  CHECK(result.receipt.empty());
  CHECK(s.RefusedCodes(envelope) == std::vector<std::string>{code});
  CHECK(s.Digest() == digest);
  CHECK(s.LogSize() == log_size);
  CHECK(s.hub.JournalCount() == journal);
}

// Sends `request` and checks the answer's status and code, and that it was recorded in
// refused_request as the last row, naming `claimed` node and the path.
void RequireRequestRefused(SecureHub& s, const HubRequest& request, int status,
                           const std::string& code, const std::string& claimed) {
  const int64_t log_size = s.LogSize();
  HubAnswer answer = s.Send(request);
  CHECK(answer.status == status);
  CHECK(s.ErrorCode(answer) == code);
  Result<std::vector<RefusedRequest>> rows =
      ListRefusedRequests(s.hub.county.replica().db(), 0, kMaxRefusedRequestsListed);
  REQUIRE(rows.ok());
  REQUIRE_FALSE(rows->empty());
  CHECK(rows->back().code == code);
  CHECK(rows->back().node_id == claimed);
  CHECK(rows->back().path == request.path);
  CHECK(rows->back().received_ms == s.now);
  CHECK(s.LogSize() == log_size);
}

TEST_CASE("an envelope whose signature is forged is refused and recorded") {
  SecureHub s;
  Bytes envelope = s.village.Next("v1");
  envelope[envelope.size() - 1] ^= 0x01;  // the last byte of the signature
  RequireRefused(s, s.village.key, envelope, kErrEnvelopeSignature);
}

TEST_CASE("an envelope from a key the county never enrolled is refused and recorded") {
  SecureHub s;
  Maker stranger{kSecVillage};
  // A relay (the township) carries it: the request is good, the envelope is not.
  RequireRefused(s, s.township.key, stranger.Next("v1"), kErrApplyUnknownSigner);
}

TEST_CASE("rows outside the maker's write scope are refused and recorded") {
  SecureHub s;
  SUBCASE("a village writing its sibling's rows") {
    RequireRefused(s, s.village.key, s.village.Next("v1", kSecSibling), kErrInspectScope);
  }
  SUBCASE("a village writing its township's rows") {
    RequireRefused(s, s.village.key, s.village.Next("v1", kSecTownship), kErrInspectScope);
  }
}

TEST_CASE("a retired key: what the hub logged before stays valid, what comes after is refused") {
  SecureHub s;
  const Bytes before = s.village.Next("v1");
  const Bytes after = s.village.Next("v2");  // signed before the revocation, pushed after it
  PushResult first = s.PushOne(s.village.key, before);
  REQUIRE(first.outcome == "applied");
  const uint64_t before_index = static_cast<uint64_t>(s.LogSize() - 1);

  s.RevokeKey(s.village, RevocationReason::kRetired);
  // The revoked village can no longer sign requests; a sibling relays its envelope.
  RequireRefused(s, s.sibling.key, after, kErrHubRevokedRetired);

  // The revocation took effect at its log position, after `before`'s.
  Result<std::vector<RevocationPosition>> positions =
      RevocationsOf(s.hub.county.replica().db(), s.village.key.node_id());
  REQUIRE(positions.ok());
  REQUIRE(positions->size() == 1);
  REQUIRE((*positions)[0].log_index.has_value());
  CHECK(*(*positions)[0].log_index > before_index);
  // What was logged before is still held and still answered with its receipt.
  PushResult again = s.PushOne(s.sibling.key, before);
  CHECK(again.outcome == "duplicate");
  CHECK(again.receipt == first.receipt);
  // The hub keeps serving it: the township's pull from scratch carries it.
  Bytes have = *HaveSummary().Encode();
  HubAnswer pulled =
      s.Send(s.Signed(s.township.key, "POST", "/v1/pull", std::string(have.begin(), have.end())));
  REQUIRE(pulled.status == 200);
  Result<std::vector<ByteView>> batch = DecodeBatch(AsBytes(pulled.body));
  REQUIRE(batch.ok());
  bool served = false;
  for (ByteView e : *batch) served = served || Bytes(e.begin(), e.end()) == before;
  CHECK(served);
}

TEST_CASE("compressed batches: pushed and pulled as version 1, opened items of another zstd refused") {
  SecureHub s;
  const Bytes first = s.sibling.Next("c1");
  const Bytes second = s.sibling.Next("c2");
  // Opened items written for another zstd: the whole push is refused and nothing changes.
  Bytes other = *EncodeCompressedBatch({first, second}, BatchCodec());
  other[12] ^= 1;
  const int64_t size = s.LogSize();
  HubAnswer refused =
      s.Send(s.Signed(s.sibling.key, "POST", "/v1/push", std::string(other.begin(), other.end())));
  CHECK(refused.status == 400);
  CHECK(refused.body.find(kErrBatchCodec) != std::string::npos);
  CHECK(s.LogSize() == size);
  // The same envelopes opened for the hub's own zstd are applied as version 1 would be.
  const Bytes batch = *EncodeCompressedBatch({first, second}, BatchCodec());
  HubAnswer pushed =
      s.Send(s.Signed(s.sibling.key, "POST", "/v1/push", std::string(batch.begin(), batch.end())));
  INFO(pushed.body);
  REQUIRE(pushed.status == 200);
  CHECK(pushed.body.find("\"applied\"") != std::string::npos);
  CHECK(s.LogSize() == size + 2);
  // A pull that asks for version 2 gets it, opened, with the same envelopes as version 1.
  const Bytes have = *HaveSummary().Encode();
  const std::string body(have.begin(), have.end());
  const HubAnswer plain = s.Send(s.Signed(s.township.key, "POST", "/v1/pull", body));
  const std::string target = "/v1/pull?batch=2&codec=" + std::to_string(BatchCodec());
  HubRequest ask = s.Signed(s.township.key, "POST", target, body);
  ask.path = "/v1/pull";
  ask.query = {{"batch", "2"}, {"codec", std::to_string(BatchCodec())}};
  const HubAnswer compressed = s.Send(ask);
  REQUIRE(plain.status == 200);
  REQUIRE(compressed.status == 200);
  REQUIRE(compressed.body.size() > 5);
  CHECK(compressed.body[4] == kBatchVersionCompressed);
  CHECK(compressed.body.size() < plain.body.size());
  const Result<OpenedBatch> a = OpenBatch(AsBytes(plain.body));
  const Result<OpenedBatch> b = OpenBatch(AsBytes(compressed.body));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(a->envelopes.size() == b->envelopes.size());
  CHECK(!b->rebuilt.empty());
  for (size_t n = 0; n < a->envelopes.size(); ++n)
    CHECK(Bytes(a->envelopes[n].begin(), a->envelopes[n].end()) ==
          Bytes(b->envelopes[n].begin(), b->envelopes[n].end()));
}

TEST_CASE("a compromised key: later envelopes are refused and flagged, the logged ones listed") {
  SecureHub s;
  const Bytes receipted = s.village.Next("v1");
  const Bytes unreceipted = s.village.Next("v2");
  REQUIRE(s.PushOne(s.village.key, receipted).outcome == "applied");
  SUBCASE("revoked as compromised at once") {
    s.RevokeKey(s.village, RevocationReason::kCompromised);
  }
  SUBCASE("retired first, then found compromised: the stronger reason counts") {
    s.RevokeKey(s.village, RevocationReason::kRetired);
    s.RevokeKey(s.village, RevocationReason::kCompromised);
  }
  RequireRefused(s, s.sibling.key, unreceipted, kErrHubRevokedCompromised);

  Result<RevocationReview> review =
      ReviewRevoked(s.hub.county.replica().db(), s.village.key.node_id());
  REQUIRE(review.ok());
  REQUIRE(review->revoked_at.has_value());
  REQUIRE(review->receipted.size() == 1);
  CHECK(review->receipted[0].envelope_id == HexEncode(Sha256(receipted)));
  CHECK(review->receipted[0].log_index < *review->revoked_at);
  CHECK(review->refused_ids.size() == 1);
}

TEST_CASE("replays: a reused request nonce is refused, a repeated envelope is not applied twice") {
  SecureHub s;
  const Bytes envelope = s.village.Next("v1");
  Result<Bytes> batch = EncodeBatch({envelope});
  REQUIRE(batch.ok());
  const HubRequest request =
      s.Signed(s.village.key, "POST", "/v1/push", std::string(batch->begin(), batch->end()));
  HubAnswer first = s.Send(request);
  REQUIRE(first.status == 200);
  const int64_t log_size = s.LogSize();
  const std::string digest = s.Digest();
  RequireRequestRefused(s, request, 401, kErrAuthReplay, s.village.id());
  CHECK(s.Digest() == digest);

  // The same envelope in a new request: a duplicate with the same receipt, logged once.
  PushResult again = s.PushOne(s.village.key, envelope);
  CHECK(again.outcome == "duplicate");
  CHECK(s.LogSize() == log_size);
  CHECK(s.Digest() == digest);
  CHECK(s.Count("SELECT count(*) FROM log_entry WHERE envelope_id='" + HexEncode(Sha256(envelope)) +
                "'") == 1);
}

TEST_CASE("equivocation: a second envelope with the same origin and seq is refused and alarmed") {
  SecureHub s;
  const Bytes first = s.village.Next("v1");
  REQUIRE(s.PushOne(s.village.key, first).outcome == "applied");
  // The same seq 1 over another history (a cloned key used in parallel).
  Maker clone{kSecVillage};
  clone.key = *SecretKey::FromSeed(s.village.key.seed());
  const Bytes other = clone.Next("v1-other");
  REQUIRE(other != first);
  RequireRefused(s, s.sibling.key, other, kErrChainEquivocation);
  Result<std::vector<Alarm>> alarms = ListAlarms(s.hub.county.replica().db());
  REQUIRE(alarms.ok());
  REQUIRE(alarms->size() == 1);
  CHECK((*alarms)[0].kind == kAlarmEquivocation);
  CHECK((*alarms)[0].held_bytes == first);
  CHECK((*alarms)[0].other_bytes == other);
  CHECK((*alarms)[0].source == "node:" + s.sibling.id());
}

TEST_CASE("requests: forged, impersonating, unknown, revoked, stale and replayed are recorded") {
  SecureHub s;
  const Bytes have = *HaveSummary().Encode();
  const std::string body(have.begin(), have.end());

  SUBCASE("signed by one node, claiming another's id") {
    HubRequest request = s.Signed(s.village.key, "POST", "/v1/pull", body);
    request.auth.node = s.sibling.id();
    RequireRequestRefused(s, request, 401, kErrAuthSignature, s.sibling.id());
  }
  SUBCASE("a body other than the one signed") {
    HubRequest request = s.Signed(s.village.key, "POST", "/v1/pull", body);
    request.body += "x";
    RequireRequestRefused(s, request, 401, kErrAuthSignature, s.village.id());
  }
  SUBCASE("an unknown node") {
    SecretKey stranger = SecretKey::Generate();
    RequireRequestRefused(s, s.Signed(stranger, "POST", "/v1/pull", body), 403,
                          kErrServeUnknownNode, NodeIdHex(stranger.node_id()));
  }
  SUBCASE("a revoked node, retired or compromised") {
    s.RevokeKey(s.village, RevocationReason::kRetired);
    RequireRequestRefused(s, s.Signed(s.village.key, "POST", "/v1/pull", body), 403,
                          kErrServeRevokedNode, s.village.id());
    // A revoked node cannot push either, whatever it carries.
    Result<Bytes> batch = EncodeBatch({s.sibling.Next("s1")});
    REQUIRE(batch.ok());
    RequireRequestRefused(
        s, s.Signed(s.village.key, "POST", "/v1/push", std::string(batch->begin(), batch->end())),
        403, kErrServeRevokedNode, s.village.id());
    CHECK(s.RefusedCodes(s.sibling.signed_envelopes.back()).empty());
  }
  SUBCASE("a request too far from the hub's clock") {
    HubRequest request = s.Signed(s.village.key, "POST", "/v1/pull", body);
    s.now += kMaxRequestClockSkewMs + 1;
    RequireRequestRefused(s, request, 401, kErrAuthClock, s.village.id());
    // The refusal tells the hub's time, against which the node signs again.
    HubRequest late = s.Signed(s.village.key, "POST", "/v1/pull", body);
    s.now += 3 * kMaxRequestClockSkewMs;
    HubAnswer refused = s.Send(late);
    CHECK(refused.status == 401);
    CHECK(refused.headers[kResponseHubTimeHeader] == std::to_string(s.now));
  }
  SUBCASE("unsigned, and a malformed node id kept printable") {
    HubRequest request;
    request.method = "POST";
    request.path = request.target = "/v1/pull";
    request.body = body;
    RequireRequestRefused(s, request, 401, kErrAuthMissing, "");
    request = s.Signed(s.village.key, "POST", "/v1/pull", body);
    request.auth.node = "\x1b[31m not hex";
    RequireRequestRefused(s, request, 401, kErrAuthMalformed, "?[31m not hex");
  }
  // Every refusal is counted in /metrics by its code.
  HubAnswer metrics = s.Send(s.Signed(s.township.key, "GET", "/metrics"));
  REQUIRE(metrics.status == 200);
  CHECK(metrics.body.find("gongkai_hub_requests_refused_total{code=\"") != std::string::npos);
}

TEST_CASE("metrics count refused requests by code") {
  SecureHub s;
  const Bytes have = *HaveSummary().Encode();
  const std::string body(have.begin(), have.end());
  HubRequest request = s.Signed(s.village.key, "POST", "/v1/pull", body);
  REQUIRE(s.Send(request).status == 200);
  CHECK(s.Send(request).status == 401);
  CHECK(s.Send(request).status == 401);
  CHECK(s.Send(s.Signed(SecretKey::Generate(), "POST", "/v1/pull", body)).status == 403);
  HubAnswer metrics = s.Send(s.Signed(s.township.key, "GET", "/metrics"));
  REQUIRE(metrics.status == 200);
  CHECK(metrics.body.find("gongkai_hub_requests_refused_total{code=\"auth.replay\"} 2\n") !=
        std::string::npos);
  CHECK(metrics.body.find("gongkai_hub_requests_refused_total{code=\"serve.unknown_node\"} 1\n") !=
        std::string::npos);
  CHECK(s.Count("SELECT count(*) FROM refused_request") == 3);
}

}  // namespace
}  // namespace gongkai::testing
