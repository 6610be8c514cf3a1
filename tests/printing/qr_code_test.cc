#include "printing/qr_code.h"

#include <cairo.h>
#include <doctest/doctest.h>

#include "printing/cairo_handles.h"
#include "printing/sheet.h"
#include "tests/printing/pdf_tools.h"

namespace gongkai {
namespace {

// Draws the code on a white 150 dpi image (as pdftoppm -r 150 would) and reads it back.
std::string DrawAndDecode(const QrMatrix& qr, const testing::TempDir& dir) {
  const double scale = 150.0 / 72.0;
  const int side = static_cast<int>(QrTotalSize(qr) * scale) + 40;
  SurfaceHandle surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side));
  CairoHandle cr(cairo_create(surface.get()));
  cairo_set_source_rgb(cr.get(), 1, 1, 1);
  cairo_paint(cr.get());
  cairo_scale(cr.get(), scale, scale);
  DrawQr(cr.get(), qr, 10, 10);
  const std::string png = dir.File("qr.png");
  cairo_surface_write_to_png(surface.get(), png.c_str());
  return testing::Run("zbarimg --raw -q '" + png + "' 2>/dev/null");
}

TEST_CASE("a short payload is a small version, printed about 32 mm wide") {
  auto qr = EncodeQr("GK1|d=3f2a9c|v=7b1e0d44aa90c3e1|log=1287");
  REQUIRE(qr.ok());
  CHECK(qr->width == 29);  // version 3 at level M in 8-bit mode (42 bytes fit)
  const double mm = 25.4 / 72.0;
  CHECK(QrTotalSize(*qr) * mm == doctest::Approx(kQrSymbolMm * (29.0 + 8) / 29.0));
  CHECK(QrTotalSize(*qr) * mm >= 30.0);
}

TEST_CASE("drawn codes decode to the exact payload") {
  testing::TempDir dir("qr");
  for (const std::string& payload :
       {std::string("GK1|d=3f2a9c|v=7b1e0d44aa90c3e1|log=1287"), std::string("GK1|村=杏花村"),
        std::string(kMaxQrPayloadBytes, 'Z')}) {
    auto qr = EncodeQr(payload);
    REQUIRE(qr.ok());
    CHECK(DrawAndDecode(*qr, dir) == payload + "\n");
  }
}

TEST_CASE("a payload beyond the largest version is refused") {
  auto qr = EncodeQr(std::string(3000, 'x'));
  CHECK(qr.status().code() == kErrQrEncode);
}

}  // namespace
}  // namespace gongkai
