// What the pages of `gongkai ui` share: the node's home, the safety guard, one lock over the
// replica, uploads waiting to be corrected, the sync running in the background, and the
// helpers that render a page inside the layout. Handlers live in clerk_pages.cc,
// township_pages.cc and exchange_pages.cc; the server (ui_server.h) routes to them.
// Thread-safety: the members say which lock guards them.
#ifndef GONGKAI_NODE_WEB_UI_APP_H_
#define GONGKAI_NODE_WEB_UI_APP_H_

#include <httplib.h>

#include <functional>
#include <map>
#include <mstch/mstch.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "node/app/node_session.h"
#include "node/exchange/hub_sync.h"
#include "node/intake/import_error.h"
#include "node/intake/sheet.h"
#include "node/web/ui_guard.h"
#include "node/workflow/workflow.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrWebInput[] = "web.input";
inline constexpr char kErrWebCsrf[] = "web.csrf";
inline constexpr char kErrWebHost[] = "web.host";
inline constexpr char kErrWebSession[] = "web.session";
// Uploads held for correction in the browser, at most this many (oldest dropped).
inline constexpr size_t kMaxPendingImports = 16;
// Largest request body (an uploaded list or bundle).
inline constexpr size_t kMaxUploadBytes = 64 * 1024 * 1024;

// An uploaded list that had errors, kept so the clerk can fix its cells in the page.
struct PendingImport {
  std::string id;             // random, in the page's URL
  std::string disclosure_id;  // "" for a new disclosure
  DraftInput input;           // everything but import_path
  std::string file_name;      // as uploaded
  ImportSheet sheet;          // the cells as read (or as last edited)
  std::vector<ImportError> errors;
  std::string summary;  // the Chinese sentence of the summary status, with its code
};

struct SyncJob {
  bool running = false;
  bool done = false;
  int64_t started_ms = 0;
  std::optional<SyncReport> report;
  Status status;
};

class UiApp {
 public:
  // `host` is the listening address:port; `secret` empty for a random one.
  UiApp(std::string home, std::string host, std::string secret, Role role);

  const std::string& home() const { return home_; }
  UiGuard& guard() { return guard_; }
  Role role() const { return role_; }
  // The node's name and region, from its certificate (set once at start).
  void SetNode(std::string name, std::string region) {
    node_name_ = std::move(name);
    region_ = std::move(region);
  }
  const std::string& node_name() const { return node_name_; }
  const std::string& region() const { return region_; }

  // Opens the node's session (with its key) under the replica lock and runs `fn` with it;
  // an error opening is returned as is.
  Status WithNode(const std::function<Status(NodeSession&)>& fn);

  // The pending imports (guarded by their own lock).
  std::string AddPending(PendingImport pending);  // returns its id
  std::optional<PendingImport> FindPending(const std::string& id);
  void UpdatePending(const PendingImport& pending);
  void DropPending(const std::string& id);

  // Starts a sync in the background unless one is running. Returns false when one was.
  bool StartSync();
  SyncJob sync_job();
  void JoinSync();  // waits for a running sync (on shutdown)

 private:
  std::string home_;
  UiGuard guard_;
  Role role_;
  std::string node_name_;
  std::string region_;
  std::mutex node_mutex_;
  std::mutex pending_mutex_;
  std::vector<PendingImport> pending_;
  std::mutex sync_mutex_;
  SyncJob sync_;
  std::thread sync_thread_;
};

// The session id of an authorised request ("" when the pre-routing check did not pass it).
std::string RequestSession(UiApp& app, const httplib::Request& req);

// A form field of a url-encoded or multipart request ("" when absent).
std::string FormField(const httplib::Request& req, const std::string& name);

// Renders templates/<page>.mustache in the layout and sends it. Adds to `context` the
// layout's values (title given by the caller; csrf, node name, role, navigation).
void SendPage(UiApp& app, const httplib::Request& req, httplib::Response& res,
              const std::string& page, mstch::map context, int http_status = 200);

// Sends the page `page` with an error box for `status` (and the import errors, if any).
void SendErrorPage(UiApp& app, const httplib::Request& req, httplib::Response& res,
                   const std::string& page, mstch::map context, const Status& status,
                   const std::vector<ImportError>& errors = {});

// A 303 redirect to `location` with an optional notice shown once on that page (?notice=).
void Redirect(httplib::Response& res, const std::string& location, const std::string& notice = "");

// Amount in cents as "1234.56".
std::string Yuan(int64_t cents);

// Registers a POST handler that runs only when the request's CSRF field is its session's
// token (else 403 web.csrf, nothing done). The form body is read only after routing, so
// the check is here rather than before routing. Every POST goes through this.
void PostForm(UiApp& app, httplib::Server& server, const std::string& pattern,
              httplib::Server::Handler handler);

// The refusal page (403 and others) with its code.
void Refuse(httplib::Response& res, int status, const std::string& text, const std::string& code);

// The pages of each role (registered by the server).
void RegisterClerkPages(UiApp& app, httplib::Server& server);
void RegisterTownshipPages(UiApp& app, httplib::Server& server);
void RegisterDisclosurePages(UiApp& app, httplib::Server& server);
void RegisterExchangePages(UiApp& app, httplib::Server& server);
void RegisterImportPages(UiApp& app, httplib::Server& server);

}  // namespace gongkai

#endif  // GONGKAI_NODE_WEB_UI_APP_H_
