// Test support: writers of disclosure rows (disclosure_version, disclosure_item, review,
// withdrawal) for captures on the replica_fixture nodes, and delivery of envelopes.
#ifndef GONGKAI_TESTS_NODE_DISCLOSURE_ROWS_H_
#define GONGKAI_TESTS_NODE_DISCLOSURE_ROWS_H_

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "node/replica/capture.h"
#include "node/replica/sql.h"
#include "node/workflow/workflow.h"
#include "protocol/certificate.h"
#include "protocol/sha256.h"
#include "tests/node/replica_fixture.h"

namespace gongkai::testing {

// A 32-hex id made from `seed` (ids are random in real use; fixed here so tests read well).
inline std::string TestId(std::string_view seed) { return HashHex(Sha256(seed)).substr(0, 32); }

struct VersionSpec {
  std::string version_id;
  std::string disclosure_id;
  std::string parent_version;
  std::string category = "affairs";
  std::string title = "关于村道硬化工程的公告";
  std::string period = "2026Q3";
  std::string body = R"({"attachments":[],"headers":[],"text":"正文"})";
  std::string publicity_from = "2026-09-21";
  std::string publicity_to = "2026-09-30";
  int64_t item_count = 0;
  std::string content_hash;  // "" = the ContentHash of the fields and items written
  std::string author = "赵文书";
};

inline VersionSpec NewVersion(std::string_view seed, std::string_view disclosure_seed) {
  VersionSpec spec;
  spec.version_id = TestId(seed);
  spec.disclosure_id = TestId(disclosure_seed);
  return spec;
}

// Writes the version row; its content hash is computed from `items` unless the spec gives
// one.
inline Status InsertVersionRow(sqlite3* db, const CaptureStamp& stamp, std::string_view region,
                               const VersionSpec& v, const std::vector<std::string>& items = {}) {
  const std::string hash = !v.content_hash.empty()
                               ? v.content_hash
                               : ContentHash(v.disclosure_id, v.category, v.title, v.period, v.body,
                                             v.publicity_from, v.publicity_to, items);
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "INSERT INTO disclosure_version VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, "
                         "?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, v.version_id)
      .Bind(2, v.disclosure_id)
      .Bind(3, v.parent_version)
      .Bind(4, v.category)
      .Bind(5, v.title)
      .Bind(6, v.period)
      .Bind(7, v.body)
      .Bind(8, v.publicity_from)
      .Bind(9, v.publicity_to)
      .Bind(10, v.item_count)
      .Bind(11, hash)
      .Bind(12, v.author)
      .Bind(13, stamp.origin)
      .Bind(14, static_cast<int64_t>(stamp.hlc))
      .Bind(15, region);
  return stmt.Run();
}

inline Status InsertItemRow(sqlite3* db, const CaptureStamp& stamp, std::string_view region,
                            std::string_view version_id, int64_t line, std::string_view data) {
  GK_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db,
                                                         "INSERT INTO disclosure_item "
                                                         "VALUES(?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, version_id)
      .Bind(2, line)
      .Bind(3, data)
      .Bind(4, stamp.origin)
      .Bind(5, static_cast<int64_t>(stamp.hlc))
      .Bind(6, region);
  return stmt.Run();
}

struct ReviewSpec {
  std::string review_id;
  std::string version_id;
  std::string disclosure_id;
  std::string stage = "township";
  std::string decision = "approve";
  std::string comment;
  std::string reviewer = "孙审核";
};

inline ReviewSpec ReviewOf(const VersionSpec& v, std::string_view seed, std::string stage,
                           std::string decision) {
  ReviewSpec r;
  r.review_id = TestId(seed);
  r.version_id = v.version_id;
  r.disclosure_id = v.disclosure_id;
  r.stage = std::move(stage);
  r.decision = std::move(decision);
  return r;
}

inline Status InsertReviewRow(sqlite3* db, const CaptureStamp& stamp, std::string_view region,
                              const ReviewSpec& r) {
  GK_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db,
                                                         "INSERT INTO review "
                                                         "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, r.review_id)
      .Bind(2, r.version_id)
      .Bind(3, r.disclosure_id)
      .Bind(4, r.stage)
      .Bind(5, r.decision)
      .Bind(6, r.comment)
      .Bind(7, r.reviewer)
      .Bind(8, stamp.origin)
      .Bind(9, static_cast<int64_t>(stamp.hlc))
      .Bind(10, region);
  return stmt.Run();
}

inline Status InsertWithdrawalRow(sqlite3* db, const CaptureStamp& stamp, std::string_view region,
                                  const VersionSpec& v, std::string_view seed,
                                  std::string_view reason) {
  GK_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db,
                                                         "INSERT INTO withdrawal "
                                                         "VALUES(?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, TestId(seed))
      .Bind(2, v.disclosure_id)
      .Bind(3, v.version_id)
      .Bind(4, reason)
      .Bind(5, "赵文书")
      .Bind(6, stamp.origin)
      .Bind(7, static_cast<int64_t>(stamp.hlc))
      .Bind(8, region);
  return stmt.Run();
}

// Captures `writes` on `from` and applies the envelope on each of `to`, whose clocks observe
// its HLC.
inline void WriteAndDeliver(TestNode& from, const CaptureWrites& writes,
                            std::initializer_list<TestNode*> to) {
  auto captured = from.Write(writes);
  INFO(captured.status().ToString());
  REQUIRE(captured.ok());
  for (TestNode* node : to) {
    auto applied = node->Receive(captured->bytes);
    INFO(applied.status().ToString());
    REQUIRE(applied.ok());
    node->clock->Observe(captured->hlc);  // as sync does: later writes order after it
  }
}

// The county enrols a machine named `name` for `region` (beside the fixture's machines,
// named "county", "township", "village"), revoked at once when `revoke`, and the
// certificate (and revocation) rows reach each of `to`.
inline void EnrolNamed(TestCounty& c, Role role, std::string region, std::string name,
                       std::initializer_list<TestNode*> to, bool revoke = false) {
  TestNode machine;
  machine.role = role;
  machine.region = std::move(region);
  const Bytes body = IssueCertificate(c.root, machine, std::move(name));
  Bytes revocation_body;
  if (revoke) {
    Revocation revocation;
    revocation.subject = machine.key.node_id();
    revocation.reason = RevocationReason::kRetired;
    auto signed_body = SignRevocation(revocation, c.root);
    REQUIRE(signed_body.ok());
    revocation_body = *signed_body;
  }
  WriteAndDeliver(
      *c.county,
      [&](sqlite3* db, const CaptureStamp& s) -> Status {
        GK_RETURN_IF_ERROR(InsertCertificate(db, s, c.root.public_key(), body));
        if (!revoke) return Status::Ok();
        GK_ASSIGN_OR_RETURN(Statement stmt,
                            Statement::Prepare(db,
                                               "INSERT INTO revocation VALUES(?, ?, "
                                               "'retired', ?, ?, ?, ?)"));
        stmt.Bind(1, HashHex(Sha256(revocation_body)))
            .Bind(2, NodeIdHex(machine.key.node_id()))
            .Bind(3, ByteView(revocation_body))
            .Bind(4, s.origin)
            .Bind(5, static_cast<int64_t>(s.hlc))
            .Bind(6, kCounty);
        return stmt.Run();
      },
      to);
}

// Real names for the fixture's places: 嘉陵区, 龙蟠镇, 石庙村 (and 青山村 for the sibling).
inline void EnrolPlaceNames(TestCounty& c, std::initializer_list<TestNode*> to) {
  EnrolNamed(c, Role::kCounty, kCounty, "嘉陵区 政务公开办", to);
  EnrolNamed(c, Role::kTownship, kTownship, "嘉陵区龙蟠镇 经管站", to);
  EnrolNamed(c, Role::kVillage, kVillage, "嘉陵区龙蟠镇石庙村 村委会", to);
  EnrolNamed(c, Role::kVillage, kSiblingVillage, "青山村", to);
}

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_NODE_DISCLOSURE_ROWS_H_
