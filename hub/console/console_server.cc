// ConsoleServer (hub/console/console_server.h).
#include "hub/console/console_server.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include "hub/app/audit_tables.h"
#include "hub/app/county_actions.h"
#include "hub/audit/audit_proof.h"
#include "hub/audit/audit_settings.h"
#include "hub/audit/audit_verify.h"
#include "hub/console/console_files.h"
#include "hub/console/console_sessions.h"
#include "hub/console/console_users.h"
#include "hub/county/county.h"
#include "hub/enrolment/enrol_qr.h"
#include "hub/enrolment/enrol_token.h"
#include "hub/server/tls_certificate.h"
#include "node/app/status_message.h"
#include "node/cli/table_xlsx.h"
#include "node/exchange/tls_pin.h"
#include "node/replica/sql.h"
#include "node/web/embedded_files.h"
#include "node/web/templates.h"
#include "node/web/ui_guard.h"
#include "node/workflow/workflow.h"
#include "printing/qr_code.h"
#include "protocol/certificate.h"
#include "protocol/proof_file.h"
#include "protocol/keys.h"
#include "protocol/region.h"
#include "protocol/wall_clock.h"

namespace gongkai {

namespace {


std::string Field(const httplib::Request& req, const std::string& name) {
  if (req.is_multipart_form_data()) {
    return req.has_file(name) ? req.get_file_value(name).content : "";
  }
  return req.has_param(name) ? req.get_param_value(name) : "";
}

int StatusCodeFor(const Status& status) {
  return status.code() == kErrConsoleRateLimited ? 429 : PageStatusFor(status);
}

// The session id in a Cookie header ("a=b; gongkai_console=ID").
std::string CookieSession(const std::string& header) {
  const std::string key = std::string(kConsoleCookieName) + "=";
  size_t at = 0;
  while (at < header.size()) {
    while (at < header.size() && header[at] == ' ') ++at;
    const size_t end = std::min(header.find(';', at), header.size());
    if (header.compare(at, key.size(), key) == 0) {
      return header.substr(at + key.size(), end - at - key.size());
    }
    at = end + 1;
  }
  return "";
}

mstch::array TableRows(const Table& table) {
  mstch::array rows;
  for (const std::vector<TableCell>& row : table.rows) {
    mstch::array cells;
    for (const TableCell& cell : row) {
      cells.push_back(mstch::map{{"text", cell.is_null() ? std::string("—") : cell.text()},
                                 {"number", cell.is_number()}});
    }
    rows.push_back(mstch::map{{"cells", cells}});
  }
  return rows;
}

// What a table's address asks for: the page, or the table as a CSV or XLSX download
// ("/audit/stale.csv", "/audit/stale.xlsx").
enum class Download { kPage, kCsv, kXlsx };

Download DownloadOf(const std::string& path) {
  if (path.ends_with(".csv")) return Download::kCsv;
  if (path.ends_with(".xlsx")) return Download::kXlsx;
  return Download::kPage;
}

// `page` ("/audit/stale?days=30") with the download's extension put before the query.
std::string DownloadHref(const std::string& page, std::string_view extension) {
  const size_t query = std::min(page.find('?'), page.size());
  return page.substr(0, query) + std::string(extension) + page.substr(query);
}

// A table as the partial `table` shows it; `download` is the page whose .csv and .xlsx
// give the table as a file ("" for none).
mstch::map TableContext(const Table& table, const std::string& caption,
                        const std::string& download = "") {
  mstch::array columns;
  for (const TableColumn& c : table.columns) columns.push_back(mstch::map{{"title", c.title}});
  return mstch::map{{"caption", caption},
                    {"columns", columns},
                    {"rows", TableRows(table)},
                    {"empty", table.rows.empty()},
                    {"count", std::to_string(table.rows.size())},
                    {"csv_href", download.empty() ? "" : DownloadHref(download, ".csv")},
                    {"xlsx_href", download.empty() ? "" : DownloadHref(download, ".xlsx")}};
}

// The QR code as one SVG path of its dark modules (horizontal runs), in module units, with
// the quiet zone; `size` is the side in modules.
std::string QrPath(const QrMatrix& qr, int* size) {
  *size = qr.width + 2 * kQrQuietModules;
  std::string d;
  for (int y = 0; y < qr.width; ++y) {
    for (int x = 0; x < qr.width;) {
      if (!qr.at(x, y)) {
        ++x;
        continue;
      }
      int run = 0;
      while (x + run < qr.width && qr.at(x + run, y)) ++run;
      d += "M" + std::to_string(x + kQrQuietModules) + " " + std::to_string(y + kQrQuietModules) +
           "h" + std::to_string(run) + "v1h-" + std::to_string(run) + "z";
      x += run;
    }
  }
  return d;
}

std::string RevokedLabel(const std::optional<RevocationReason>& reason) {
  if (!reason) return "";
  return *reason == RevocationReason::kCompromised ? "已吊销（密钥泄露）" : "已吊销（停用）";
}

}  // namespace

// What a verify started from the console is doing (one at a time).
struct VerifyJob {
  std::mutex mutex;
  bool running = false;
  bool finished = false;
  uint64_t done = 0;
  uint64_t total = 0;
  std::string started_by;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
  std::optional<AuditReport> report;
  Status error;
  std::thread thread;
};

struct ConsoleServer::Impl {
  std::filesystem::path home;
  ConsoleOptions options;
  std::unique_ptr<httplib::Server> http;
  std::mutex county_mutex;
  County county;  // guarded by county_mutex
  ConsoleSessions sessions;
  VerifyJob verify;

  Impl(std::filesystem::path h, ConsoleOptions o, County c)
      : home(std::move(h)), options(std::move(o)), county(std::move(c)) {}

  int64_t Now() const { return options.wall_clock_ms(); }

  void Headers(httplib::Response& res) const {
    res.set_header("Content-Security-Policy", "default-src 'self'");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Cache-Control", "no-store");
    res.set_header("Referrer-Policy", "no-referrer");
  }

  void Page(httplib::Response& res, const std::optional<ConsoleSession>& session,
            const std::string& name, mstch::map context, int status = 200) {
    context.emplace("county_name", county.name());
    context.emplace("county_code", county.code());
    if (session) {
      context.emplace("logged_in", true);
      context.emplace("user_name", session->user.name);
      context.emplace("user_role", std::string(ConsoleRoleLabel(session->user.role)));
      context.emplace("admin", session->user.role == ConsoleRole::kAdmin);
      context.emplace("csrf", session->csrf);
    }
    Result<std::string> html = RenderPageFrom(ConsoleFiles(), name, std::move(context));
    Headers(res);
    if (!html.ok()) {
      res.status = 500;
      res.set_content(ChineseMessage(html.status()), "text/plain; charset=utf-8");
      return;
    }
    res.status = status;
    res.set_content(std::move(*html), "text/html; charset=utf-8");
  }

  void Failure(httplib::Response& res, const std::optional<ConsoleSession>& session,
               const Status& status, const std::string& back = "/") {
    Page(res, session, "message",
         mstch::map{{"title", std::string("未能完成")},
                    {"error", ChineseMessage(status)},
                    {"error_code", status.code()},
                    {"back", back}},
         StatusCodeFor(status));
  }

  std::optional<ConsoleSession> SessionOf(const httplib::Request& req) {
    const std::string id = CookieSession(req.get_header_value("Cookie"));
    if (id.empty()) return std::nullopt;
    return sessions.Find(id, Now());
  }

  std::string SessionCookie(const std::string& id, bool clear = false) const {
    std::string cookie = std::string(kConsoleCookieName) + "=" + (clear ? "" : id) +
                         "; Path=/; HttpOnly; SameSite=Strict";
    if (options.tls) cookie += "; Secure";
    if (clear) cookie += "; Max-Age=0";
    return cookie;
  }

  // A page for people who are logged in; GETs without a session go to the login page.
  void Get(const std::string& pattern,
           std::function<void(const httplib::Request&, httplib::Response&, const ConsoleSession&)>
               handler) {
    http->Get(pattern, [this, handler](const httplib::Request& req, httplib::Response& res) {
      std::optional<ConsoleSession> session = SessionOf(req);
      if (!session) {
        Headers(res);
        res.status = 303;
        res.set_header("Location", "/login");
        return;
      }
      handler(req, res, *session);
    });
  }

  // An action: a session, its CSRF token, and the admin role when `admin`.
  void Post(const std::string& pattern, bool admin,
            std::function<void(const httplib::Request&, httplib::Response&, const ConsoleSession&)>
                handler) {
    http->Post(pattern, [this, admin, handler](const httplib::Request& req,
                                               httplib::Response& res) {
      std::optional<ConsoleSession> session = SessionOf(req);
      if (!session) {
        Failure(res, std::nullopt,
                Status::Denied(kErrConsoleSession, "请先登录县级管理界面（会话已结束或未登录）"),
                "/login");
        return;
      }
      if (!TokensEqual(Field(req, "csrf"), session->csrf)) {
        Failure(res, session,
                Status::Denied("web.csrf",
                               "表单已过期或不是从本界面提交的：请返回上一页刷新后重试，未做任何修改"));
        return;
      }
      if (admin && session->user.role != ConsoleRole::kAdmin) {
        Failure(res, session,
                Status::Denied(kErrConsoleForbidden, "只有管理员账户可以登记和吊销节点"));
        return;
      }
      handler(req, res, *session);
    });
  }

  Result<NodeDirectory> Directory() {
    return LoadNodeDirectory(county.replica().db(), NodeIdHex(county.hub_key().node_id()));
  }

  // What every audit page reads first: the nodes and the county's audit settings.
  struct AuditInputs {
    NodeDirectory directory;
    AuditSettings settings;
  };
  Result<AuditInputs> LoadAuditInputs() {
    GK_ASSIGN_OR_RETURN(NodeDirectory directory, Directory());
    GK_ASSIGN_OR_RETURN(AuditSettings settings, LoadAuditSettings(county.replica()));
    return AuditInputs{std::move(directory), std::move(settings)};
  }

  // `table` as the file `name`.csv or `name`.xlsx (its tab named `sheet`), as `kind` says.
  void SendTable(httplib::Response& res, const Table& table, const std::string& name,
                 const std::string& sheet, Download kind) const {
    Headers(res);
    const bool xlsx = kind == Download::kXlsx;
    res.set_header("Content-Disposition",
                   "attachment; filename=\"" + name + (xlsx ? ".xlsx" : ".csv") + "\"");
    if (xlsx) {
      res.set_content(FormatXlsx(table, sheet), kXlsxContentType);
    } else {
      res.set_content(FormatCsv(table), "text/csv; charset=utf-8");
    }
  }

  void Routes();
  void NodesPage(httplib::Response& res, const ConsoleSession& session,
                 const std::string& notice);
  void ReportPage(const httplib::Request& req, httplib::Response& res,
                  const ConsoleSession& session);
  void VerifyPage(httplib::Response& res, const ConsoleSession& session);
  void StartVerify(const ConsoleSession& session);
};

void ConsoleServer::Impl::NodesPage(httplib::Response& res, const ConsoleSession& session,
                                    const std::string& notice) {
  std::lock_guard lock(county_mutex);
  Result<NodeDirectory> directory = Directory();
  if (!directory.ok()) return Failure(res, session, directory.status());
  Result<std::vector<StaleNode>> contacts = NodeContacts(county.replica().db(), *directory, Now());
  if (!contacts.ok()) return Failure(res, session, contacts.status());
  Result<std::vector<EnrolledNode>> enrolled = ListEnrolled(county);
  if (!enrolled.ok()) return Failure(res, session, enrolled.status());
  std::map<std::string, const EnrolledNode*> by_id;
  for (const EnrolledNode& n : *enrolled) by_id[n.node_id] = &n;
  mstch::array rows;
  int revoked = 0;
  for (const StaleNode& s : *contacts) {
    auto it = by_id.find(s.node.node_id);
    const bool is_revoked = !s.node.revoked.empty();
    revoked += is_revoked ? 1 : 0;
    rows.push_back(mstch::map{
        {"region", s.node.region},
        {"name", s.node.name},
        {"role", RoleLabel(s.node.role)},
        {"node_id", s.node.node_id},
        {"short_id", s.node.node_id.substr(0, 8)},
        {"enrolled", BeijingMinuteText(s.node.enrolled_ms)},
        {"last_contact", s.last_contact ? BeijingMinuteText(*s.last_contact) : "从未送达"},
        {"days_silent", !s.days_silent   ? std::string()
                        : *s.days_silent == 0 ? std::string("今天")
                                              : std::to_string(*s.days_silent) + " 天前"},
        {"revoked", is_revoked},
        {"revoked_label",
         it != by_id.end() ? RevokedLabel(it->second->revoked) : std::string("已吊销")},
        {"can_revoke", !is_revoked && session.user.role == ConsoleRole::kAdmin}});
  }
  Page(res, session, "nodes",
       mstch::map{{"title", std::string("节点")},
                  {"nav_nodes", true},
                  {"notice", notice},
                  {"nodes", rows},
                  {"count", std::to_string(rows.size())},
                  {"revoked_count", std::to_string(revoked)}});
}

void ConsoleServer::Impl::VerifyPage(httplib::Response& res, const ConsoleSession& session) {
  mstch::map context{{"title", std::string("审计核对")}, {"nav_verify", true}};
  std::lock_guard lock(verify.mutex);
  context.emplace("running", verify.running);
  context.emplace("done", std::to_string(verify.done));
  context.emplace("total", std::to_string(verify.total));
  context.emplace("percent", std::to_string(verify.total == 0 ? 0 : verify.done * 100 / verify.total));
  context.emplace("started_by", verify.started_by);
  if (verify.running) context.emplace("refresh", true);
  if (verify.finished) {
    context.emplace("finished", true);
    context.emplace("finished_at", BeijingMinuteText(verify.finished_ms));
    if (!verify.error.ok()) {
      context.emplace("error", ChineseMessage(verify.error));
      context.emplace("error_code", verify.error.code());
    } else if (verify.report) {
      const AuditReport& r = *verify.report;
      context.emplace("passed", r.ok());
      context.emplace("log_size", std::to_string(r.log_size));
      context.emplace("envelopes", std::to_string(r.journal_envelopes));
      context.emplace("checkpoints", std::to_string(r.checkpoints));
      context.emplace("receipts", std::to_string(r.receipts));
      context.emplace("replica_rows", std::to_string(r.replica_rows));
      context.emplace("problem_count", std::to_string(r.problem_count));
      context.emplace("warning_count", std::to_string(r.warning_count));
      context.emplace("root", HashHex(r.root));
      mstch::array problems;
      for (size_t i = 0; i < r.problems.size() && i < 50; ++i) {
        problems.push_back(mstch::map{{"code", r.problems[i].code},
                                      {"message", r.problems[i].message}});
      }
      context.emplace("has_problems", !problems.empty());
      context.emplace("problems", problems);
    }
  }
  Page(res, session, "verify", std::move(context));
}

void ConsoleServer::Impl::StartVerify(const ConsoleSession& session) {
  std::lock_guard lock(verify.mutex);
  if (verify.running) return;
  if (verify.thread.joinable()) verify.thread.join();
  verify.running = true;
  verify.finished = false;
  verify.done = 0;
  verify.total = 0;
  verify.report.reset();
  verify.error = Status::Ok();
  verify.started_by = session.user.name;
  verify.started_ms = Now();
  verify.thread = std::thread([this] {
    AuditOptions audit;
    audit.progress = [this](uint64_t done, uint64_t total) {
      std::lock_guard progress(verify.mutex);
      verify.done = done;
      verify.total = total;
    };
    Result<AuditReport> report = VerifyHubHome(home, audit);
    std::lock_guard finished(verify.mutex);
    if (report.ok()) {
      verify.report = std::move(*report);
    } else {
      verify.error = report.status();
    }
    verify.running = false;
    verify.finished = true;
    verify.finished_ms = Now();
  });
}

void ConsoleServer::Impl::ReportPage(const httplib::Request& req, httplib::Response& res,
                                     const ConsoleSession& session) {
  const int64_t this_year = std::stoll(BeijingMinuteText(Now()).substr(0, 4));
  int64_t year = this_year;
  if (req.has_param("year")) {
    const std::string text = req.get_param_value("year");
    if (text.size() != 4 || text.find_first_not_of("0123456789") != std::string::npos) {
      return Failure(res, session, Status::Invalid("audit.input", "年份须为四位数字，如 2026"),
                     "/audit/report");
    }
    year = std::stoll(text);
  }
  std::lock_guard lock(county_mutex);
  Result<AuditInputs> inputs = LoadAuditInputs();
  if (!inputs.ok()) return Failure(res, session, inputs.status());
  Result<std::vector<ReportRow>> rows =
      AuditYearReport(county.replica().db(), inputs->directory, year, inputs->settings, Now());
  if (!rows.ok()) return Failure(res, session, rows.status(), "/audit/report");
  if (const Download kind = DownloadOf(req.path); kind != Download::kPage) {
    return SendTable(res, ReportTable(*rows, TableFormat::kCsv), "report-" + std::to_string(year),
                     std::to_string(year) + " 年度报告", kind);
  }
  // Charts, one bar per township: what was approved against what was late, and the average
  // time to approval.
  std::vector<const ReportRow*> townships;
  for (const ReportRow& r : *rows) {
    if (r.kind == "township") townships.push_back(&r);
  }
  int64_t most = 1;
  int64_t slowest = 1;
  for (const ReportRow* r : townships) {
    most = std::max(most, r->approvals + r->late + r->missing);
    slowest = std::max(slowest, r->average_approval_ms());
  }
  // In the SVG's own units (viewBox 0 0 640 H): names right-aligned up to x=120, bars from
  // x=130 at most kBarWidth long, the figures after them.
  constexpr int kBarWidth = 280;
  constexpr int kRowHeight = 34;
  mstch::array bars;
  int y = 0;
  for (const ReportRow* r : townships) {
    const int on_time = static_cast<int>((r->approvals - std::min(r->approvals, r->late)) *
                                         kBarWidth / most);
    const int late = static_cast<int>(r->late * kBarWidth / most);
    const int missing = static_cast<int>(r->missing * kBarWidth / most);
    const int speed = static_cast<int>(r->average_approval_ms() * kBarWidth / slowest);
    bars.push_back(mstch::map{
        {"y", std::to_string(y)},
        {"text_y", std::to_string(y + 20)},
        {"name", r->township_name.empty() ? r->name : r->township_name},
        {"on_time_w", std::to_string(on_time)},
        {"late_x", std::to_string(130 + on_time)},
        {"late_w", std::to_string(late)},
        {"missing_x", std::to_string(130 + on_time + late)},
        {"missing_w", std::to_string(missing)},
        {"value_x", std::to_string(138 + on_time + late + missing)},
        {"values", std::to_string(r->approvals) + " 通过，逾期 " +
                       std::to_string(r->late + r->missing)},
        {"speed_w", std::to_string(speed)},
        {"speed_x", std::to_string(138 + speed)},
        {"speed", r->timed_approvals == 0 ? std::string("—")
                  : r->average_approval_ms() < 3'600'000
                      ? std::to_string((r->average_approval_ms() + 30'000) / 60'000) + " 分钟"
                      : HoursText(r->average_approval_ms()) + " 小时"}});
    y += kRowHeight;
  }
  mstch::map context{{"title", std::string("年度报告")},
                     {"nav_report", true},
                     {"year", std::to_string(year)},
                     {"previous", std::to_string(year - 1)},
                     {"next", std::to_string(year + 1)},
                     {"has_chart", !townships.empty()},
                     {"bars", bars},
                     {"chart_height", std::to_string(std::max(y, kRowHeight) + 10)},
                     {"table", TableContext(ReportTable(*rows, TableFormat::kTerminal),
                                            std::to_string(year) + " 年各乡镇、村公开情况",
                                            "/audit/report?year=" + std::to_string(year))}};
  Page(res, session, "report", std::move(context));
}

void ConsoleServer::Impl::Routes() {
  http->set_payload_max_length(kMaxRequestFileBytes + 16 * 1024);
  http->Get("/assets/app.css", [this](const httplib::Request&, httplib::Response& res) {
    Headers(res);
    res.set_header("Cache-Control", "max-age=3600");
    res.set_content(std::string(FindEmbeddedFile("assets/app.css").value_or("")),
                    "text/css; charset=utf-8");
  });
  http->Get("/assets/console.css", [this](const httplib::Request&, httplib::Response& res) {
    Headers(res);
    res.set_header("Cache-Control", "max-age=3600");
    std::string css;
    for (const EmbeddedFile& f : ConsoleFiles()) {
      if (f.name == "assets/console.css") css = std::string(f.data);
    }
    res.set_content(css, "text/css; charset=utf-8");
  });

  http->Get("/login", [this](const httplib::Request& req, httplib::Response& res) {
    if (SessionOf(req)) {
      Headers(res);
      res.status = 303;
      res.set_header("Location", "/");
      return;
    }
    Page(res, std::nullopt, "login", mstch::map{{"title", std::string("登录")}, {"name", std::string()}});
  });
  http->Post("/login", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string name = Field(req, "name");
    const std::string password = Field(req, "password");
    const int64_t now = Now();
    auto refuse = [&](const Status& why) {
      Page(res, std::nullopt, "login",
           mstch::map{{"title", std::string("登录")},
                      {"name", name},
                      {"error", ChineseMessage(why)},
                      {"error_code", why.code()}},
           why.code() == kErrConsoleLogin ? 401 : StatusCodeFor(why));
    };
    if (Status allowed = sessions.LoginAllowed(name, req.remote_addr, now); !allowed.ok()) {
      return refuse(allowed);
    }
    Result<ConsoleUser> user = [&] {
      std::lock_guard lock(county_mutex);
      return CheckConsolePassword(county.replica().db(), name, password);
    }();
    if (!user.ok()) {
      if (user.status().code() == kErrConsoleLogin) sessions.LoginFailed(name, req.remote_addr, now);
      return refuse(user.status());
    }
    const ConsoleSession session = sessions.Open(*user, now);
    Headers(res);
    res.set_header("Set-Cookie", SessionCookie(session.id));
    res.status = 303;
    res.set_header("Location", "/");
  });
  Post("/logout", false, [this](const httplib::Request&, httplib::Response& res,
                                const ConsoleSession& session) {
    sessions.Close(session.id);
    Headers(res);
    res.set_header("Set-Cookie", SessionCookie("", true));
    res.status = 303;
    res.set_header("Location", "/login");
  });

  Get("/", [this](const httplib::Request& req, httplib::Response& res, const ConsoleSession& s) {
    NodesPage(res, s, req.has_param("notice") ? req.get_param_value("notice") : "");
  });

  // --- Revoking -------------------------------------------------------------------------
  Get("/nodes/revoke", [this](const httplib::Request& req, httplib::Response& res,
                              const ConsoleSession& s) {
    if (s.user.role != ConsoleRole::kAdmin) {
      return Failure(res, s, Status::Denied(kErrConsoleForbidden, "只有管理员账户可以吊销节点"));
    }
    const std::string node_id = req.has_param("node") ? req.get_param_value("node") : "";
    std::lock_guard lock(county_mutex);
    Result<NodeDirectory> directory = Directory();
    if (!directory.ok()) return Failure(res, s, directory.status());
    const AuditNode* node = directory->Find(node_id);
    if (node == nullptr || node->is_hub) {
      return Failure(res, s, Status::NotFound(kErrCountyUnknownNode, "没有这个节点：" + node_id));
    }
    Page(res, s, "revoke",
         mstch::map{{"title", std::string("吊销节点")},
                    {"nav_nodes", true},
                    {"node_id", node->node_id},
                    {"name", node->name},
                    {"region", node->region},
                    {"role", RoleLabel(node->role)}});
  });
  Post("/nodes/revoke", true, [this](const httplib::Request& req, httplib::Response& res,
                                     const ConsoleSession& s) {
    const std::string node_id = Field(req, "node");
    const std::string back = "/nodes/revoke?node=" + node_id;
    if (Field(req, "confirm") != "yes") {
      return Failure(res, s,
                     Status::Invalid("console.confirm", "请勾选“我确认吊销”后再提交；未做任何修改"),
                     back);
    }
    Result<RevocationReason> reason = ParseRevocationReason(Field(req, "reason"));
    if (!reason.ok()) return Failure(res, s, reason.status(), back);
    std::string name;
    {
      std::lock_guard lock(county_mutex);
      Result<Revocation> revoked =
          Revoke(county, Field(req, "passphrase"), node_id, *reason, Field(req, "note"));
      if (!revoked.ok()) return Failure(res, s, revoked.status(), back);
      if (Status logged = AppendToCountyLog(county); !logged.ok()) {
        return Failure(res, s, logged);
      }
      Result<NodeDirectory> directory = Directory();
      if (directory.ok() && directory->Find(node_id)) name = directory->Find(node_id)->name;
    }
    NodesPage(res, s, "已吊销 " + name + "（" + node_id.substr(0, 8) + "）：它此后的数据县级一律拒收");
  });

  // --- Enrolling ------------------------------------------------------------------------
  Get("/enrol", [this](const httplib::Request&, httplib::Response& res, const ConsoleSession& s) {
    if (s.user.role != ConsoleRole::kAdmin) {
      return Failure(res, s, Status::Denied(kErrConsoleForbidden, "只有管理员账户可以登记节点"));
    }
    Page(res, s, "enrol",
         mstch::map{{"title", std::string("登记节点")},
                    {"nav_enrol", true},
                    {"county_code", county.code()},
                    {"hours", std::to_string(kDefaultEnrolTokenValidHours)}});
  });
  Post("/enrol/token", true, [this](const httplib::Request& req, httplib::Response& res,
                                    const ConsoleSession& s) {
    Result<Role> role = ParseRole(Field(req, "role"));
    if (!role.ok()) return Failure(res, s, role.status(), "/enrol");
    int64_t hours = kDefaultEnrolTokenValidHours;
    const std::string hours_text = Field(req, "hours");
    if (!hours_text.empty()) {
      if (hours_text.size() > 4 || hours_text.find_first_not_of("0123456789") != std::string::npos) {
        return Failure(res, s, Status::Invalid(kErrEnrolValidHours, "有效小时数须为整数"), "/enrol");
      }
      hours = std::stoll(hours_text);
    }
    Result<IssuedEnrolToken> issued = [&] {
      std::lock_guard lock(county_mutex);
      return IssueEnrolToken(county, *role, Field(req, "region"), Field(req, "name"), hours, Now());
    }();
    if (!issued.ok()) return Failure(res, s, issued.status(), "/enrol");
    std::string fingerprint;
    const std::filesystem::path tls_cert =
        options.tls ? std::filesystem::path(options.tls->certificate) : home / kTlsCertificateFileName;
    std::error_code ec;
    if (std::filesystem::exists(tls_cert, ec)) {
      Result<std::string> fp = PemCertificateFingerprint(tls_cert.string());
      if (fp.ok()) fingerprint = *fp;
    }
    const std::string payload = EnrolQrPayload(*issued, options.hub_url, fingerprint);
    Result<QrMatrix> qr = EncodeQr(payload);
    if (!qr.ok()) return Failure(res, s, qr.status(), "/enrol");
    int size = 0;
    const std::string path = QrPath(*qr, &size);
    std::string command = "gongkai init --hub " +
                          (options.hub_url.empty() ? std::string("汇聚服务器地址") : options.hub_url);
    if (!fingerprint.empty()) command += " --hub-fingerprint " + fingerprint;
    command += " --token " + issued->token + " --region " + issued->region + " --name " +
               issued->name;
    Page(res, s, "enrol_token",
         mstch::map{{"title", std::string("一次性登记口令")},
                    {"nav_enrol", true},
                    {"token", issued->token},
                    {"name", issued->name},
                    {"region", issued->region},
                    {"role", RoleLabel(RoleName(issued->role))},
                    {"expires", BeijingMinuteText(issued->expires_at_ms)},
                    {"fingerprint", fingerprint},
                    {"command", command},
                    {"qr_path", path},
                    {"qr_size", std::to_string(size)}});
  });
  Post("/enrol/offline", true, [this](const httplib::Request& req, httplib::Response& res,
                                      const ConsoleSession& s) {
    Result<Role> role = ParseRole(Field(req, "role"));
    if (!role.ok()) return Failure(res, s, role.status(), "/enrol");
    const std::string request = Field(req, "request");
    if (request.empty()) {
      return Failure(res, s, Status::Invalid("console.request", "请选择节点电脑生成的登记申请文件"),
                     "/enrol");
    }
    if (request.size() > kMaxRequestFileBytes) {
      return Failure(res, s, Status::TooLarge("console.request", "登记申请文件过大，不是登记申请"),
                     "/enrol");
    }
    Result<IssuedCertificate> issued = [&] {
      std::lock_guard lock(county_mutex);
      return EnrolOffline(county, Field(req, "passphrase"), AsBytes(request), *role);
    }();
    if (!issued.ok()) return Failure(res, s, issued.status(), "/enrol");
    Headers(res);
    res.set_header("Content-Disposition",
                   "attachment; filename=\"" + issued->certificate.region + ".cert\"");
    res.set_content(std::string(issued->file.begin(), issued->file.end()),
                    "application/octet-stream");
  });

  // --- The audit ------------------------------------------------------------------------
  Get("/audit/verify", [this](const httplib::Request&, httplib::Response& res,
                              const ConsoleSession& s) { VerifyPage(res, s); });
  Post("/audit/verify", false, [this](const httplib::Request&, httplib::Response& res,
                                      const ConsoleSession& s) {
    StartVerify(s);
    Headers(res);
    res.status = 303;
    res.set_header("Location", "/audit/verify");
  });
  auto stale = [this](const httplib::Request& req, httplib::Response& res,
                      const ConsoleSession& s) {
    std::lock_guard lock(county_mutex);
    Result<AuditInputs> inputs = LoadAuditInputs();
    if (!inputs.ok()) return Failure(res, s, inputs.status());
    int64_t days = inputs->settings.stale_days;
    if (req.has_param("days")) {
      const std::string text = req.get_param_value("days");
      if (text.empty() || text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos) {
        return Failure(res, s, Status::Invalid("audit.input", "天数须为整数"), "/audit/stale");
      }
      days = std::stoll(text);
    }
    Result<std::vector<StaleNode>> nodes = AuditStale(county.replica().db(), inputs->directory, days, Now());
    if (!nodes.ok()) return Failure(res, s, nodes.status(), "/audit/stale");
    if (const Download kind = DownloadOf(req.path); kind != Download::kPage) {
      return SendTable(res, StaleTable(*nodes, TableFormat::kCsv), "stale", "久未联系", kind);
    }
    Page(res, s, "audit_tables",
         mstch::map{{"title", std::string("久未联系的节点")},
                    {"nav_stale", true},
                    {"days_form", true},
                    {"days", std::to_string(days)},
                    {"tables", mstch::array{TableContext(
                                   StaleTable(*nodes, TableFormat::kTerminal),
                                   "超过 " + std::to_string(days) + " 天没有数据送达县级的节点（已吊销的不列）",
                                   "/audit/stale?days=" + std::to_string(days))}}});
  };
  Get("/audit/stale", stale);
  Get("/audit/stale.csv", stale);
  Get("/audit/stale.xlsx", stale);
  Get("/audit/overdue", [this](const httplib::Request& req, httplib::Response& res,
                               const ConsoleSession& s) {
    const std::string period = req.has_param("period") ? req.get_param_value("period") : "";
    mstch::map context{{"title", std::string("逾期与公示期")},
                       {"nav_overdue", true},
                       {"period_form", true},
                       {"period", period}};
    if (period.empty()) return Page(res, s, "audit_tables", std::move(context));
    std::lock_guard lock(county_mutex);
    Result<AuditInputs> inputs = LoadAuditInputs();
    if (!inputs.ok()) return Failure(res, s, inputs.status());
    const NodeDirectory& directory = inputs->directory;
    Result<OverdueReport> report =
        AuditOverdue(county.replica().db(), directory, period, inputs->settings, Now());
    if (!report.ok()) return Failure(res, s, report.status(), "/audit/overdue");
    context["tables"] = mstch::array{
        TableContext(FinanceTable(*report, directory),
                     "财务公开逾期（" + report->period.text + "，期限 " +
                         report->deadline.day.ToString() + "）：" +
                         std::to_string(report->villages) + " 个村中 " +
                         std::to_string(report->finance.size()) + " 个逾期"),
        TableContext(SubsidyTable(*report, directory),
                     "惠农补贴公示期不足 " + std::to_string(report->min_publicity_days) + " 天")};
    Page(res, s, "audit_tables", std::move(context));
  });
  Get("/audit/alarms", [this](const httplib::Request&, httplib::Response& res,
                              const ConsoleSession& s) {
    std::lock_guard lock(county_mutex);
    Result<AuditInputs> inputs = LoadAuditInputs();
    if (!inputs.ok()) return Failure(res, s, inputs.status());
    const NodeDirectory& directory = inputs->directory;
    const AuditSettings& settings = inputs->settings;
    Result<AlarmsReport> report =
        AuditAlarms(county.replica().db(), directory, settings.clock_skew_hours);
    if (!report.ok()) return Failure(res, s, report.status());
    Page(res, s, "audit_tables",
         mstch::map{{"title", std::string("告警")},
                    {"nav_alarms", true},
                    {"tables",
                     mstch::array{
                         TableContext(EquivocationTable(*report, directory),
                                      "同一序号两个不同的数据包（篡改或恢复旧备份后重复签名）"),
                         TableContext(RefusedTable(*report), "拒收原因"),
                         TableContext(RevokedTable(*report), "已吊销的密钥仍在尝试"),
                         TableContext(ClockTable(*report, true),
                                      "节点时钟偏差超过 " +
                                          std::to_string(settings.clock_skew_hours) + " 小时")}}});
  });
  Get("/audit/report", [this](const httplib::Request& req, httplib::Response& res,
                              const ConsoleSession& s) { ReportPage(req, res, s); });
  for (const char* path : {"/audit/report.csv", "/audit/report.xlsx"}) {
    Get(path, [this](const httplib::Request& req, httplib::Response& res,
                     const ConsoleSession& s) { ReportPage(req, res, s); });
  }
  Get("/audit/proof", [this](const httplib::Request& req, httplib::Response& res,
                             const ConsoleSession& s) {
    const std::string ref = req.has_param("envelope") ? req.get_param_value("envelope") : "";
    Result<InclusionProofFile> proof = MakeEnvelopeProof(home / "replica.db", ref);
    if (!proof.ok()) return Failure(res, s, proof.status(), "/audit/history");
    Headers(res);
    res.set_header("Content-Disposition", "attachment; filename=\"proof-" +
                                              HexEncode(proof->envelope_id).substr(0, 12) +
                                              ".txt\"");
    res.set_content(FormatProofFile(*proof), "text/plain; charset=utf-8");
  });
  auto history = [this](const httplib::Request& req, httplib::Response& res,
                        const ConsoleSession& s) {
    HistoryQuery query;
    query.region = req.has_param("region") ? req.get_param_value("region") : "";
    const std::string disclosure = req.has_param("disclosure") ? req.get_param_value("disclosure") : "";
    mstch::map context{{"title", std::string("历史记录")},
                       {"nav_history", true},
                       {"history_form", true},
                       {"region", query.region},
                       {"disclosure", disclosure}};
    if (query.region.empty() && disclosure.empty()) return Page(res, s, "audit_tables", std::move(context));
    std::lock_guard lock(county_mutex);
    Result<NodeDirectory> directory = Directory();
    if (!directory.ok()) return Failure(res, s, directory.status());
    if (!disclosure.empty()) {
      Result<std::string> id = ResolveDisclosureId(county.replica().db(), disclosure);
      if (!id.ok()) return Failure(res, s, id.status(), "/audit/history");
      query.disclosure_id = *id;
    }
    Result<std::vector<HistoryEvent>> events = AuditHistory(county.replica().db(), *directory, query);
    if (!events.ok()) return Failure(res, s, events.status(), "/audit/history");
    if (const Download kind = DownloadOf(req.path); kind != Download::kPage) {
      return SendTable(res, HistoryTable(*events, TableFormat::kCsv), "history", "历史记录", kind);
    }
    context["tables"] = mstch::array{TableContext(
        HistoryTable(*events, TableFormat::kTerminal),
        "共 " + std::to_string(events->size()) +
            " 条。写入时间为写入节点自己的时钟，接收时间为县级汇聚节点的时钟。",
        "/audit/history?region=" + UrlEncode(query.region) +
            "&disclosure=" + UrlEncode(disclosure))};
    Page(res, s, "audit_tables", std::move(context));
  };
  Get("/audit/history", history);
  Get("/audit/history.csv", history);
  Get("/audit/history.xlsx", history);

  http->set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (res.status != 404 || !res.body.empty()) return;
    Failure(res, SessionOf(req), Status::NotFound("console.not_found", "没有这个页面：" + req.path));
  });
}

Result<std::unique_ptr<ConsoleServer>> ConsoleServer::Open(const std::filesystem::path& home,
                                                           ConsoleOptions options) {
  if (!options.wall_clock_ms) options.wall_clock_ms = WallClockMs;
  GK_ASSIGN_OR_RETURN(County county, OpenCounty(home));
  GK_RETURN_IF_ERROR(CreateConsoleTables(county.replica().db()));
  GK_RETURN_IF_ERROR(CreateEnrolTables(county.replica().db()));
  GK_RETURN_IF_ERROR(PrepareAuditTables(county.replica().db()));
  auto impl = std::make_unique<Impl>(home, std::move(options), std::move(county));
  if (impl->options.tls) {
    impl->http = std::make_unique<httplib::SSLServer>(impl->options.tls->certificate.c_str(),
                                                      impl->options.tls->private_key.c_str());
  } else {
    impl->http = std::make_unique<httplib::Server>();
  }
  impl->http->new_task_queue = [] { return new httplib::ThreadPool(4); };
  impl->Routes();
  return std::unique_ptr<ConsoleServer>(new ConsoleServer(std::move(impl)));
}

ConsoleServer::ConsoleServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ConsoleServer::~ConsoleServer() {
  // A verify still running is waited for: it only reads, and ends by itself.
  std::thread verifying;
  {
    std::lock_guard lock(impl_->verify.mutex);
    verifying = std::move(impl_->verify.thread);
  }
  if (verifying.joinable()) verifying.join();
}

Result<std::vector<ConsoleUser>> ConsoleServer::Users() {
  std::lock_guard lock(impl_->county_mutex);
  return ListConsoleUsers(impl_->county.replica().db());
}

Result<int> ConsoleServer::Bind(const std::string& host, int port) {
  if (!impl_->http->is_valid()) {
    return Status::Invalid(kErrServerTls,
                           "TLS 证书或私钥无法读取，或二者不配套（gongkai-hub tls init 可生成）");
  }
  const int bound = port == 0 ? impl_->http->bind_to_any_port(host)
                              : (impl_->http->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return Status::IoError(kErrConsoleListen, "县级管理界面无法监听 " + host + ":" +
                                                  std::to_string(port) +
                                                  "（端口被占用或地址不属于本机）");
  }
  return bound;
}

void ConsoleServer::Run() { impl_->http->listen_after_bind(); }

void ConsoleServer::Stop() { impl_->http->stop(); }

}  // namespace gongkai
