#include "node/web/ui_server.h"

#include "node/web/embedded_files.h"
#include "node/web/ui_app.h"

namespace gongkai {

namespace {

std::string ContentType(std::string_view name) {
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  if (name.ends_with(".png")) return "image/png";
  return "application/octet-stream";
}

}  // namespace

struct UiServer::Impl {
  std::unique_ptr<UiApp> app;
  httplib::Server server;
  std::string host;
  int port = 0;
};

UiServer::UiServer() : impl_(std::make_unique<Impl>()) {}
UiServer::~UiServer() {
  if (impl_ && impl_->app) impl_->app->JoinSync();
}

Result<std::unique_ptr<UiServer>> UiServer::Create(const UiServerOptions& options) {
  GK_ASSIGN_OR_RETURN(NodeSession session, OpenNodeSession(options.home, true));
  const Role role = session.identity.role;
  std::unique_ptr<UiServer> ui(new UiServer());
  Impl& impl = *ui->impl_;
  impl.host = options.host;
  httplib::Server& server = impl.server;
  if (options.port == 0) {
    impl.port = server.bind_to_any_port(options.host);
    if (impl.port <= 0) {
      return Status::Unavailable(kErrWebListen, "无法在 " + options.host + " 上监听");
    }
  } else {
    if (!server.bind_to_port(options.host, options.port)) {
      return Status::Unavailable(kErrWebListen, "无法在 " + options.host + ":" +
                                                    std::to_string(options.port) +
                                                    " 上监听（端口已被占用？）");
    }
    impl.port = options.port;
  }
  const std::string authority = options.host + ":" + std::to_string(impl.port);
  impl.app = std::make_unique<UiApp>(options.home, authority, options.secret, role);
  UiApp& app = *impl.app;
  app.SetNode(session.node_name, session.identity.region);

  server.set_payload_max_length(kMaxUploadBytes);
  server.set_pre_routing_handler([&app](const httplib::Request& req, httplib::Response& res) {
    if (!app.guard().HostAllowed(req.get_header_value("Host"))) {
      Refuse(res, 403, "请求的主机名不是本机界面的地址，已拒绝", kErrWebHost);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.path.rfind("/assets/", 0) == 0 && req.method == "GET") {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    if (req.has_param("secret")) {
      std::optional<std::string> session = app.guard().OpenSession(req.get_param_value("secret"));
      if (!session) {
        Refuse(res, 403, "打开地址中的口令不对：请用 gongkai ui 启动时显示的地址", kErrWebSession);
        return httplib::Server::HandlerResponse::Handled;
      }
      res.set_header("Set-Cookie", app.guard().SessionCookie(*session));
      Redirect(res, "/");
      return httplib::Server::HandlerResponse::Handled;
    }
    const std::string session = RequestSession(app, req);
    if (session.empty()) {
      Refuse(res, 403, "请用 gongkai ui 启动时显示的地址打开本界面", kErrWebSession);
      return httplib::Server::HandlerResponse::Handled;
    }
    // The CSRF token of a POST is checked by PostForm (ui_app.h) once the body is read.
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.Get(R"(/assets/([a-z0-9_.\-]+))", [](const httplib::Request& req, httplib::Response& res) {
    const std::string name = "assets/" + req.matches[1].str();
    std::optional<std::string_view> data = FindEmbeddedFile(name);
    if (!data) {
      res.status = 404;
      return;
    }
    res.set_header("Cache-Control", "max-age=3600");
    res.set_content(std::string(*data), ContentType(name));
  });
  RegisterDisclosurePages(app, server);
  RegisterExchangePages(app, server);
  RegisterImportPages(app, server);
  if (role == Role::kTownship) {
    RegisterTownshipPages(app, server);
  } else {
    RegisterClerkPages(app, server);
  }
  return ui;
}

std::string UiServer::url() const {
  return "http://" + impl_->host + ":" + std::to_string(impl_->port) +
         "/?secret=" + impl_->app->guard().secret();
}

int UiServer::port() const { return impl_->port; }

void UiServer::Run() {
  impl_->server.listen_after_bind();
  impl_->app->JoinSync();
}

void UiServer::Stop() { impl_->server.stop(); }

}  // namespace gongkai
