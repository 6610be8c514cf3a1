#include "printing/font_coverage.h"

#include <glib.h>
#include <pango/pangocairo.h>
#include <string.h>

namespace gongkai {

Result<FontCoverage> FontCoverage::Load(PangoContext* context) {
  FontDescriptionHandle desc(pango_font_description_new());
  pango_font_description_set_family(desc.get(), kSheetFontFamily);
  pango_font_description_set_size(desc.get(), 12 * PANGO_SCALE);
  FontHandle font(pango_context_load_font(context, desc.get()));
  if (!font) {
    return Status::Unavailable(kErrPrintFontMissing, "找不到字体 Noto Sans CJK SC");
  }
  FontDescriptionHandle loaded(pango_font_describe(font.get()));
  const char* family = pango_font_description_get_family(loaded.get());
  if (family == nullptr || strcmp(family, kSheetFontFamily) != 0) {
    return Status::Unavailable(kErrPrintFontMissing,
                               std::string("找不到字体 Noto Sans CJK SC（系统给出 ") +
                                   (family ? family : "无") + "），请安装 fonts-noto-cjk");
  }
  return FontCoverage(std::move(font));
}

Status CheckSheetFont() {
  // The default cairo font map is shared and owned by Pango; the context is ours.
  PangoContextHandle context(pango_font_map_create_context(pango_cairo_font_map_get_default()));
  return FontCoverage::Load(context.get()).status();
}

bool FontCoverage::HasChar(char32_t code_point) {
  auto it = cache_.find(code_point);
  if (it != cache_.end()) return it->second;
  const bool has = pango_font_has_char(font_.get(), static_cast<gunichar>(code_point));
  cache_.emplace(code_point, has);
  return has;
}

namespace {

class Checker {
 public:
  explicit Checker(FontCoverage* coverage) : coverage_(coverage) {}

  void Check(std::string_view text, const std::string& where) {
    const char* p = text.data();
    const char* end = text.data() + text.size();
    while (p < end) {
      const gunichar c = g_utf8_get_char_validated(p, end - p);
      if (c == static_cast<gunichar>(-1) || c == static_cast<gunichar>(-2)) {
        ++p;  // Pango replaces invalid bytes itself; nothing the font could show
        continue;
      }
      const char* next = g_utf8_next_char(p);
      if (c >= 0x80 && !g_unichar_iscntrl(c) && !coverage_->HasChar(c)) {
        ++total_;
        if (found_.size() < kMaxMissingGlyphReports) {
          found_.push_back({c, std::string(p, next), where});
        }
      }
      p = next;
    }
  }

  std::vector<MissingGlyph> found_;
  size_t total_ = 0;

 private:
  FontCoverage* coverage_;
};

std::string Quoted(const std::string& s) { return "“" + s + "”"; }

}  // namespace

std::vector<MissingGlyph> FindMissingGlyphs(const Sheet& sheet, FontCoverage* coverage,
                                            size_t* total) {
  Checker check(coverage);
  check.Check(sheet.county, "县名");
  check.Check(sheet.township, "乡镇名");
  check.Check(sheet.village, "村名");
  check.Check(sheet.title, "标题");
  check.Check(sheet.period, "期间");
  for (const Field& f : sheet.header_fields) {
    check.Check(f.key, "表头栏目");
    check.Check(f.value, "表头" + Quoted(f.key));
  }
  for (size_t i = 0; i < sheet.paragraphs.size(); ++i) {
    check.Check(sheet.paragraphs[i], "正文第 " + std::to_string(i + 1) + " 段");
  }
  for (const Column& c : sheet.columns) check.Check(c.header, "列名" + Quoted(c.header));
  for (size_t r = 0; r < sheet.rows.size(); ++r) {
    for (size_t c = 0; c < sheet.rows[r].size() && c < sheet.columns.size(); ++c) {
      const std::string& text = sheet.rows[r][c].text;
      if (text.empty()) continue;
      check.Check(text, "第 " + std::to_string(r + 1) + " 行" + Quoted(sheet.columns[c].header));
    }
  }
  check.Check(sheet.grand_total_label, "合计");
  for (const TotalLine& t : sheet.totals) {
    check.Check(t.label + t.value + t.capitals, "合计栏" + Quoted(t.label));
  }
  for (const Field& f : sheet.opinions) check.Check(f.key + f.value, Quoted(f.key));
  for (const Field& f : sheet.footer_fields) check.Check(f.key + f.value, Quoted(f.key));
  for (size_t i = 0; i < sheet.review_chain.size(); ++i) {
    const ReviewStep& s = sheet.review_chain[i];
    check.Check(s.stage + s.who + s.decision + s.when,
                "审核记录第 " + std::to_string(i + 1) + " 条");
  }
  for (size_t i = 0; i < sheet.attachments.size(); ++i) {
    check.Check(sheet.attachments[i], "附件第 " + std::to_string(i + 1) + " 项");
  }
  for (const std::string& s : sheet.signatures) check.Check(s, "签名栏");
  check.Check(sheet.seal_label, "公章栏");
  if (total != nullptr) *total = check.total_;
  return std::move(check.found_);
}

}  // namespace gongkai
