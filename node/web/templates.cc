#include "node/web/templates.h"

#include <map>

#include "node/web/embedded_files.h"

namespace gongkai {

namespace {

Result<std::string> TemplateText(std::string_view name) {
  std::optional<std::string_view> text =
      FindEmbeddedFile("templates/" + std::string(name) + ".mustache");
  if (!text) return Status::NotFound(kErrWebTemplate, "没有页面模板 " + std::string(name));
  return std::string(*text);
}

// The partials every template may use: each embedded template by its name.
const std::map<std::string, std::string>& Partials() {
  static const std::map<std::string, std::string> partials = [] {
    std::map<std::string, std::string> out;
    const std::string_view prefix = "templates/";
    const std::string_view suffix = ".mustache";
    for (const EmbeddedFile& file : EmbeddedFiles()) {
      if (file.name.substr(0, prefix.size()) != prefix ||
          file.name.size() < prefix.size() + suffix.size())
        continue;
      std::string_view stem =
          file.name.substr(prefix.size(), file.name.size() - prefix.size() - suffix.size());
      out.emplace(std::string(stem), std::string(file.data));
    }
    return out;
  }();
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

}  // namespace gongkai
