// A cairo PDF surface writing nowhere, for tests of printing/'s internal parts.
#ifndef GONGKAI_TESTS_PRINTING_INTERNAL_FIXTURE_H_
#define GONGKAI_TESTS_PRINTING_INTERNAL_FIXTURE_H_

#include <cairo-pdf.h>

#include "printing/cairo_handles.h"
#include "printing/pdf_render.h"
#include "printing/typesetter.h"

namespace gongkai::testing {

struct CairoFixture {
  CairoFixture()
      : surface(
            cairo_pdf_surface_create_for_stream(nullptr, nullptr, kA3ShortSidePt, kA3LongSidePt)),
        cr(cairo_create(surface.get())),
        type(cr.get()) {}
  SurfaceHandle surface;
  CairoHandle cr;
  Typesetter type;
};

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_PRINTING_INTERNAL_FIXTURE_H_
