// Sync with the county hub (/sync: started in the background, its progress shown by a page
// that refreshes itself, or by app.js polling /sync/state) and USB bundles (/bundles).
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "node/app/status_message.h"
#include "node/web/ui_app.h"
#include "node/web/web_actions.h"

namespace gongkai {

namespace {

// The folders a bundle may be written to: mounted USB sticks (/media/*, /media/USER/*,
// /run/media/USER/*) and the home's own bundles folder.
std::vector<std::filesystem::path> BundleTargets(const std::string& home) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  auto add_children = [&out, &ec](const std::filesystem::path& dir, int depth,
                                  auto&& self) -> void {
    if (!std::filesystem::is_directory(dir, ec)) return;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (!entry.is_directory(ec)) continue;
      if (depth == 0) {
        out.push_back(entry.path());
      } else {
        const size_t before = out.size();
        self(entry.path(), depth - 1, self);
        if (out.size() == before && dir == "/media") out.push_back(entry.path());
      }
    }
  };
  add_children("/media", 1, add_children);
  add_children("/run/media", 1, add_children);
  out.push_back(std::filesystem::path(home) / "bundles");
  return out;
}

std::vector<std::filesystem::path> BundlesOn(const std::vector<std::filesystem::path>& targets) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& dir : targets) {
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.is_regular_file(ec) && entry.path().extension() == ".gkb")
        out.push_back(entry.path());
    }
  }
  return out;
}

mstch::map SyncContext(const SyncJob& job) {
  mstch::map ctx{{"title", std::string("同步")}, {"running", job.running}, {"done", job.done}};
  if (job.done && !job.status.ok()) {
    ctx["failed"] = ChineseMessage(job.status);
    ctx["failed_code"] = job.status.code();
  }
  if (job.done && job.report) {
    const SyncReport& r = *job.report;
    ctx["report"] = mstch::map{{"pushed", std::to_string(r.pushed)},
                               {"push_applied", std::to_string(r.push_applied)},
                               {"push_duplicate", std::to_string(r.push_duplicate)},
                               {"pulled", std::to_string(r.pulled)},
                               {"pull_applied", std::to_string(r.pull_applied)},
                               {"pull_duplicate", std::to_string(r.pull_duplicate)},
                               {"withheld", std::to_string(r.withheld)},
                               {"has_withheld", r.withheld > 0}};
    mstch::array refused;
    for (const SyncRefusal& x : r.refused) {
      refused.push_back(mstch::map{
          {"by", std::string(x.pushed ? "县汇聚服务器拒收本村送出的" : "本机拒收县里送来的")},
          {"id", x.envelope_id.substr(0, 12)},
          {"message", x.message},
          {"code", x.code}});
    }
    ctx["refused"] = refused;
    ctx["has_refused"] = !refused.empty();
  }
  return ctx;
}

void ShowBundles(UiApp& app, const httplib::Request& req, httplib::Response& res, mstch::map ctx,
                 const Status& failure = Status::Ok()) {
  ctx["title"] = std::string("U盘数据包");
  const std::vector<std::filesystem::path> targets = BundleTargets(app.home());
  mstch::array target_rows;
  for (const auto& t : targets) target_rows.push_back(mstch::map{{"path", t.string()}});
  ctx["targets"] = target_rows;
  mstch::array files;
  for (const auto& f : BundlesOn(targets))
    files.push_back(mstch::map{{"path", f.string()}, {"name", f.filename().string()}});
  ctx["files"] = files;
  ctx["has_files"] = !files.empty();
  if (app.role() == Role::kTownship) {
    mstch::array regions;
    Status listed = app.WithNode([&regions](NodeSession& node) -> Status {
      ListFilter filter;
      filter.region = node.identity.region;
      GK_ASSIGN_OR_RETURN(std::vector<DisclosureState> all,
                          ListDisclosures(node.replica->db(), filter));
      std::set<std::string> seen;
      for (const DisclosureState& s : all) {
        if (s.region.size() == 12 && seen.insert(s.region).second)
          regions.push_back(mstch::map{{"region", s.region}});
      }
      return Status::Ok();
    });
    (void)listed;
    ctx["villages"] = regions;
  }
  if (!failure.ok()) return SendErrorPage(app, req, res, "bundles", std::move(ctx), failure);
  SendPage(app, req, res, "bundles", std::move(ctx));
}

}  // namespace

void RegisterExchangePages(UiApp& app, httplib::Server& server) {
  server.Get("/sync", [&app](const httplib::Request& req, httplib::Response& res) {
    SendPage(app, req, res, "sync", SyncContext(app.sync_job()));
  });
  PostForm(app, server, "/sync", [&app](const httplib::Request&, httplib::Response& res) {
    app.StartSync();
    Redirect(res, "/sync");
  });
  server.Get("/sync/state", [&app](const httplib::Request&, httplib::Response& res) {
    const SyncJob job = app.sync_job();
    nlohmann::json out{{"running", job.running}, {"done", job.done}};
    if (job.done && !job.status.ok()) {
      out["error"] = {{"code", job.status.code()}, {"message", ChineseMessage(job.status)}};
    }
    if (job.report) {
      out["pushed"] = job.report->pushed;
      out["pulled"] = job.report->pulled;
      out["refused"] = job.report->refused.size();
    }
    res.set_header("Cache-Control", "no-store");
    res.set_content(out.dump(), "application/json");
  });
  server.Get("/bundles", [&app](const httplib::Request& req, httplib::Response& res) {
    ShowBundles(app, req, res, mstch::map{});
  });
  PostForm(app, server, "/bundles/export",
           [&app](const httplib::Request& req, httplib::Response& res) {
             const std::string target = FormField(req, "target");
             const std::string for_region = FormField(req, "for_region");
             bool offered = false;
             for (const auto& t : BundleTargets(app.home()))
               offered = offered || t.string() == target;
             if (!offered) {
               return ShowBundles(app, req, res, mstch::map{},
                                  Status::Invalid(kErrWebInput, "请从列表中选择U盘或数据包文件夹"));
             }
             std::error_code ec;
             std::filesystem::create_directories(target, ec);
             mstch::map ctx;
             Status status = app.WithNode([&](NodeSession& node) -> Status {
               GK_ASSIGN_OR_RETURN(ExportReport report, WebExportBundle(node, target, for_region));
               ctx["exported"] = mstch::map{{"path", report.path.string()},
                                            {"envelopes", std::to_string(report.envelopes)},
                                            {"bytes", std::to_string(report.bytes)},
                                            {"left_out", std::to_string(report.left_out)},
                                            {"has_left_out", report.left_out > 0}};
               return Status::Ok();
             });
             ShowBundles(app, req, res, std::move(ctx), status);
           });
  PostForm(app, server, "/bundles/import",
           [&app](const httplib::Request& req, httplib::Response& res) {
             std::filesystem::path path;
             std::filesystem::path uploaded;
             if (req.has_file("file") && !req.get_file_value("file").filename.empty()) {
               uploaded = std::filesystem::temp_directory_path() /
                          ("gongkai-ui-" + RandomToken().substr(0, 16) + ".gkb");
               std::ofstream out(uploaded, std::ios::binary);
               const std::string& content = req.get_file_value("file").content;
               out.write(content.data(), static_cast<std::streamsize>(content.size()));
               path = uploaded;
             } else {
               const std::string chosen = FormField(req, "path");
               for (const auto& f : BundlesOn(BundleTargets(app.home()))) {
                 if (f.string() == chosen) path = f;
               }
             }
             if (path.empty()) {
               return ShowBundles(
                   app, req, res, mstch::map{},
                   Status::Invalid(kErrWebInput, "请选择U盘上的数据包，或上传数据包文件"));
             }
             mstch::map ctx;
             Status status = app.WithNode([&](NodeSession& node) -> Status {
               GK_ASSIGN_OR_RETURN(ImportReport report, WebImportBundle(node, path));
               mstch::array refused;
               for (const RefusedEnvelope& r : report.refused) {
                 refused.push_back(
                     mstch::map{{"message", ChineseMessage(r.status)}, {"code", r.status.code()}});
               }
               ctx["imported"] = mstch::map{{"maker_region", report.maker_region},
                                            {"envelopes", std::to_string(report.envelopes)},
                                            {"applied", std::to_string(report.applied)},
                                            {"duplicate", std::to_string(report.duplicate)},
                                            {"out_of_scope", std::to_string(report.out_of_scope)},
                                            {"refused_count", std::to_string(report.refused_count)},
                                            {"refused", refused}};
               return Status::Ok();
             });
             std::error_code ec;
             if (!uploaded.empty()) std::filesystem::remove(uploaded, ec);
             ShowBundles(app, req, res, std::move(ctx), status);
           });
}

}  // namespace gongkai
