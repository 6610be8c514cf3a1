#include "node/web/templates.h"

#include <map>

#include "node/web/embedded_files.h"

namespace gongkai {

namespace {

Result<std::string> TemplateText(const std::vector<EmbeddedFile>& files, std::string_view name) {
  const std::string path = "templates/" + std::string(name) + ".mustache";
  for (const EmbeddedFile& file : files) {
    if (file.name == path) return std::string(file.data);
  }
  return Status::NotFound(kErrWebTemplate, "没有页面模板 " + std::string(name));
}

// Each template of `files` by its name: the partials every template may use.
std::map<std::string, std::string> PartialsOf(const std::vector<EmbeddedFile>& files) {
  std::map<std::string, std::string> out;
  const std::string_view prefix = "templates/";
  const std::string_view suffix = ".mustache";
  for (const EmbeddedFile& file : files) {
    if (file.name.substr(0, prefix.size()) != prefix ||
        file.name.size() < prefix.size() + suffix.size())
      continue;
    std::string_view stem =
        file.name.substr(prefix.size(), file.name.size() - prefix.size() - suffix.size());
    out.emplace(std::string(stem), std::string(file.data));
  }
  return out;
}

Result<std::string> TemplateText(std::string_view name) {
  return TemplateText(EmbeddedFiles(), name);
}

const std::map<std::string, std::string>& Partials() {
  static const std::map<std::string, std::string> partials = PartialsOf(EmbeddedFiles());
  return partials;
}

}  // namespace

Result<std::string> RenderTemplate(std::string_view name, const mstch::map& context) {
  GK_ASSIGN_OR_RETURN(std::string text, TemplateText(name));
  return mstch::render(text, context, Partials());
}

Result<std::string> RenderPage(std::string_view name, mstch::map context) {
  GK_ASSIGN_OR_RETURN(std::string page, TemplateText(name));
  GK_ASSIGN_OR_RETURN(std::string layout, TemplateText("layout"));
  std::map<std::string, std::string> partials = Partials();
  partials["content"] = page;
  return mstch::render(layout, context, partials);
}

Result<std::string> RenderPageFrom(const std::vector<EmbeddedFile>& files, std::string_view name,
                                   mstch::map context) {
  GK_ASSIGN_OR_RETURN(std::string page, TemplateText(files, name));
  GK_ASSIGN_OR_RETURN(std::string layout, TemplateText(files, "layout"));
  std::map<std::string, std::string> partials = PartialsOf(files);
  partials["content"] = page;
  return mstch::render(layout, context, partials);
}

}  // namespace gongkai
