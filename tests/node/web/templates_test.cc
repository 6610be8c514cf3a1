// The embedded templates render, inside the layout, with what a person typed escaped.
#include "node/web/templates.h"

#include <doctest/doctest.h>

#include "node/web/embedded_files.h"

namespace gongkai {
namespace {

TEST_CASE("templates and assets are embedded in the program") {
  CHECK(FindEmbeddedFile("templates/layout.mustache").has_value());
  CHECK(FindEmbeddedFile("templates/clerk_home.mustache").has_value());
  CHECK(FindEmbeddedFile("templates/township_home.mustache").has_value());
  std::optional<std::string_view> css = FindEmbeddedFile("assets/app.css");
  REQUIRE(css.has_value());
  CHECK(css->find("Noto Sans CJK SC") != std::string_view::npos);
  // Nothing is fetched from the network: no template or asset names another host.
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    INFO(f.name);
    CHECK(f.data.find("http://") == std::string_view::npos);
    CHECK(f.data.find("https://") == std::string_view::npos);
    CHECK(f.data.find("@import") == std::string_view::npos);
  }
  CHECK_FALSE(FindEmbeddedFile("templates/none.mustache").has_value());
}

TEST_CASE("a page renders in the layout with its values escaped") {
  mstch::map ctx{{"title", std::string("新建公开事项")},
                 {"csrf", std::string("tok123")},
                 {"categories", mstch::array{mstch::map{{"value", std::string("finance")},
                                                        {"label", std::string("财务公开")},
                                                        {"selected", true}}}},
                 {"form", mstch::map{{"title", std::string("<script>alert(1)</script>")}}},
                 {"error", std::string("期间“x”无效")},
                 {"error_code", std::string("workflow.input")}};
  Result<std::string> html = RenderPage("new", ctx);
  REQUIRE(html.ok());
  CHECK(html->find("<!doctype html>") == 0);
  CHECK(html->find("<title>新建公开事项") != std::string::npos);
  CHECK(html->find("name=\"csrf\" value=\"tok123\"") != std::string::npos);
  CHECK(html->find(">保存草稿</button>") != std::string::npos);
  CHECK(html->find("<option value=\"finance\" selected>财务公开</option>") != std::string::npos);
  CHECK(html->find("<script>alert(1)</script>") == std::string::npos);
  CHECK(html->find("&lt;script&gt;alert(1)") != std::string::npos);
  CHECK(html->find("（workflow.input）") != std::string::npos);
}

TEST_CASE("an unknown page is web.template") {
  Result<std::string> html = RenderPage("no_such_page", mstch::map{});
  REQUIRE_FALSE(html.ok());
  CHECK(html.status().code() == kErrWebTemplate);
}

}  // namespace
}  // namespace gongkai
