// The enrolment token's QR code (hub/enrolment/enrol_qr.h).
#include "hub/enrolment/enrol_qr.h"

#include <cairo.h>

#include <memory>

#include "node/json/json_text.h"
#include "printing/qr_code.h"

namespace gongkai {

namespace {

struct SurfaceFree {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoFree {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};

}  // namespace

std::string EnrolQrPayload(const IssuedEnrolToken& issued, std::string_view hub_url,
                           std::string_view fingerprint) {
  JsonObject o;
  if (!fingerprint.empty()) o.Set("fp", fingerprint);
  if (!hub_url.empty()) o.Set("hub", hub_url);
  o.Set("name", issued.name);
  o.Set("region", issued.region);
  o.Set("role", RoleName(issued.role));
  o.Set("token", issued.token);
  return o.ToString();
}

Status WriteQrPng(const std::string& path, std::string_view payload) {
  GK_ASSIGN_OR_RETURN(QrMatrix qr, EncodeQr(payload));
  const int pixels = (qr.width + 2 * kQrQuietModules) * kQrPngModulePixels;
  std::unique_ptr<cairo_surface_t, SurfaceFree> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, pixels, pixels));
  std::unique_ptr<cairo_t, CairoFree> cr(cairo_create(surface.get()));
  // DrawQr works in points; scale its square onto whole pixels per module.
  const double scale = pixels / QrTotalSize(qr);
  cairo_scale(cr.get(), scale, scale);
  cairo_set_antialias(cr.get(), CAIRO_ANTIALIAS_NONE);
  DrawQr(cr.get(), qr, 0, 0);
  cairo_surface_flush(surface.get());
  if (cairo_surface_write_to_png(surface.get(), path.c_str()) != CAIRO_STATUS_SUCCESS) {
    return Status::IoError(kErrEnrolQrWrite, "无法写入二维码图片 " + path);
  }
  return Status::Ok();
}

}  // namespace gongkai
