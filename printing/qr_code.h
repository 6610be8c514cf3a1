// The QR code printed on every sheet page. The payload (disclosure id, version hash, hub log
// index; made by node/) is encoded by libqrencode in 8-bit mode at error-correction level M,
// whatever its characters, so the bytes read back are exactly the bytes given. It is drawn as
// filled cairo rectangles (vector, sharp at any printer resolution) with the 4-module quiet
// zone the QR standard asks for. A payload with bytes >= 0x80 is preceded by ECI 26 (UTF-8) so
// readers decode Chinese correctly; an ASCII payload has no ECI header.
#ifndef GONGKAI_PRINTING_QR_CODE_H_
#define GONGKAI_PRINTING_QR_CODE_H_

#include <cairo.h>

#include <string_view>
#include <vector>

#include "protocol/status.h"

namespace gongkai {

inline constexpr int kQrQuietModules = 4;
// ECI designator for UTF-8, written before 8-bit data that is not plain ASCII.
inline constexpr unsigned int kQrEciUtf8 = 26;
// Printed width of the symbol without its quiet zone, whatever its version, so a phone
// reads it from a notice board (about 1 mm per module for the usual version 3-4 payloads).
inline constexpr double kQrSymbolMm = 32.0;

inline constexpr char kErrQrEncode[] = "qr.encode";

// A square of modules, row-major; true = dark.
struct QrMatrix {
  int width = 0;
  std::vector<bool> dark;
  bool at(int x, int y) const { return dark[static_cast<size_t>(y) * width + x]; }
};

// Encodes `payload` (any bytes, including none). Fails with kErrQrEncode when libqrencode
// refuses (payload beyond the largest version).
Result<QrMatrix> EncodeQr(std::string_view payload);

// Side of the square the code needs, quiet zone included, in points.
double QrTotalSize(const QrMatrix& qr);

// Draws the code with its top-left quiet-zone corner at (x, y): white square, black modules
// (horizontal runs merged into one rectangle each).
void DrawQr(cairo_t* cr, const QrMatrix& qr, double x, double y);

}  // namespace gongkai

#endif  // GONGKAI_PRINTING_QR_CODE_H_
