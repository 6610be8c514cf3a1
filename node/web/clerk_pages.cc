// The village clerk's home page: what needs doing now.
#include <cstdio>

#include "node/intake/calendar.h"
#include "node/web/home_data.h"
#include "node/web/page_data.h"
#include "node/web/ui_app.h"

namespace gongkai {

namespace {

// 公示期 ending within this many days are listed as due.
constexpr int64_t kPublicityDueDays = 3;

std::string BeijingToday(int64_t now_ms) {
  const int64_t days = (now_ms + 8 * 3'600'000) / 86'400'000;
  const CivilDate d = CivilFromDays(days);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", static_cast<int>(d.year),
                static_cast<int>(d.month), static_cast<int>(d.day));
  return text;
}

int64_t DaysUntil(const std::string& date, int64_t now_ms) {
  std::optional<CivilDate> d = ParseClerkDate(date, false, false);
  if (!d) return 0;
  return DaysFromCivil(*d) - (now_ms + 8 * 3'600'000) / 86'400'000;
}

void Home(UiApp& app, const httplib::Request& req, httplib::Response& res) {
  mstch::map ctx{{"title", std::string("村务公开 首页")}};
  Status status = app.WithNode([&](NodeSession& node) -> Status {
    const int64_t now = WallClockMs();
    GK_ASSIGN_OR_RETURN(std::vector<DisclosureState> all, ListDisclosures(node.replica->db(), {}));
    mstch::array drafts, waiting, returned, approved, due;
    for (const DisclosureState& s : all) {
      mstch::map line = DisclosureSummary(s, now);
      if (s.draft) drafts.push_back(line);
      switch (s.status) {
        case DisclosureStatus::kSubmitted:
          waiting.push_back(line);
          break;
        case DisclosureStatus::kReturned:
          if (!s.draft) returned.push_back(line);
          break;
        case DisclosureStatus::kApproved: {
          approved.push_back(line);
          const VersionFact* v = s.current();
          const int64_t left = DaysUntil(v->publicity_to, now);
          if (left >= 0 && left <= kPublicityDueDays) {
            mstch::map d = line;
            d["due_text"] =
                "公示期 " + v->publicity_to + " 结束（还有 " + std::to_string(left) + " 天）";
            due.push_back(d);
          }
          if (s.postings.empty()) {
            mstch::map d = line;
            d["due_text"] = std::string("已通过，尚未登记张贴：请打印并张贴");
            due.push_back(d);
          }
          break;
        }
        default:
          break;
      }
    }
    ctx["has_drafts"] = !drafts.empty();
    ctx["has_waiting"] = !waiting.empty();
    ctx["has_returned"] = !returned.empty();
    ctx["has_approved"] = !approved.empty();
    ctx["has_due"] = !due.empty();
    ctx["drafts"] = drafts;
    ctx["waiting"] = waiting;
    ctx["returned"] = returned;
    ctx["approved"] = approved;
    ctx["due"] = due;
    ctx["today"] = BeijingToday(now);
    ctx["categories"] = CategoryChoices("finance");
    GK_ASSIGN_OR_RETURN(ctx["sync"], SyncSummary(node));
    ctx["node_name"] = node.node_name;
    ctx["region"] = node.identity.region;
    return Status::Ok();
  });
  if (!status.ok()) return SendErrorPage(app, req, res, "message", std::move(ctx), status);
  SendPage(app, req, res, "clerk_home", std::move(ctx));
}

}  // namespace

void RegisterClerkPages(UiApp& app, httplib::Server& server) {
  server.Get("/",
             [&app](const httplib::Request& req, httplib::Response& res) { Home(app, req, res); });
}

}  // namespace gongkai
