#include "printing/qr_code.h"

#include <algorithm>
#include <string>

#include "printing/cairo_handles.h"

namespace gongkai {
namespace {

constexpr double kPointsPerMm = 72.0 / 25.4;

double ModuleSize(const QrMatrix& qr) { return kQrSymbolMm / qr.width * kPointsPerMm; }

}  // namespace

Result<QrMatrix> EncodeQr(std::string_view payload) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(payload.data());
  const bool ascii = std::all_of(payload.begin(), payload.end(),
                                 [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
  QrInputHandle input(QRinput_new2(0, QR_ECLEVEL_M));
  bool built = static_cast<bool>(input);
  // Non-ASCII payloads say they are UTF-8 (ECI 26); without it readers guess Shift JIS or
  // Latin-1 for 8-bit data and misread Chinese.
  if (built && !ascii) built = QRinput_appendECIheader(input.get(), kQrEciUtf8) == 0;
  if (built) {
    built = QRinput_append(input.get(), QR_MODE_8, static_cast<int>(payload.size()), bytes) == 0;
  }
  QrCodeHandle code(built ? QRcode_encodeInput(input.get()) : nullptr);
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

double QrTotalSize(const QrMatrix& qr) { return ModuleSize(qr) * (qr.width + 2 * kQrQuietModules); }

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
