#include "node/web/ui_app.h"

#include "node/app/status_message.h"
#include "node/web/page_data.h"
#include "node/web/templates.h"
#include "node/web/web_actions.h"

namespace gongkai {

UiApp::UiApp(std::string home, std::string host, std::string secret, Role role)
    : home_(std::move(home)),
      guard_(secret.empty() ? UiGuard(std::move(host))
                            : UiGuard(std::move(host), std::move(secret))),
      role_(role) {}

Status UiApp::WithNode(const std::function<Status(NodeSession&)>& fn) {
  std::lock_guard lock(node_mutex_);
  GK_ASSIGN_OR_RETURN(NodeSession session, OpenNodeSession(home_, true));
  return fn(session);
}

std::string UiApp::AddPending(PendingImport pending) {
  std::lock_guard lock(pending_mutex_);
  pending.id = RandomToken().substr(0, 24);
  if (pending_.size() >= kMaxPendingImports) pending_.erase(pending_.begin());
  pending_.push_back(std::move(pending));
  return pending_.back().id;
}

std::optional<PendingImport> UiApp::FindPending(const std::string& id) {
  std::lock_guard lock(pending_mutex_);
  for (const PendingImport& p : pending_) {
    if (p.id == id) return p;
  }
  return std::nullopt;
}

void UiApp::UpdatePending(const PendingImport& pending) {
  std::lock_guard lock(pending_mutex_);
  for (PendingImport& p : pending_) {
    if (p.id == pending.id) p = pending;
  }
}

void UiApp::DropPending(const std::string& id) {
  std::lock_guard lock(pending_mutex_);
  std::erase_if(pending_, [&id](const PendingImport& p) { return p.id == id; });
}

bool UiApp::StartSync() {
  std::lock_guard lock(sync_mutex_);
  if (sync_.running) return false;
  if (sync_thread_.joinable()) sync_thread_.join();
  sync_ = SyncJob{};
  sync_.running = true;
  sync_.started_ms = WallClockMs();
  sync_thread_ = std::thread([this] {
    std::optional<SyncReport> report;
    Status status = WithNode([&report](NodeSession& session) -> Status {
      Result<SyncReport> result = WebSync(session);
      if (!result.ok()) return result.status();
      report = std::move(*result);
      return Status::Ok();
    });
    std::lock_guard done_lock(sync_mutex_);
    sync_.running = false;
    sync_.done = true;
    sync_.report = std::move(report);
    sync_.status = status;
  });
  return true;
}

SyncJob UiApp::sync_job() {
  std::lock_guard lock(sync_mutex_);
  return sync_;
}

void UiApp::JoinSync() {
  std::thread thread;
  {
    std::lock_guard lock(sync_mutex_);
    thread = std::move(sync_thread_);
  }
  if (thread.joinable()) thread.join();
}

std::string RequestSession(UiApp& app, const httplib::Request& req) {
  return app.guard().SessionFromCookie(req.get_header_value("Cookie")).value_or("");
}

std::string FormField(const httplib::Request& req, const std::string& name) {
  if (req.is_multipart_form_data()) {
    if (req.has_file(name)) return req.get_file_value(name).content;
    return "";
  }
  return req.has_param(name) ? req.get_param_value(name) : "";
}

void SendPage(UiApp& app, const httplib::Request& req, httplib::Response& res,
              const std::string& page, mstch::map context, int http_status) {
  const std::string session = RequestSession(app, req);
  context["csrf"] = app.guard().CsrfToken(session);
  context["township"] = app.role() == Role::kTownship;
  context["node_name"] = app.node_name();
  context["node_region"] = app.region();
  context["role_label"] = std::string(app.role() == Role::kTownship ? "乡镇审核" : "村务公开");
  if (context.count("notice") == 0 && req.has_param("notice")) {
    context["notice"] = req.get_param_value("notice");
  }
  Result<std::string> html = RenderPage(page, std::move(context));
  if (!html.ok()) {
    res.status = 500;
    res.set_content(
        "页面无法显示：" + ChineseMessage(html.status()) + "（" + html.status().code() + "）",
        "text/plain; charset=utf-8");
    return;
  }
  res.status = http_status;
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Frame-Options", "SAMEORIGIN");
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'");
  res.set_content(*html, "text/html; charset=utf-8");
}

void SendErrorPage(UiApp& app, const httplib::Request& req, httplib::Response& res,
                   const std::string& page, mstch::map context, const Status& status,
                   const std::vector<ImportError>& errors) {
  context["error"] = ChineseMessage(status);
  context["error_code"] = status.code();
  context["has_import_errors"] = !errors.empty();
  context["import_errors"] = ImportErrorRows(errors);
  SendPage(app, req, res, page, std::move(context), PageStatusFor(status));
}

void Redirect(httplib::Response& res, const std::string& location, const std::string& notice) {
  std::string target = location;
  if (!notice.empty())
    target += (target.find('?') == std::string::npos ? "?" : "&") + std::string("notice=") +
              UrlEncode(notice);
  res.status = 303;
  res.set_header("Location", target);
}

void Refuse(httplib::Response& res, int status, const std::string& text, const std::string& code) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(
      "<!doctype html><meta charset=\"utf-8\"><title>拒绝访问</title>"
      "<body style=\"font-family:'Noto Sans CJK "
      "SC',sans-serif;padding:2em\"><h1>无法打开此页</h1><p>" +
          text + "（" + code + "）</p></body>",
      "text/html; charset=utf-8");
}

void PostForm(UiApp& app, httplib::Server& server, const std::string& pattern,
              httplib::Server::Handler handler) {
  server.Post(pattern, [&app, handler](const httplib::Request& req, httplib::Response& res) {
    if (!app.guard().CsrfValid(RequestSession(app, req), FormField(req, kCsrfFieldName))) {
      Refuse(res, 403, "表单已过期或不是从本界面提交的：请返回上一页刷新后重试，未做任何修改",
             kErrWebCsrf);
      return;
    }
    handler(req, res);
  });
}

std::string Yuan(int64_t cents) {
  const std::string sign = cents < 0 ? "-" : "";
  const int64_t a = cents < 0 ? -cents : cents;
  std::string frac = std::to_string(a % 100);
  if (frac.size() < 2) frac = "0" + frac;
  return sign + std::to_string(a / 100) + "." + frac;
}

}  // namespace gongkai
