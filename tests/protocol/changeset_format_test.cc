#include "protocol/changeset_format.h"

#include <doctest/doctest.h>

#include <string>

#include "changeset_fixture.h"

namespace gongkai {
namespace {

using namespace testing;  // NOLINT: test fixtures

std::string CodeOf(const Bytes& bytes, size_t max = 100) {
  return ScanChangeset(bytes, max).status().code();
}

// A header for table "t" with two columns, the first the primary key.
Bytes Header() { return Bytes{'T', 2, 1, 0, 't', 0}; }

Bytes With(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST_CASE("changesets made by SQLite are well framed, and counted") {
  SourceDb source;
  source.Run(InsertVersion("v1", kVillageId, kVillage) + InsertItem("v1", 1, kVillageId, kVillage) +
             InsertItem("v1", 2, kVillageId, kVillage) +
             InsertReview("r1", "supervision", kVillageId, kVillage));
  const Bytes bytes = source.Changeset();
  CHECK(*ScanChangeset(bytes, 100) == 4);
  CHECK(*ScanChangeset(bytes, 4) == 4);
  CHECK(ScanChangeset(bytes, 3).status().code() == kErrChangesetTooMany);
  CHECK(*ScanChangeset(Bytes{}, 100) == 0);
}

TEST_CASE("hand-built records of every value type") {
  // INSERT (18), direct, values: integer 7, text "ab".
  const Bytes insert = {18, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 7, 0x03, 2, 'a', 'b'};
  CHECK(*ScanChangeset(With(Header(), insert), 100) == 1);
  // DELETE (9) with a real and a blob; UPDATE (23) with old and new records, absent + NULL.
  const Bytes del = {9, 1, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0x04, 1, 0xff};
  const Bytes update = {23, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0x00, 0x05};
  CHECK(*ScanChangeset(With(With(With(Header(), insert), del), update), 100) == 3);
  // A second table, and a header with no change after it.
  CHECK(*ScanChangeset(With(With(With(Header(), insert), Header()), insert), 100) == 2);
  CHECK(*ScanChangeset(Header(), 100) == 0);
  // A two-byte varint length.
  Bytes long_text = {18, 0, 0x05, 0x03, 0x81, 0x00};
  long_text.resize(long_text.size() + 128, 'x');
  CHECK(*ScanChangeset(With(Header(), long_text), 100) == 1);
}

TEST_CASE("inputs that make SQLite 3.40.1 hang or over-read are refused") {
  // Each of these made sqlite3changeset_next spin forever (no NUL after the table name).
  CHECK(CodeOf(Bytes{'T'}) == kErrChangesetMalformed);
  CHECK(CodeOf(Bytes{'T', 'T'}) == kErrChangesetMalformed);
  CHECK(CodeOf(Bytes{'T', 5, 1}) == kErrChangesetMalformed);
  CHECK(CodeOf(Bytes{'T', 2, 1, 0, 't'}) == kErrChangesetMalformed);
  // A record cut inside an integer, a length, or right after the operation.
  CHECK(CodeOf(With(Header(), {18, 0, 0x01, 0, 0})) == kErrChangesetMalformed);
  CHECK(CodeOf(With(Header(), {18, 0, 0x03})) == kErrChangesetMalformed);
  CHECK(CodeOf(With(Header(), {18, 0, 0x03, 5, 'a'})) == kErrChangesetMalformed);
  CHECK(CodeOf(With(Header(), {18})) == kErrChangesetMalformed);
  CHECK(CodeOf(With(Header(), {18, 0, 0x05})) == kErrChangesetMalformed);  // 1 of 2 values
}

TEST_CASE("each framing rule") {
  CHECK(CodeOf(Bytes{0xff}) == kErrChangesetMalformed);               // not a header
  CHECK(CodeOf(Bytes{18, 0, 0x05}) == kErrChangesetMalformed);        // change before header
  CHECK(CodeOf(Bytes{'P', 1, 1, 't', 0}) == kErrChangesetMalformed);  // patchset
  CHECK(CodeOf(Bytes{'T', 0, 't', 0}) == kErrChangesetMalformed);     // no columns
  CHECK(CodeOf(Bytes{'T', 1, 1, 0}) == kErrChangesetMalformed);       // empty name
  CHECK(CodeOf(Bytes{'T', 0xff, 0xff, 0xff, 0xff, 0x7f}) == kErrChangesetMalformed);  // varint
  CHECK(CodeOf(With(Header(), {7, 0, 0x05, 0x05})) == kErrChangesetMalformed);        // op
  CHECK(CodeOf(With(Header(), {18, 2, 0x05, 0x05})) == kErrChangesetMalformed);       // indirect
  CHECK(CodeOf(With(Header(), {18, 0, 0x06, 0x05})) == kErrChangesetMalformed);       // type
  CHECK(CodeOf(With(Header(), {18, 0, 0x05, 0x05})) == "");
  // Column count at the limit and one past.
  Bytes wide = {'T', static_cast<uint8_t>(kMaxChangesetColumns)};
  wide.resize(wide.size() + kMaxChangesetColumns, 0);
  wide.push_back('t');
  wide.push_back(0);
  CHECK(CodeOf(wide) == "");
  Bytes wider = {'T', static_cast<uint8_t>(kMaxChangesetColumns + 1)};
  wider.resize(wider.size() + kMaxChangesetColumns + 1, 0);
  wider.push_back('t');
  wider.push_back(0);
  CHECK(CodeOf(wider) == kErrChangesetMalformed);
  // Table name at the limit and one past.
  Bytes named = {'T', 1, 1};
  named.resize(named.size() + kMaxChangesetTableName, 'n');
  named.push_back(0);
  CHECK(CodeOf(named) == "");
  named.back() = 'n';
  named.push_back(0);
  CHECK(CodeOf(named) == kErrChangesetMalformed);
  const Status s = ScanChangeset(With(Header(), {18, 0, 0x06, 0x05}), 10).status();
  CHECK(s.message() == "malformed changeset at byte 8: unknown value type 6");
}

}  // namespace
}  // namespace gongkai
