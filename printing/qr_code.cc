#include "printing/qr_code.h"

#include <string>

#include "printing/cairo_handles.h"

namespace gongkai {
namespace {

constexpr double kPointsPerMm = 72.0 / 25.4;

double ModuleSize(const QrMatrix& qr) { return kQrSymbolMm / qr.width * kPointsPerMm; }

}  // namespace

Result<QrMatrix> EncodeQr(std::string_view payload) {
  // QRcode_encodeData forces 8-bit mode for the whole payload.
  const std::string copy(payload);
  QrCodeHandle code(QRcode_encodeData(static_cast<int>(copy.size()),
                                      reinterpret_cast<const unsigned char*>(copy.data()), 0,
                                      QR_ECLEVEL_M));
  if (!code) {
    return Status::Invalid(kErrQrEncode,
                           "二维码无法编码（" + std::to_string(payload.size()) + " 字节）");
  }
  QrMatrix qr;
  qr.width = code.get()->width;
  qr.dark.resize(static_cast<size_t>(qr.width) * qr.width);
  for (size_t i = 0; i < qr.dark.size(); ++i) qr.dark[i] = (code.get()->data[i] & 1) != 0;
  return qr;
}

double QrTotalSize(const QrMatrix& qr) {
  return ModuleSize(qr) * (qr.width + 2 * kQrQuietModules);
}

void DrawQr(cairo_t* cr, const QrMatrix& qr, double x, double y) {
  const double m = ModuleSize(qr);
  cairo_save(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, x, y, QrTotalSize(qr), QrTotalSize(qr));
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  const double x0 = x + kQrQuietModules * m;
  const double y0 = y + kQrQuietModules * m;
  for (int row = 0; row < qr.width; ++row) {
    int col = 0;
    while (col < qr.width) {
      if (!qr.at(col, row)) {
        ++col;
        continue;
      }
      const int start = col;
      while (col < qr.width && qr.at(col, row)) ++col;
      cairo_rectangle(cr, x0 + start * m, y0 + row * m, (col - start) * m, m);
    }
  }
  // One fill of all runs; adjacent rows share edges exactly, so no hairline gaps appear
  // when antialiased rasterizers meet them.
  cairo_fill(cr);
  cairo_restore(cr);
}

}  // namespace gongkai
