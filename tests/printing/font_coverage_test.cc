#include "printing/font_coverage.h"

#include <cairo-pdf.h>
#include <doctest/doctest.h>

#include "printing/typesetter.h"
#include "tests/printing/sample_sheets.h"

namespace gongkai {
namespace {

struct Fixture {
  Fixture()
      : surface(cairo_pdf_surface_create_for_stream(nullptr, nullptr, 100, 100)),
        cr(cairo_create(surface.get())),
        type(cr.get()) {}
  SurfaceHandle surface;
  CairoHandle cr;
  Typesetter type;
};

TEST_CASE("font coverage: probe") {
  Fixture f;
  auto coverage = FontCoverage::Load(f.type.context());
  REQUIRE(coverage.ok());
  for (char32_t c : {U'䶮', U'㛃', U'𠮷', U'国', U'A', U'\U0002A6A5', U'\U00030000'}) {
    MESSAGE(static_cast<unsigned>(c), " ", coverage->HasChar(c));
  }
}

}  // namespace
}  // namespace gongkai
