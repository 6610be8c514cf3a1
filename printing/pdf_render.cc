#include "printing/pdf_render.h"

#include <cairo-pdf.h>
#include <stdio.h>

#include <fstream>
#include <optional>
#include <string>

#include "printing/cairo_handles.h"
#include "printing/font_coverage.h"
#include "printing/font_subset_repair.h"
#include "printing/page_plan.h"
#include "printing/qr_code.h"
#include "printing/sheet_blocks.h"
#include "printing/typesetter.h"

namespace gongkai {
namespace {

constexpr double kMarginMm = 15;
constexpr double kPageNumberBandMm = 10;

PageBox MakeBox(double width, double height) {
  PageBox box;
  box.width = width;
  box.height = height;
  box.left = kMarginMm * kPointsPerMm;
  box.right = width - kMarginMm * kPointsPerMm;
  box.top = kMarginMm * kPointsPerMm;
  box.bottom = height - (kMarginMm + kPageNumberBandMm) * kPointsPerMm;
  return box;
}

void DrawPage(const Sheet& sheet, const SheetPlan& plan, size_t page, BlockPainter* painter,
              const PageBox& box) {
  painter->PageHeader(page == 0, box.top, true);
  for (const PlacedBlock& b : plan.pages[page]) {
    switch (b.kind) {
      case BlockKind::kParagraph:
        painter->DrawParagraphLines(b.index, b.y, b.begin, b.end);
        break;
      case BlockKind::kTableHeader:
        painter->TableHeader(b.y, true);
        break;
      case BlockKind::kTableRows: {
        double y = b.y;
        for (size_t r = b.begin; r < b.end; ++r) {
          painter->TableRow(r, y, true, plan.row_heights[r]);
          y += plan.row_heights[r];
        }
        break;
      }
      case BlockKind::kSubtotal:
        painter->SumRow("本页小计", painter->Sums(b.begin, b.end), b.y, true);
        break;
      case BlockKind::kGrandTotal:
        painter->SumRow(sheet.grand_total_label, painter->Sums(0, sheet.rows.size()), b.y, true);
        break;
      case BlockKind::kTotals:
        painter->Totals(b.y, true);
        break;
      case BlockKind::kOpinion:
        painter->FieldLine(sheet.opinions[b.index], b.y, true);
        break;
      case BlockKind::kFooterField:
        painter->FieldLine(sheet.footer_fields[b.index], b.y, true);
        break;
      case BlockKind::kReviewChain:
        painter->ReviewChain(b.y, true);
        break;
      case BlockKind::kAttachments:
        painter->Attachments(b.y, true);
        break;
      case BlockKind::kSignatures:
        painter->Signatures(b.y, true);
        break;
    }
  }
  painter->PageFooter(static_cast<int>(page) + 1, static_cast<int>(plan.pages.size()));
  if (!sheet.approved) painter->Watermark();
}

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// The PDF is made in memory: cairo's font subsets are repaired (font_subset_repair.h)
// before anything is written to `path`.
Status Render(const Sheet& sheet, const std::string& path, RenderReport* report) {
  std::optional<QrMatrix> qr;
  if (!sheet.qr_payload.empty()) {
    GK_ASSIGN_OR_RETURN(qr, EncodeQr(sheet.qr_payload));
  }
  std::string pdf;
  SurfaceHandle surface(
      cairo_pdf_surface_create_for_stream(AppendToString, &pdf, kA3ShortSidePt, kA3LongSidePt));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Status::IoError(kErrPrintWrite, "无法创建 PDF");
  }
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, sheet.title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "gongkai");
  CairoHandle cr(cairo_create(surface.get()));
  Typesetter type(cr.get());

  GK_ASSIGN_OR_RETURN(FontCoverage coverage, FontCoverage::Load(type.context()));
  report->missing_glyphs = FindMissingGlyphs(sheet, &coverage, &report->missing_glyph_total);

  PageBox box = MakeBox(kA3ShortSidePt, kA3LongSidePt);
  std::optional<std::vector<double>> widths;
  if (!sheet.columns.empty()) {
    widths = FitColumns(sheet, &type, box.content_width());
    if (!widths) {
      box = MakeBox(kA3LongSidePt, kA3ShortSidePt);
      widths = FitColumns(sheet, &type, box.content_width());
      if (!widths) {
        return Status::Invalid(kErrPrintTableTooWide,
                               "表格有 " + std::to_string(sheet.columns.size()) +
                                   " 列，A3 横向也放不下，请减少列数或缩短内容");
      }
      report->landscape = true;
      cairo_pdf_surface_set_size(surface.get(), box.width, box.height);
    }
  }
  BlockPainter painter(sheet, &type, cr.get(), box, widths.value_or(std::vector<double>{}),
                       qr ? &*qr : nullptr);
  const double first_top = box.top + painter.PageHeader(true, 0, false) + kBlockGap;
  const double next_top = box.top + painter.PageHeader(false, 0, false) + kBlockGap;
  GK_ASSIGN_OR_RETURN(SheetPlan plan, PlanPages(sheet, &painter, box, first_top, next_top));

  for (size_t page = 0; page < plan.pages.size(); ++page) {
    DrawPage(sheet, plan, page, &painter, box);
    cairo_show_page(cr.get());
  }
  cr.Reset();
  cairo_surface_finish(surface.get());
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Status::IoError(
        kErrPrintWrite,
        "写入 " + path + " 失败：" + cairo_status_to_string(cairo_surface_status(surface.get())));
  }
  surface.Reset();
  GK_ASSIGN_OR_RETURN(std::string repaired, RepairPdfFontSubsets(pdf, &report->font_repair));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(repaired.data(), static_cast<std::streamsize>(repaired.size()));
  out.close();
  if (!out) return Status::IoError(kErrPrintWrite, "无法写入 " + path);
  report->page_count = static_cast<int>(plan.pages.size());
  return Status::Ok();
}

}  // namespace

Status RenderSheetPdf(const Sheet& sheet, const std::string& out_path, RenderReport* report) {
  GK_RETURN_IF_ERROR(ValidateSheet(sheet));
  RenderReport local;
  const std::string temp = out_path + ".tmp";
  Status status = Render(sheet, temp, &local);
  if (status.ok() && rename(temp.c_str(), out_path.c_str()) != 0) {
    status = Status::IoError(kErrPrintWrite, "无法把 " + temp + " 改名为 " + out_path);
  }
  if (!status.ok()) {
    remove(temp.c_str());
    return status;
  }
  if (report != nullptr) *report = std::move(local);
  return Status::Ok();
}

}  // namespace gongkai
