// The page of one disclosure (/d/ID) for both roles, and the actions taken from it: submit,
// review, withdraw, discard, print and record the posting. Each action is one call into
// web_actions.h; bad input changes nothing and shows the action's own message and code.
#include <filesystem>
#include <fstream>

#include "node/app/print_actions.h"
#include "node/app/status_message.h"
#include "node/web/page_data.h"
#include "node/web/ui_app.h"
#include "node/web/web_actions.h"

namespace gongkai {

namespace {

constexpr char kIdPattern[] = R"(/d/([0-9a-f]{32}))";

// Loads the disclosure `id` (exact) or fails with workflow.not_found.
Result<DisclosureState> Load(NodeSession& node, const std::string& id) {
  GK_ASSIGN_OR_RETURN(std::optional<DisclosureState> state, LoadDisclosure(node.replica->db(), id));
  if (!state) return Status::NotFound(kErrWorkflowNotFound, "没有编号为 " + id + " 的公开事项");
  return std::move(*state);
}

mstch::array ReviewList(const VersionFact& version) {
  mstch::array out;
  for (const ReviewFact& r : version.reviews) {
    out.push_back(mstch::map{
        {"stage",
         std::string(r.stage == "township" ? "乡镇审核" : "村务监督委员会 / 民主理财小组")},
        {"decision", std::string(r.decision == "approve" ? "通过" : "退回")},
        {"returned", r.decision == "return"},
        {"comment", r.comment},
        {"reviewer", r.reviewer},
        {"time", HlcBeijingTime(r.hlc)}});
  }
  return out;
}

// Everything the disclosure page shows, for the node's role.
Result<mstch::map> DisclosureContext(UiApp& app, NodeSession& node, const DisclosureState& state) {
  const int64_t now = WallClockMs();
  mstch::map ctx = DisclosureSummary(state, now);
  ctx["title"] = state.title.empty() ? std::string("公开事项") : state.title;
  ctx["disclosure"] = DisclosureSummary(state, now);
  const bool township = app.role() == Role::kTownship;
  const bool own = state.region.empty() || state.region == node.identity.region;
  const VersionFact* current = state.current();
  std::string body_json;
  if (current != nullptr) {
    body_json = current->body;
    GK_ASSIGN_OR_RETURN(std::vector<std::string> items,
                        VersionItems(node.replica->db(), current->version_id));
    const std::vector<ItemColumn> columns = ItemColumns(state.category, current->body);
    ctx["version"] = mstch::map{{"version_id", current->version_id},
                                {"short_id", current->version_id.substr(0, 8)},
                                {"number", std::to_string(state.versions.size())},
                                {"author", current->author},
                                {"time", HlcBeijingTime(current->hlc)},
                                {"publicity_from", current->publicity_from},
                                {"publicity_to", current->publicity_to},
                                {"body", BodyText(current->body)},
                                {"content_hash", current->content_hash.substr(0, 16)},
                                {"reviews", ReviewList(*current)},
                                {"items", ItemsTable(columns, items)}};
    // What changed against the version it replaced.
    if (!current->parent_version.empty()) {
      if (const VersionFact* parent = state.FindVersion(current->parent_version)) {
        GK_ASSIGN_OR_RETURN(std::vector<std::string> before,
                            VersionItems(node.replica->db(), parent->version_id));
        GK_ASSIGN_OR_RETURN(VersionDiff diff, DiffItems(before, items));
        mstch::map d = DiffTable(columns, diff);
        d["parent_short_id"] = parent->version_id.substr(0, 8);
        d["parent_time"] = HlcBeijingTime(parent->hlc);
        d["body_changed"] = BodyText(parent->body) != BodyText(current->body);
        d["parent_body"] = BodyText(parent->body);
        if (const ReviewFact* r = parent->LatestReview("township");
            r != nullptr && r->decision == "return") {
          d["parent_comment"] = r->comment;
        }
        ctx["diff"] = d;
      }
    }
    const bool submitted = state.status == DisclosureStatus::kSubmitted;
    const bool supervised = current->LatestReview("supervision") != nullptr;
    ctx["can_supervise"] = !township && own && submitted && !supervised;
    ctx["can_review"] = township && !own && submitted;
    ctx["can_withdraw"] = own && state.status != DisclosureStatus::kWithdrawn;
    ctx["can_print"] = true;
    ctx["approved"] = state.status == DisclosureStatus::kApproved;
    ctx["can_post"] = own && state.status == DisclosureStatus::kApproved;
    mstch::array postings;
    for (const PostingFact& p : state.postings) {
      postings.push_back(mstch::map{{"by", p.posted_by},
                                    {"copies", std::to_string(p.copies)},
                                    {"time", HlcBeijingTime(p.hlc)},
                                    {"version", p.version_id.substr(0, 8)}});
    }
    ctx["postings"] = postings;
    ctx["has_postings"] = !postings.empty();
    mstch::array queues;
    for (const std::string& q : PrinterQueues()) queues.push_back(mstch::map{{"name", q}});
    ctx["queues"] = queues;
    ctx["has_queues"] = !queues.empty();
  }
  if (state.draft) {
    const Draft& d = *state.draft;
    body_json = d.body;
    ctx["draft"] = mstch::map{{"items", ItemsTable(ItemColumns(d.category, d.body), d.items)},
                              {"based_on", d.based_on.substr(0, 8)},
                              {"is_edit", !d.based_on.empty()}};
  }
  const bool editable = own && !township && state.status != DisclosureStatus::kWithdrawn;
  ctx["can_edit"] = editable;
  ctx["can_submit"] = own && state.draft.has_value();
  // The edit form starts from the draft, else from the current version.
  mstch::map form{{"title", state.draft ? state.draft->title : state.title},
                  {"period", state.draft ? state.draft->period : state.period},
                  {"body", BodyText(body_json)},
                  {"author", state.draft ? state.draft->author : std::string()},
                  {"publicity_days", std::string()},
                  {"publicity_from", std::string()}};
  if (state.draft) {
    form["publicity_days"] = std::to_string(state.draft->publicity_days);
    form["publicity_from"] = state.draft->publicity_from;
  } else if (current != nullptr) {
    form["publicity_from"] = current->publicity_from;
  }
  ctx["form"] = form;
  ctx["needs_file"] = state.category != Category::kAffairs;
  return ctx;
}

void ShowDisclosure(UiApp& app, const httplib::Request& req, httplib::Response& res,
                    const std::string& id, const Status& failure = Status::Ok(),
                    const std::vector<ImportError>& errors = {}) {
  mstch::map ctx;
  Status status = app.WithNode([&](NodeSession& node) -> Status {
    GK_ASSIGN_OR_RETURN(DisclosureState state, Load(node, id));
    GK_ASSIGN_OR_RETURN(ctx, DisclosureContext(app, node, state));
    return Status::Ok();
  });
  if (!status.ok()) {
    SendErrorPage(app, req, res, "message", mstch::map{{"title", std::string("无法打开公开事项")}},
                  status);
    return;
  }
  if (!failure.ok()) {
    SendErrorPage(app, req, res, "disclosure", std::move(ctx), failure, errors);
    return;
  }
  SendPage(app, req, res, "disclosure", std::move(ctx));
}

// Runs a write action on the disclosure of the request; on success redirects back to its
// page with `done`, else shows the page again with the error.
void Act(UiApp& app, const httplib::Request& req, httplib::Response& res, const std::string& done,
         const std::function<Status(NodeSession&, const std::string&)>& action) {
  const std::string id = req.matches[1].str();
  Status status = app.WithNode([&](NodeSession& node) { return action(node, id); });
  if (!status.ok()) return ShowDisclosure(app, req, res, id, status);
  Redirect(res, "/d/" + id, done);
}

Result<int64_t> Copies(const std::string& text) {
  if (text.empty()) return int64_t{1};
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || n > kMaxCopies) {
      return Status::Invalid(kErrWebInput,
                             "份数“" + text + "”无效：请填 1 到 " + std::to_string(kMaxCopies));
    }
    n = n * 10 + (c - '0');
  }
  if (n < 1 || n > kMaxCopies) {
    return Status::Invalid(kErrWebInput, "份数应为 1 到 " + std::to_string(kMaxCopies));
  }
  return n;
}

std::filesystem::path TempPdf() {
  return std::filesystem::temp_directory_path() /
         ("gongkai-ui-" + RandomToken().substr(0, 16) + ".pdf");
}

}  // namespace

void RegisterDisclosurePages(UiApp& app, httplib::Server& server) {
  server.Get(kIdPattern, [&app](const httplib::Request& req, httplib::Response& res) {
    ShowDisclosure(app, req, res, req.matches[1].str());
  });
  PostForm(app, server, std::string(kIdPattern) + "/submit",
           [&app](const httplib::Request& req, httplib::Response& res) {
             Act(app, req, res, "已提交，等待审核。下次同步或导出数据包时送出。",
                 [&req](NodeSession& node, const std::string& id) {
                   return WebSubmit(node, id, FormField(req, "by")).status();
                 });
           });
  PostForm(app, server, std::string(kIdPattern) + "/review",
           [&app](const httplib::Request& req, httplib::Response& res) {
             const std::string decision = FormField(req, "decision");
             Act(app, req, res,
                 decision == "approve" ? "已审核通过。" : "已退回，意见将随同步送到村里。",
                 [&req, &decision](NodeSession& node, const std::string& id) -> Status {
                   if (decision != "approve" && decision != "return") {
                     return Status::Invalid(kErrWebInput, "请选择“审核通过”或“退回”");
                   }
                   return WebReview(node, id,
                                    decision == "approve" ? Decision::kApprove : Decision::kReturn,
                                    FormField(req, "comment"), FormField(req, "by"))
                       .status();
                 });
           });
  PostForm(
      app, server, std::string(kIdPattern) + "/withdraw",
      [&app](const httplib::Request& req, httplib::Response& res) {
        Act(app, req, res, "已撤回。", [&req](NodeSession& node, const std::string& id) {
          return WebWithdraw(node, id, FormField(req, "reason"), FormField(req, "by")).status();
        });
      });
  PostForm(
      app, server, std::string(kIdPattern) + "/discard",
      [&app](const httplib::Request& req, httplib::Response& res) {
        Act(app, req, res, "已删除草稿（已提交的版本不受影响）。",
            [](NodeSession& node, const std::string& id) { return WebDiscardDraft(node, id); });
      });
  PostForm(app, server, std::string(kIdPattern) + "/post",
           [&app](const httplib::Request& req, httplib::Response& res) {
             Act(app, req, res, "已登记张贴。",
                 [&req](NodeSession& node, const std::string& id) -> Status {
                   GK_ASSIGN_OR_RETURN(int64_t copies, Copies(FormField(req, "copies")));
                   GK_ASSIGN_OR_RETURN(DisclosureState state, Load(node, id));
                   if (state.current() == nullptr)
                     return Status::Invalid(kErrWorkflowState,
                                            "该公开事项还只是草稿：提交后才能张贴");
                   return WebRecordPosting(node, id, state.current()->version_id, copies,
                                           FormField(req, "by"))
                       .status();
                 });
           });
  PostForm(app, server, std::string(kIdPattern) + "/print",
           [&app](const httplib::Request& req, httplib::Response& res) {
             Act(app, req, res, "已送打印机，并登记张贴。",
                 [&req](NodeSession& node, const std::string& id) -> Status {
                   GK_ASSIGN_OR_RETURN(int64_t copies, Copies(FormField(req, "copies")));
                   const std::string queue = FormField(req, "queue");
                   if (queue.empty()) return Status::Invalid(kErrWebInput, "请选择打印机");
                   // The same action as `gongkai print --printer`: it renders, sends the job and
                   // records the posting when this node posts that version.
                   const std::filesystem::path pdf = TempPdf();
                   PrintRequest request{
                       id,    std::nullopt, pdf.string(),
                       queue, copies,       std::optional<std::string>(FormField(req, "by"))};
                   if (request.by->empty()) request.by.reset();
                   Result<PrintOutcome> printed = PrintDisclosure(node, request);
                   std::error_code ec;
                   std::filesystem::remove(pdf, ec);
                   return printed.status();
                 });
           });
  server.Get(std::string(kIdPattern) + "/sheet.pdf", [&app](const httplib::Request& req,
                                                            httplib::Response& res) {
    const std::string id = req.matches[1].str();
    std::string bytes;
    Status status = app.WithNode([&](NodeSession& node) -> Status {
      GK_ASSIGN_OR_RETURN(DisclosureState state, Load(node, id));
      if (state.current() == nullptr)
        return Status::Invalid(kErrWorkflowState, "该公开事项还只是草稿：提交后才能打印");
      const std::filesystem::path pdf = TempPdf();
      Status rendered = WebRenderSheet(node, state.current()->version_id, pdf.string());
      if (rendered.ok()) {
        std::ifstream in(pdf, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
      }
      std::error_code ec;
      std::filesystem::remove(pdf, ec);
      return rendered;
    });
    if (!status.ok()) {
      res.status = PageStatusFor(status);
      res.set_content(ChineseMessage(status) + "（" + status.code() + "）",
                      "text/plain; charset=utf-8");
      return;
    }
    res.set_header("Cache-Control", "no-store");
    res.set_header("Content-Disposition", "inline; filename=\"sheet.pdf\"");
    res.set_content(bytes, "application/pdf");
  });
}

}  // namespace gongkai
