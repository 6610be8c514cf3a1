// The township reviewer's home: the queue of everything waiting for the township across
// its villages, oldest first, and an overview of the villages.
#include <algorithm>
#include <map>

#include "node/replica/sql.h"
#include "node/web/home_data.h"
#include "node/web/page_data.h"
#include "node/web/ui_app.h"
#include "node/workflow/finance_due.h"

namespace gongkai {

namespace {

struct VillageLine {
  uint64_t last_hlc = 0;
  int64_t waiting = 0;
  int64_t returned = 0;
  int64_t approved = 0;
};

// The villages of `township` this node holds a certificate for, revoked ones left out: the
// overview lists a village that has sent nothing yet, as that is the one most likely late.
Result<std::vector<std::string>> EnrolledVillages(sqlite3* db, const std::string& township) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "SELECT DISTINCT subject_region FROM certificate WHERE role = 'village'"
                         " AND substr(subject_region, 1, length(?1)) = ?1"
                         " AND node_id NOT IN (SELECT node_id FROM revocation)"
                         " ORDER BY subject_region"));
  stmt.Bind(1, township);
  std::vector<std::string> out;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back(stmt.ColumnText(0));
  }
  return out;
}

// The name of the node enrolled for `region` (its latest certificate), or the code itself.
std::string RegionName(sqlite3* db, const std::string& region) {
  Result<Statement> stmt = Statement::Prepare(
      db, "SELECT name FROM certificate WHERE subject_region = ? ORDER BY hlc DESC LIMIT 1");
  if (!stmt.ok()) return region;
  stmt->Bind(1, region);
  Result<bool> row = stmt->Step();
  if (!row.ok() || !*row) return region;
  return stmt->ColumnText(0);
}

uint64_t LatestFact(const DisclosureState& s) {
  uint64_t latest = 0;
  for (const VersionFact& v : s.versions) {
    latest = std::max(latest, v.hlc);
    for (const ReviewFact& r : v.reviews) latest = std::max(latest, r.hlc);
  }
  for (const PostingFact& p : s.postings) latest = std::max(latest, p.hlc);
  for (const WithdrawalFact& w : s.withdrawals) latest = std::max(latest, w.hlc);
  return latest;
}

void Home(UiApp& app, const httplib::Request& req, httplib::Response& res) {
  mstch::map ctx{{"title", std::string("乡镇审核 首页")}};
  Status status = app.WithNode([&](NodeSession& node) -> Status {
    const int64_t now = WallClockMs();
    ListFilter filter;
    filter.region = node.identity.region;
    GK_ASSIGN_OR_RETURN(std::vector<DisclosureState> all,
                        ListDisclosures(node.replica->db(), filter));
    std::vector<const DisclosureState*> queue;
    std::map<std::string, VillageLine> villages;
    GK_ASSIGN_OR_RETURN(std::vector<std::string> enrolled,
                        EnrolledVillages(node.replica->db(), node.identity.region));
    for (const std::string& region : enrolled) villages[region];
    GK_ASSIGN_OR_RETURN(const int64_t deadline_day, FinanceDeadlineDay(node));
    for (const DisclosureState& s : all) {
      if (s.region == node.identity.region || s.region.empty()) continue;  // the township's own
      VillageLine& v = villages[s.region];
      v.last_hlc = std::max(v.last_hlc, LatestFact(s));
      if (s.status == DisclosureStatus::kSubmitted) {
        queue.push_back(&s);
        ++v.waiting;
      }
      if (s.status == DisclosureStatus::kReturned) ++v.returned;
      if (s.status == DisclosureStatus::kApproved) ++v.approved;
    }
    std::sort(queue.begin(), queue.end(), [](const DisclosureState* a, const DisclosureState* b) {
      return a->current()->hlc < b->current()->hlc;
    });
    mstch::array queue_rows;
    for (const DisclosureState* s : queue) {
      mstch::map row = DisclosureSummary(*s, now);
      row["village"] = RegionName(node.replica->db(), s->region);
      queue_rows.push_back(row);
    }
    ctx["has_queue"] = !queue_rows.empty();
    ctx["queue"] = queue_rows;
    ctx["queue_count"] = std::to_string(queue_rows.size());
    mstch::array village_rows;
    for (const auto& [region, v] : villages) {
      const std::vector<std::string> late = LateFinancePeriods(all, region, deadline_day, now);
      std::string late_periods;
      for (const std::string& period : late) {
        late_periods += (late_periods.empty() ? "" : "、") + period + " 财务公开";
      }
      village_rows.push_back(mstch::map{{"region", region},
                                        {"village", RegionName(node.replica->db(), region)},
                                        {"heard", v.last_hlc != 0},
                                        {"last_heard", HlcBeijingTime(v.last_hlc)},
                                        {"last_age", AgeText(v.last_hlc, now)},
                                        {"late", std::to_string(late.size())},
                                        {"has_late", !late.empty()},
                                        {"late_periods", late_periods},
                                        {"waiting", std::to_string(v.waiting)},
                                        {"returned", std::to_string(v.returned)},
                                        {"has_returned", v.returned > 0},
                                        {"approved", std::to_string(v.approved)}});
    }
    ctx["has_villages"] = !village_rows.empty();
    ctx["villages"] = village_rows;
    GK_ASSIGN_OR_RETURN(ctx["sync"], SyncSummary(node));
    ctx["node_name"] = node.node_name;
    ctx["region"] = node.identity.region;
    return Status::Ok();
  });
  if (!status.ok()) return SendErrorPage(app, req, res, "message", std::move(ctx), status);
  SendPage(app, req, res, "township_home", std::move(ctx));
}

}  // namespace

void RegisterTownshipPages(UiApp& app, httplib::Server& server) {
  server.Get("/",
             [&app](const httplib::Request& req, httplib::Response& res) { Home(app, req, res); });
}

}  // namespace gongkai
