// Test support for hub/county/county.h: a county home in a private temporary folder with a fixed
// wall clock and fast key derivation, and requests from new node keys.
#ifndef GONGKAI_TESTS_HUB_COUNTY_FIXTURE_H_
#define GONGKAI_TESTS_HUB_COUNTY_FIXTURE_H_

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "hub/county/county.h"
#include "node/replica/sql.h"
#include "protocol/certificate_file.h"
#include "protocol/enrolment_request.h"
#include "protocol/key_file.h"
#include "protocol/temp_dir.h"

namespace gongkai::testing {

inline constexpr char kCountyCode[] = "511304";
inline constexpr char kCountyName[] = "南充市嘉陵区";
inline constexpr char kPassphrase[] = "嘉陵 root 口令 2026";
inline constexpr uint64_t kHubWallMs = 1'790'000'000'000;

inline CountyOptions FixedClock() {
  CountyOptions options;
  options.wall_clock_ms = [] { return kHubWallMs; };
  return options;
}

inline County MakeCounty(const std::filesystem::path& home) {
  Result<County> county =
      InitCounty(home, kCountyCode, kCountyName, kPassphrase, kKdfInteractive, FixedClock());
  INFO(county.status().ToString());
  REQUIRE(county.ok());
  return std::move(*county);
}

// A hub home at dir/hub.
struct HubHome {
  TempDir dir;
  std::filesystem::path home = dir.path() / "hub";
  County county = MakeCounty(home);

  int64_t Count(const std::string& sql) {
    auto n = QueryInt(county.replica().db(), sql);
    REQUIRE(n.ok());
    return n->value_or(0);
  }
  int64_t JournalCount() { return Count("SELECT count(*) FROM journal"); }
  // The county's own envelopes, in sequence order.
  std::vector<Bytes> Envelopes() {
    auto stmt = Statement::Prepare(county.replica().db(),
                                   "SELECT bytes FROM journal WHERE origin=? ORDER BY seq");
    REQUIRE(stmt.ok());
    stmt->Bind(1, NodeIdHex(county.hub_key().node_id()));
    std::vector<Bytes> out;
    while (*stmt->Step()) out.push_back(stmt->ColumnBlob(0));
    return out;
  }
};

inline Bytes RequestOf(const SecretKey& key, std::string_view region, std::string_view name) {
  Result<Bytes> request = MakeEnrolmentRequest(key, region, name, kHubWallMs);
  REQUIRE(request.ok());
  return *request;
}

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_HUB_COUNTY_FIXTURE_H_
