// Creating and editing drafts from the browser, with an uploaded CSV/XLSX list: /new,
// /d/ID/edit, and /import/P (a list that had errors, shown as an editable grid; saved from
// the grid or replaced by a corrected file). Every save goes through the same CreateDraft
// / EditDraft as `gongkai new` / `gongkai edit` (web_actions.h): the list is written to a
// file and imported, so the checks and their messages are the command's.
#include <filesystem>
#include <fstream>

#include "node/app/status_message.h"
#include "node/intake/import_source.h"
#include "node/web/page_data.h"
#include "node/web/ui_app.h"
#include "node/web/web_actions.h"

namespace gongkai {

namespace {

// Most rows shown as an editable grid; a longer list is corrected by replacing the file.
constexpr size_t kMaxGridRows = 2000;

// A folder of its own for one import's file, removed with it.
class TempFolder {
 public:
  TempFolder()
      : path_(std::filesystem::temp_directory_path() /
              ("gongkai-ui-" + RandomToken().substr(0, 16))) {
    std::filesystem::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The uploaded file's own name, without any folder part, so messages name the file the
// clerk knows.
std::string SafeFileName(const std::string& name) {
  std::string base = ImportFileName(name);
  if (base.empty() || base == "." || base == "..") base = "上传的文件.csv";
  return base;
}

Status WriteFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return Status::IoError(kErrWebInput, "无法写入临时文件 " + path.string());
  return Status::Ok();
}

// The grid as CSV text (every cell quoted; empty lines keep the row numbers of the sheet).
std::string SheetCsv(const ImportSheet& sheet) {
  std::string out;
  int64_t line = 0;
  for (const SheetRow& row : sheet.rows) {
    while (line + 1 < row.number) {
      out += "\r\n";
      ++line;
    }
    for (size_t c = 0; c < row.cells.size(); ++c) {
      if (c > 0) out += ",";
      out += "\"";
      for (char ch : row.cells[c]) {
        if (ch == '"') out += "\"";
        out += ch;
      }
      out += "\"";
    }
    out += "\r\n";
    ++line;
  }
  return out;
}

Result<std::optional<int64_t>> Days(const std::string& text) {
  if (text.empty()) return std::optional<int64_t>();
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || n > kMaxPublicityDays) {
      return Status::Invalid(kErrWebInput, "公示天数“" + text + "”无效：请填 1 到 " +
                                               std::to_string(kMaxPublicityDays));
    }
    n = n * 10 + (c - '0');
  }
  if (n < 1 || n > kMaxPublicityDays) {
    return Status::Invalid(kErrWebInput, "公示天数应为 1 到 " + std::to_string(kMaxPublicityDays));
  }
  return std::optional<int64_t>(n);
}

std::optional<std::string> Field(const httplib::Request& req, const std::string& name) {
  std::string value = FormField(req, name);
  if (value.empty()) return std::nullopt;
  return value;
}

// The draft fields of a form (not the file).
Result<DraftInput> InputFromForm(const httplib::Request& req) {
  DraftInput input;
  input.title = Field(req, "title");
  input.period = Field(req, "period");
  input.body_text = Field(req, "body");
  input.publicity_from = Field(req, "publicity_from");
  input.author = Field(req, "author");
  GK_ASSIGN_OR_RETURN(input.publicity_days, Days(FormField(req, "publicity_days")));
  return input;
}

constexpr const char* kFormFields[] = {"title",          "period",         "body",
                                       "publicity_days", "publicity_from", "author"};

// Every field present (empty), so no template value falls through to the page's own.
mstch::map EmptyForm() {
  mstch::map form;
  for (const char* name : kFormFields) form[name] = std::string();
  return form;
}

mstch::map FormValues(const httplib::Request& req) {
  mstch::map form;
  for (const char* name :
       {"title", "period", "body", "publicity_days", "publicity_from", "author"}) {
    form[name] = FormField(req, name);
  }
  return form;
}

// Imports `file_bytes` (named `file_name`, may be empty for none) into a new draft or the
// draft of `pending.disclosure_id`. Returns the disclosure id; on failure *errors holds
// the file's errors and *sheet its cells when it could be read.
Result<std::string> SaveDraft(UiApp& app, const PendingImport& pending,
                              const std::string& file_name, const std::string& file_bytes,
                              std::vector<ImportError>* errors, std::optional<ImportSheet>* sheet) {
  TempFolder folder;
  DraftInput input = pending.input;
  if (!file_name.empty()) {
    const std::filesystem::path path = folder.path() / SafeFileName(file_name);
    GK_RETURN_IF_ERROR(WriteFile(path, file_bytes));
    input.import_path = path.string();
  }
  std::string id;
  Status status = app.WithNode([&](NodeSession& node) -> Status {
    Result<Draft> draft = pending.disclosure_id.empty()
                              ? WebCreateDraft(node, input, errors)
                              : WebEditDraft(node, pending.disclosure_id, input, errors);
    if (!draft.ok()) return draft.status();
    id = draft->id;
    return Status::Ok();
  });
  if (!status.ok() && !file_name.empty() && !errors->empty()) {
    Result<ImportSheet> read = ReadSheetBytes(file_bytes, SafeFileName(file_name));
    if (read.ok()) *sheet = std::move(*read);
  }
  if (!status.ok()) return status;
  return id;
}

// Saves from a form; on an import error with a readable sheet, keeps it for the grid.
void SaveFromForm(UiApp& app, const httplib::Request& req, httplib::Response& res,
                  PendingImport pending, const std::string& page, mstch::map page_context) {
  std::string file_name;
  std::string file_bytes;
  if (req.has_file("file") && !req.get_file_value("file").filename.empty()) {
    file_name = req.get_file_value("file").filename;
    file_bytes = req.get_file_value("file").content;
  }
  std::vector<ImportError> errors;
  std::optional<ImportSheet> sheet;
  Result<std::string> id = SaveDraft(app, pending, file_name, file_bytes, &errors, &sheet);
  if (id.ok()) {
    Redirect(res, "/d/" + *id, "已保存草稿。核对无误后点“提交”。");
    return;
  }
  if (sheet && sheet->rows.size() <= kMaxGridRows) {
    pending.file_name = SafeFileName(file_name);
    pending.sheet = std::move(*sheet);
    pending.errors = errors;
    pending.summary = ChineseMessage(id.status()) + "（" + id.status().code() + "）";
    const std::string pid = app.AddPending(std::move(pending));
    Redirect(res, "/import/" + pid);
    return;
  }
  SendErrorPage(app, req, res, page, std::move(page_context), id.status(), errors);
}

void ShowPending(UiApp& app, const httplib::Request& req, httplib::Response& res,
                 const PendingImport& pending, int http_status) {
  mstch::map ctx = SheetGrid(pending.sheet, pending.errors);
  ctx["title"] = std::string("导入有误：") + pending.file_name;
  ctx["pending_id"] = pending.id;
  ctx["file_name"] = pending.file_name;
  ctx["summary"] = pending.summary;
  ctx["error_count"] = std::to_string(pending.errors.size());
  ctx["errors"] = ImportErrorRows(pending.errors);
  ctx["back"] = pending.disclosure_id.empty() ? std::string("/") : "/d/" + pending.disclosure_id;
  SendPage(app, req, res, "import", std::move(ctx), http_status);
}

// Saves a pending import from `bytes`; on failure shows the grid again.
void SavePending(UiApp& app, const httplib::Request& req, httplib::Response& res,
                 PendingImport pending, const std::string& file_name, const std::string& bytes) {
  std::vector<ImportError> errors;
  std::optional<ImportSheet> sheet;
  Result<std::string> id = SaveDraft(app, pending, file_name, bytes, &errors, &sheet);
  if (id.ok()) {
    app.DropPending(pending.id);
    Redirect(res, "/d/" + *id, "已保存草稿，导入无误。核对后点“提交”。");
    return;
  }
  pending.file_name = SafeFileName(file_name);
  if (sheet) pending.sheet = std::move(*sheet);
  pending.errors = errors;
  pending.summary = ChineseMessage(id.status()) + "（" + id.status().code() + "）";
  app.UpdatePending(pending);
  ShowPending(app, req, res, pending, PageStatusFor(id.status()));
}

}  // namespace

void RegisterImportPages(UiApp& app, httplib::Server& server) {
  server.Get("/new", [&app](const httplib::Request& req, httplib::Response& res) {
    const std::string category =
        req.has_param("category") ? req.get_param_value("category") : "finance";
    SendPage(app, req, res, "new",
             mstch::map{{"title", std::string("新建公开事项")},
                        {"categories", CategoryChoices(category)},
                        {"form", EmptyForm()}});
  });
  PostForm(app, server, "/new", [&app](const httplib::Request& req, httplib::Response& res) {
    mstch::map ctx{{"title", std::string("新建公开事项")},
                   {"categories", CategoryChoices(FormField(req, "category"))},
                   {"form", FormValues(req)}};
    Result<DraftInput> input = InputFromForm(req);
    if (!input.ok()) return SendErrorPage(app, req, res, "new", std::move(ctx), input.status());
    Result<Category> category = ParseCategory(FormField(req, "category"));
    if (!category.ok())
      return SendErrorPage(app, req, res, "new", std::move(ctx), category.status());
    input->category = *category;
    PendingImport pending;
    pending.input = std::move(*input);
    SaveFromForm(app, req, res, std::move(pending), "new", std::move(ctx));
  });
  PostForm(app, server, R"(/d/([0-9a-f]{32})/edit)",
           [&app](const httplib::Request& req, httplib::Response& res) {
             const std::string id = req.matches[1].str();
             mstch::map ctx{
                 {"title", std::string("修改公开事项")}, {"form", FormValues(req)}, {"id", id}};
             Result<DraftInput> input = InputFromForm(req);
             if (!input.ok())
               return SendErrorPage(app, req, res, "edit_failed", std::move(ctx), input.status());
             PendingImport pending;
             pending.disclosure_id = id;
             pending.input = std::move(*input);
             SaveFromForm(app, req, res, std::move(pending), "edit_failed", std::move(ctx));
           });
  server.Get(
      R"(/import/([0-9a-f]{24}))", [&app](const httplib::Request& req, httplib::Response& res) {
        std::optional<PendingImport> pending = app.FindPending(req.matches[1].str());
        if (!pending) {
          return SendErrorPage(app, req, res, "message",
                               mstch::map{{"title", std::string("导入已失效")}},
                               Status::NotFound(kErrWebInput, "这次导入已过期，请重新上传文件"));
        }
        ShowPending(app, req, res, *pending, 200);
      });
  PostForm(app, server, R"(/import/([0-9a-f]{24})/save)",
           [&app](const httplib::Request& req, httplib::Response& res) {
             std::optional<PendingImport> pending = app.FindPending(req.matches[1].str());
             if (!pending) {
               return SendErrorPage(
                   app, req, res, "message", mstch::map{{"title", std::string("导入已失效")}},
                   Status::NotFound(kErrWebInput, "这次导入已过期，请重新上传文件"));
             }
             ImportSheet edited = pending->sheet;
             for (size_t r = 0; r < edited.rows.size(); ++r) {
               SheetRow& row = edited.rows[r];
               for (size_t c = 0;; ++c) {
                 const std::string field = "c_" + std::to_string(r) + "_" + std::to_string(c);
                 if (!req.has_param(field)) break;
                 if (c >= row.cells.size()) row.cells.resize(c + 1);
                 row.cells[c] = req.get_param_value(field);
               }
               while (!row.cells.empty() && row.cells.back().empty()) row.cells.pop_back();
             }
             SavePending(app, req, res, *pending, pending->file_name, SheetCsv(edited));
           });
  PostForm(app, server, R"(/import/([0-9a-f]{24})/replace)",
           [&app](const httplib::Request& req, httplib::Response& res) {
             std::optional<PendingImport> pending = app.FindPending(req.matches[1].str());
             if (!pending) {
               return SendErrorPage(
                   app, req, res, "message", mstch::map{{"title", std::string("导入已失效")}},
                   Status::NotFound(kErrWebInput, "这次导入已过期，请重新上传文件"));
             }
             if (!req.has_file("file") || req.get_file_value("file").filename.empty()) {
               pending->summary = "请选择改好的文件（" + std::string(kErrWebInput) + "）";
               return ShowPending(app, req, res, *pending, 400);
             }
             SavePending(app, req, res, *pending, req.get_file_value("file").filename,
                         req.get_file_value("file").content);
           });
}

}  // namespace gongkai
