// Move-only owners of the cairo, Pango and libqrencode handles printing/ uses. Internal to
// printing/ (not part of its public API).
#ifndef GONGKAI_PRINTING_CAIRO_HANDLES_H_
#define GONGKAI_PRINTING_CAIRO_HANDLES_H_

#include <cairo.h>
#include <glib-object.h>
#include <pango/pango.h>
#include <qrencode.h>

#include <utility>

namespace gongkai {

// Owns one T* and releases it with Free; null is allowed and not freed.
template <typename T, void (*Free)(T*)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(T* p) : p_(p) {}
  Handle(Handle&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      Reset();
      p_ = std::exchange(other.p_, nullptr);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { Reset(); }

  T* get() const { return p_; }
  explicit operator bool() const { return p_ != nullptr; }
  void Reset() {
    if (p_ != nullptr) Free(p_);
    p_ = nullptr;
  }

 private:
  T* p_ = nullptr;
};

template <typename T>
void UnrefAsGObject(T* p) {
  g_object_unref(p);
}

using SurfaceHandle = Handle<cairo_surface_t, cairo_surface_destroy>;
using CairoHandle = Handle<cairo_t, cairo_destroy>;
using FontOptionsHandle = Handle<cairo_font_options_t, cairo_font_options_destroy>;
using LayoutHandle = Handle<PangoLayout, UnrefAsGObject<PangoLayout>>;
using FontHandle = Handle<PangoFont, UnrefAsGObject<PangoFont>>;
using PangoContextHandle = Handle<PangoContext, UnrefAsGObject<PangoContext>>;
using FontDescriptionHandle = Handle<PangoFontDescription, pango_font_description_free>;
using LayoutIterHandle = Handle<PangoLayoutIter, pango_layout_iter_free>;
using QrCodeHandle = Handle<QRcode, QRcode_free>;
using QrInputHandle = Handle<QRinput, QRinput_free>;

}  // namespace gongkai

#endif  // GONGKAI_PRINTING_CAIRO_HANDLES_H_
