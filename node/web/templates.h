// Rendering the pages: Mustache templates (node/web/templates/*.mustache, embedded at build
// time) through mstch. Every page is `layout.mustache` around the page's own template,
// which the layout includes as the partial {{> content}}. Values are HTML-escaped by
// {{name}}; no template uses the unescaped {{{name}}} form for anything a person typed.
// Thread-safety: may be called from several threads at once.
#ifndef GONGKAI_NODE_WEB_TEMPLATES_H_
#define GONGKAI_NODE_WEB_TEMPLATES_H_

#include <mstch/mstch.hpp>
#include <string>
#include <string_view>

#include "node/web/embedded_files.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrWebTemplate[] = "web.template";

// Renders templates/<name>.mustache with `context` (no layout). web.template when there is
// no such template.
Result<std::string> RenderTemplate(std::string_view name, const mstch::map& context);

// Renders the page `name` inside the layout; `context` must hold "title" (the page title)
// and may hold "csrf", "node_name", "role_label", "notice", "error", "error_code".
Result<std::string> RenderPage(std::string_view name, mstch::map context);

// RenderPage over another table of embedded files (the county console's, hub/console), whose
// templates/ hold their own "layout".
Result<std::string> RenderPageFrom(const std::vector<EmbeddedFile>& files, std::string_view name,
                                   mstch::map context);

}  // namespace gongkai

#endif  // GONGKAI_NODE_WEB_TEMPLATES_H_
