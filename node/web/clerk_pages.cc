// The village clerk's home page: what needs doing now.
#include "node/intake/calendar.h"
#include "node/web/home_data.h"
#include "node/web/page_data.h"
#include "node/web/ui_app.h"
#include "node/workflow/finance_due.h"

namespace gongkai {

namespace {

// 公示期 ending within this many days are listed as due.
constexpr int64_t kPublicityDueDays = 3;

// The quarterly finance reminders (node/workflow/finance_due.h) as the home page shows them.
mstch::array FinanceDueRows(const std::vector<FinanceDueItem>& items) {
  mstch::array rows;
  for (const FinanceDueItem& item : items) {
    std::string what;
    if (item.state == "approved") {
      what = "已审核通过";
    } else if (item.state == "submitted") {
      what = "已提交，等乡镇审核";
    } else if (item.state == "returned") {
      what = "被退回，请按乡镇意见修改后重新提交";
    } else if (item.state == "draft") {
      what = "草稿还没提交";
    } else if (item.ended) {
      what = "还没有建立：请新建财务公开，在期限前提交并经乡镇审核通过";
    } else {
      what = "本季度结束后编制";
    }
    std::string when = "期限 " + item.deadline.ToString();
    if (item.state != "approved") {
      when += item.days_left >= 0 ? "（还有 " + std::to_string(item.days_left) + " 天）"
                                  : "（已过 " + std::to_string(-item.days_left) + " 天）";
    }
    rows.push_back(mstch::map{{"period", item.period},
                              {"what", what},
                              {"when", when},
                              {"id", item.disclosure_id},
                              {"urgent", item.state != "approved" && item.ended},
                              {"create", item.state == "none" && item.ended}});
  }
  return rows;
}

int64_t DaysUntil(const std::string& date, int64_t now_ms) {
  std::optional<CivilDate> d = ParseClerkDate(date, false, false);
  if (!d) return 0;
  return DaysFromCivil(*d) - BeijingDayNumber(now_ms);
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
    ctx["today"] = BeijingCivilDate(now).ToString();
    ctx["categories"] = CategoryChoices("finance");
    GK_ASSIGN_OR_RETURN(const int64_t deadline_day, FinanceDeadlineDay(node));
    ctx["finance_due"] = FinanceDueRows(FinanceDue(all, node.identity.region, deadline_day, now));
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
