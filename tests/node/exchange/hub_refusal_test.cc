#include "node/exchange/hub_refusal.h"

#include <doctest/doctest.h>

#include "node/replica/apply.h"
#include "node/replica/changeset_rows.h"
#include "node/replica/sql.h"
#include "protocol/chain.h"
#include "protocol/envelope.h"
#include "protocol/inspect.h"
#include "protocol/schema.h"
#include "protocol/sqlite_handles.h"

namespace gongkai {
namespace {

const std::string kId(64, 'a');
const std::string kOther(64, 'b');

SqliteDb OpenDb() {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(":memory:", &raw) == SQLITE_OK);
  return SqliteDb(raw);
}

TEST_CASE("only causes that can go away make a refusal worth offering again") {
  CHECK_FALSE(IsPermanentRefusal(kErrApplyUnknownSigner));
  CHECK_FALSE(IsPermanentRefusal(kErrSchemaMismatch));
  CHECK_FALSE(IsPermanentRefusal(kErrInspectUnknownTable));
  CHECK_FALSE(IsPermanentRefusal(kErrSchemaUnknownTable));
  CHECK(IsPermanentRefusal(kErrEnvelopeSignature));
  CHECK(IsPermanentRefusal(kErrChainEquivocation));
  CHECK(IsPermanentRefusal(kErrInspectScope));
  CHECK(IsPermanentRefusal(kErrApplyRevoked));
  CHECK(IsPermanentRefusal("hub.revoked_retired"));
  CHECK(IsPermanentRefusal(kErrApplyRowConflict));
}

TEST_CASE("refusals are recorded, counted again, listed and forgotten") {
  SqliteDb db = OpenDb();
  CHECK(ListHubRefusals(db.get())->empty());  // no table yet: nothing refused
  REQUIRE(EnsureHubRefusalTable(db.get()).ok());
  REQUIRE(RecordHubRefusal(db.get(), kId, kErrChainEquivocation, "一号两包", 10).ok());
  REQUIRE(RecordHubRefusal(db.get(), kOther, kErrApplyUnknownSigner, "未知", 11).ok());
  REQUIRE(RecordHubRefusal(db.get(), kId, kErrChainEquivocation, "一号两包", 12).ok());
  Result<std::vector<HubRefusal>> all = ListHubRefusals(db.get());
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].envelope_id == kId);  // most recent first
  CHECK((*all)[0].permanent);
  CHECK((*all)[0].times == 2);
  CHECK((*all)[0].first_at == 10);
  CHECK((*all)[0].last_at == 12);
  CHECK_FALSE((*all)[1].permanent);
  REQUIRE(ForgetHubRefusal(db.get(), kId).ok());
  CHECK(ListHubRefusals(db.get())->size() == 1);
}

TEST_CASE("a refusal message is kept up to its cap, cut at a character boundary") {
  SqliteDb db = OpenDb();
  REQUIRE(EnsureHubRefusalTable(db.get()).ok());
  std::string at_limit(kMaxHubRefusalMessageSize, 'x');
  REQUIRE(RecordHubRefusal(db.get(), kId, "x.y", at_limit, 1).ok());
  CHECK(ListHubRefusals(db.get())->at(0).message == at_limit);
  std::string past = std::string(kMaxHubRefusalMessageSize - 1, 'x') + "县";
  REQUIRE(RecordHubRefusal(db.get(), kId, "x.y", past, 2).ok());
  CHECK(ListHubRefusals(db.get())->at(0).message ==
        std::string(kMaxHubRefusalMessageSize - 1, 'x'));
}

}  // namespace
}  // namespace gongkai
