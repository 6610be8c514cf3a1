// The table of refused requests (hub/log/refused_request.h); the hub's use of it is proven in
// security_test.cc.
#include "hub/log/refused_request.h"

#include <doctest/doctest.h>

#include "node/replica/sql.h"
#include "protocol/sqlite_handles.h"

namespace gongkai {
namespace {

struct Db {
  SqliteDb db;
  Db() {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(":memory:", &raw) == SQLITE_OK);
    db = SqliteDb(raw);
    REQUIRE(EnsureRefusedRequestTable(db.get()).ok());
    REQUIRE(EnsureRefusedRequestTable(db.get()).ok());  // again: no change
  }
  std::vector<RefusedRequest> All() {
    auto rows = ListRefusedRequests(db.get(), 0, kMaxRefusedRequestsListed);
    REQUIRE(rows.ok());
    return *rows;
  }
};

TEST_CASE("a refused request is recorded as sent, printable and cut to its caps") {
  Db d;
  REQUIRE(RecordRefusedRequest(d.db.get(), 5, "00112233445566778899aabbccddeeff", "/v1/pull",
                               "auth.replay")
              .ok());
  const std::string long_node(kMaxRefusedRequestNodeSize + 1, 'a');
  const std::string long_path = "/" + std::string(kMaxRefusedRequestPathSize, 'p');
  REQUIRE(RecordRefusedRequest(d.db.get(), 6, long_node, long_path, "auth.malformed").ok());
  REQUIRE(RecordRefusedRequest(d.db.get(), 7, "\n\xe5\x8e\xbf", "/v1/\x7f", "auth.missing").ok());
  std::vector<RefusedRequest> rows = d.All();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].received_ms == 5);
  CHECK(rows[0].node_id == "00112233445566778899aabbccddeeff");
  CHECK(rows[0].path == "/v1/pull");
  CHECK(rows[0].code == "auth.replay");
  CHECK(rows[1].node_id == std::string(kMaxRefusedRequestNodeSize, 'a'));
  CHECK(rows[1].path.size() == kMaxRefusedRequestPathSize);
  CHECK(rows[2].node_id == "????");
  CHECK(rows[2].path == "/v1/?");
}

TEST_CASE("the table keeps at most max_rows rows, dropping the oldest") {
  Db d;
  for (int n = 1; n <= 3; ++n) {
    REQUIRE(RecordRefusedRequest(d.db.get(), n, "", "/", "auth.missing", 3).ok());
  }
  CHECK(d.All().size() == 3);  // at the limit
  REQUIRE(RecordRefusedRequest(d.db.get(), 4, "", "/", "auth.missing", 3).ok());
  std::vector<RefusedRequest> rows = d.All();  // one past it
  REQUIRE(rows.size() == 3);
  CHECK(rows.front().received_ms == 2);
  CHECK(rows.back().received_ms == 4);
}

TEST_CASE("listing pages by id and refuses a limit outside 1..max") {
  Db d;
  for (int n = 1; n <= 5; ++n) {
    REQUIRE(RecordRefusedRequest(d.db.get(), n, "", "/", "auth.missing").ok());
  }
  auto page = ListRefusedRequests(d.db.get(), 2, 2);
  REQUIRE(page.ok());
  REQUIRE(page->size() == 2);
  CHECK((*page)[0].id == 3);
  CHECK(ListRefusedRequests(d.db.get(), 0, 0).status().code() == kErrRefusedRequestLimit);
  CHECK(ListRefusedRequests(d.db.get(), 0, kMaxRefusedRequestsListed + 1).status().code() ==
        kErrRefusedRequestLimit);
  CHECK(ListRefusedRequests(d.db.get(), 0, kMaxRefusedRequestsListed).ok());
}

}  // namespace
}  // namespace gongkai
