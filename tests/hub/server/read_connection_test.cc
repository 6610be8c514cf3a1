// Pulls answered on the hub's read connections: they do not wait for the writer, and they
// never hand out a checkpoint that leaves out what the log holds.
#include <doctest/doctest.h>

#include <algorithm>

#include "protocol/checkpoint.h"
#include "hub/log/log.h"
#include "node/replica/sql.h"
#include "protocol/have.h"
#include "tests/hub/security_fixture.h"

namespace gongkai::testing {
namespace {

// The envelopes of a pull answer, and the checkpoint note it came with.
struct Pulled {
  int status = 0;
  std::vector<Bytes> envelopes;
  std::string checkpoint;
};

Pulled PullAll(SecureHub& s, const SecretKey& key) {
  const Bytes have = *HaveSummary().Encode();
  HubAnswer answer = s.Send(s.Signed(key, "POST", "/v1/pull", std::string(have.begin(), have.end())));
  Pulled out;
  out.status = answer.status;
  INFO(answer.body);
  if (answer.status != 200) return out;
  Result<std::vector<ByteView>> batch = DecodeBatch(AsBytes(answer.body));
  REQUIRE(batch.ok());
  for (ByteView e : *batch) out.envelopes.emplace_back(e.begin(), e.end());
  Result<Bytes> note = Base64Decode(answer.headers[kCheckpointHeader]);
  REQUIRE(note.ok());
  out.checkpoint.assign(note->begin(), note->end());
  return out;
}

bool Holds(const Pulled& pulled, const Bytes& envelope) {
  return std::find(pulled.envelopes.begin(), pulled.envelopes.end(), envelope) !=
         pulled.envelopes.end();
}

std::string LatestNote(SecureHub& s) {
  Result<std::optional<CheckpointRecord>> latest =
      ReadLatestCheckpoint(s.hub.county.replica().db());
  REQUIRE(latest.ok());
  REQUIRE(latest->has_value());
  CHECK((*latest)->size == static_cast<uint64_t>(s.LogSize()));
  return (*latest)->note;
}

TEST_CASE("a pull is answered while another connection holds the county replica's writer") {
  SecureHub s;
  const Bytes pushed = s.sibling.Next("r1");
  REQUIRE(s.PushOne(s.sibling.key, pushed).outcome == "applied");
  // The office's own connection (as `gongkai-hub enrol` run while the hub serves) takes the
  // write lock and keeps it.
  sqlite3* office = s.hub.county.replica().db();
  REQUIRE(ExecSql(office, "BEGIN IMMEDIATE").ok());
  const Pulled pulled = PullAll(s, s.township.key);
  REQUIRE(ExecSql(office, "ROLLBACK").ok());
  CHECK(pulled.status == 200);
  CHECK(Holds(pulled, pushed));
  CHECK(pulled.checkpoint == LatestNote(s));
}

TEST_CASE("a pull whose snapshot holds log entries no checkpoint covers gets one that does") {
  SecureHub s;
  // A revocation held at the office, then logged by another connection without a checkpoint.
  s.RevokeUnlogged(s.sibling, RevocationReason::kRetired);
  Result<HubLog> log = HubLog::Open(s.hub.county.replica(), s.hub.county.hub_key(),
                                    CountyLogOrigin(s.hub.county.code()));
  REQUIRE(log.ok());
  const int64_t size = s.LogSize();
  Result<uint64_t> appended = log->AppendMissing();
  REQUIRE(appended.ok());
  REQUIRE(*appended == 1);
  REQUIRE(s.LogSize() == size + 1);
  const Pulled pulled = PullAll(s, s.township.key);
  REQUIRE(pulled.status == 200);
  CHECK(pulled.checkpoint == LatestNote(s));
}

}  // namespace
}  // namespace gongkai::testing
