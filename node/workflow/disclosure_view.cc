#include "node/workflow/disclosure_view.h"

#include <algorithm>
#include <map>
#include <set>

#include "node/intake/calendar.h"
#include "node/intake/sheet_dates.h"
#include "node/replica/sql.h"
#include "protocol/hlc.h"
#include "protocol/region.h"

namespace gongkai {

namespace {

constexpr struct {
  DisclosureStatus status;
  std::string_view name;
  std::string_view label;
} kStatuses[] = {
    {DisclosureStatus::kDraft, "draft", "草稿"},
    {DisclosureStatus::kSubmitted, "submitted", "已提交待审核"},
    {DisclosureStatus::kReturned, "returned", "已退回"},
    {DisclosureStatus::kApproved, "approved", "已审核通过"},
    {DisclosureStatus::kWithdrawn, "withdrawn", "已撤回"},
    {DisclosureStatus::kSuperseded, "superseded", "已被新版本取代"},
};

Status LoadVersions(sqlite3* db, DisclosureState& state) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "SELECT version_id, parent_version, category, title, period, body,"
                         " publicity_from, publicity_to, item_count, content_hash, author,"
                         " origin, hlc, region FROM disclosure_version WHERE disclosure_id = ?"
                         " ORDER BY hlc, version_id"));
  stmt.Bind(1, state.id);
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    VersionFact v;
    v.version_id = stmt.ColumnText(0);
    v.parent_version = stmt.ColumnText(1);
    v.category = stmt.ColumnText(2);
    v.title = stmt.ColumnText(3);
    v.period = stmt.ColumnText(4);
    v.body = stmt.ColumnText(5);
    v.publicity_from = stmt.ColumnText(6);
    v.publicity_to = stmt.ColumnText(7);
    v.item_count = stmt.ColumnInt(8);
    v.content_hash = stmt.ColumnText(9);
    v.author = stmt.ColumnText(10);
    v.origin = stmt.ColumnText(11);
    v.hlc = static_cast<uint64_t>(stmt.ColumnInt(12));
    v.region = stmt.ColumnText(13);
    state.versions.push_back(std::move(v));
  }
  return Status::Ok();
}

Status LoadReviews(sqlite3* db, DisclosureState& state) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "SELECT review_id, version_id, stage, decision, comment, reviewer,"
                         " origin, hlc, region FROM review WHERE disclosure_id = ?"
                         " ORDER BY hlc, review_id"));
  stmt.Bind(1, state.id);
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ReviewFact r;
    r.review_id = stmt.ColumnText(0);
    r.version_id = stmt.ColumnText(1);
    r.stage = stmt.ColumnText(2);
    r.decision = stmt.ColumnText(3);
    r.comment = stmt.ColumnText(4);
    r.reviewer = stmt.ColumnText(5);
    r.origin = stmt.ColumnText(6);
    r.hlc = static_cast<uint64_t>(stmt.ColumnInt(7));
    r.region = stmt.ColumnText(8);
    for (VersionFact& v : state.versions) {
      // A review names a version of this disclosure; one that names another is ignored
      // (it cannot change the status of a version it does not name), and so is one written
      // outside the version's region (by a township that is not the village's).
      if (v.version_id == r.version_id && v.region == r.region) {
        v.reviews.push_back(std::move(r));
        break;
      }
    }
  }
  return Status::Ok();
}

Status LoadWithdrawalsAndPostings(sqlite3* db, DisclosureState& state) {
  GK_ASSIGN_OR_RETURN(Statement w,
                      Statement::Prepare(db,
                                         "SELECT withdrawal_id, version_id, reason, author, origin,"
                                         " hlc, region FROM withdrawal WHERE disclosure_id = ?"
                                         " ORDER BY hlc, withdrawal_id"));
  w.Bind(1, state.id);
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, w.Step());
    if (!row) break;
    state.withdrawals.push_back({w.ColumnText(0), w.ColumnText(1), w.ColumnText(2), w.ColumnText(3),
                                 w.ColumnText(4), static_cast<uint64_t>(w.ColumnInt(5)),
                                 w.ColumnText(6)});
  }
  GK_ASSIGN_OR_RETURN(Statement p,
                      Statement::Prepare(db,
                                         "SELECT posting_id, version_id, posted_by, copies, origin,"
                                         " hlc FROM posting WHERE disclosure_id = ?"
                                         " ORDER BY hlc, posting_id"));
  p.Bind(1, state.id);
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, p.Step());
    if (!row) break;
    state.postings.push_back({p.ColumnText(0), p.ColumnText(1), p.ColumnText(2), p.ColumnInt(3),
                              p.ColumnText(4), static_cast<uint64_t>(p.ColumnInt(5))});
  }
  return Status::Ok();
}

}  // namespace

std::string_view StatusName(DisclosureStatus status) {
  for (const auto& s : kStatuses) {
    if (s.status == status) return s.name;
  }
  return "?";
}

std::string_view StatusLabel(DisclosureStatus status) {
  for (const auto& s : kStatuses) {
    if (s.status == status) return s.label;
  }
  return "?";
}

Result<DisclosureStatus> ParseStatus(std::string_view name) {
  for (const auto& s : kStatuses) {
    if (s.name == name) return s.status;
  }
  return Status::Invalid(kErrWorkflowInput,
                         "status must be draft, submitted, returned, approved, withdrawn or "
                         "superseded");
}

const ReviewFact* VersionFact::LatestReview(std::string_view stage) const {
  const ReviewFact* latest = nullptr;
  for (const ReviewFact& r : reviews) {
    if (r.stage == stage) latest = &r;  // reviews are in hlc order
  }
  return latest;
}

const VersionFact* DisclosureState::current() const {
  if (current_index_ < 0) return nullptr;
  return &versions[static_cast<size_t>(current_index_)];
}

const VersionFact* DisclosureState::FindVersion(std::string_view version_id) const {
  for (const VersionFact& v : versions) {
    if (v.version_id == version_id) return &v;
  }
  return nullptr;
}

Result<std::optional<DisclosureState>> LoadDisclosure(sqlite3* db, std::string_view disclosure_id) {
  DisclosureState state;
  state.id = std::string(disclosure_id);
  GK_RETURN_IF_ERROR(LoadVersions(db, state));
  GK_ASSIGN_OR_RETURN(state.draft, LoadDraft(db, disclosure_id));
  if (state.versions.empty() && !state.draft) return std::optional<DisclosureState>();
  GK_RETURN_IF_ERROR(LoadReviews(db, state));
  GK_RETURN_IF_ERROR(LoadWithdrawalsAndPostings(db, state));

  // (region, parent): a version supersedes only a parent of its own region.
  std::set<std::pair<std::string, std::string>> parents;
  for (const VersionFact& v : state.versions) {
    if (!v.parent_version.empty()) parents.emplace(v.region, v.parent_version);
  }
  auto withdrawn_in = [&state](std::string_view region) {
    return std::any_of(state.withdrawals.begin(), state.withdrawals.end(),
                       [region](const WithdrawalFact& w) { return w.region == region; });
  };
  int leaves = 0;
  for (size_t i = 0; i < state.versions.size(); ++i) {
    VersionFact& v = state.versions[i];
    if (parents.count({v.region, v.version_id}) > 0) {
      v.status = DisclosureStatus::kSuperseded;
      continue;
    }
    ++leaves;
    state.current_index_ = static_cast<int>(i);  // versions are in hlc order: the last leaf
    if (withdrawn_in(v.region)) {
      v.status = DisclosureStatus::kWithdrawn;
    } else if (const ReviewFact* r = v.LatestReview("township")) {
      v.status =
          r->decision == "approve" ? DisclosureStatus::kApproved : DisclosureStatus::kReturned;
    } else {
      v.status = DisclosureStatus::kSubmitted;
    }
  }
  // Every version has a parent inside the set except the first: a second root, or a parent
  // that two versions name, leaves two leaves.
  state.conflict = leaves > 1;
  if (const VersionFact* current = state.current()) {
    state.region = current->region;
    state.title = current->title;
    state.period = current->period;
    state.status = current->status;
    GK_ASSIGN_OR_RETURN(state.category, ParseCategory(current->category));
  } else {
    state.status = DisclosureStatus::kDraft;
    state.title = state.draft->title;
    state.period = state.draft->period;
    state.category = state.draft->category;
  }
  if (withdrawn_in(state.region)) state.status = DisclosureStatus::kWithdrawn;
  if (state.draft) {
    // A local draft always shows the title a person is working on.
    state.title = state.draft->title;
  }
  return std::optional<DisclosureState>(std::move(state));
}

Result<std::vector<DisclosureState>> ListDisclosures(sqlite3* db, const ListFilter& filter) {
  if (!filter.region.empty()) GK_RETURN_IF_ERROR(ValidateRegion(filter.region));
  // Ids with their latest activity, newest first.
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "SELECT id, MAX(t) AS t FROM ("
                         " SELECT disclosure_id AS id, hlc AS t FROM disclosure_version"
                         " UNION ALL SELECT disclosure_id, hlc FROM review"
                         " UNION ALL SELECT disclosure_id, hlc FROM withdrawal"
                         " UNION ALL SELECT id, updated_at << 16 FROM draft)"
                         " WHERE id IN (SELECT disclosure_id FROM disclosure_version"
                         "              UNION SELECT id FROM draft)"
                         " GROUP BY id ORDER BY t DESC, id"));
  std::vector<DisclosureState> out;
  std::vector<std::string> ids;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ids.push_back(stmt.ColumnText(0));
  }
  for (const std::string& id : ids) {
    GK_ASSIGN_OR_RETURN(std::optional<DisclosureState> state, LoadDisclosure(db, id));
    if (!state) continue;
    if (filter.status && state->status != *filter.status) continue;
    if (filter.category && state->category != *filter.category) continue;
    if (!filter.region.empty() && !state->region.empty() &&
        !IsWithin(state->region, filter.region)) {
      continue;
    }
    out.push_back(std::move(*state));
  }
  return out;
}

Result<const VersionFact*> FindVersionByPrefix(const DisclosureState& state,
                                               std::string_view prefix) {
  const VersionFact* found = nullptr;
  for (const VersionFact& v : state.versions) {
    if (v.version_id.compare(0, prefix.size(), prefix) != 0) continue;
    if (found != nullptr) {
      return Status::Invalid(kErrWorkflowAmbiguous,
                             "version prefix " + std::string(prefix) + " names more than one");
    }
    found = &v;
  }
  if (found == nullptr || prefix.empty()) {
    return Status::NotFound(kErrWorkflowNotFound,
                            "no version " + std::string(prefix) + " in disclosure " + state.id);
  }
  return found;
}

std::string HlcBeijingTime(uint64_t hlc) {
  return BeijingDate(hlc).ToString() + " " + BeijingClock(hlc);
}

}  // namespace gongkai
