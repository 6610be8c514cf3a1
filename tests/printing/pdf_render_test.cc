// Reads rendered sheets back with independent tools: pdfinfo, pdffonts, pdftotext, pdftoppm
// and zbarimg.
#include "printing/pdf_render.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <regex>

#include "printing/chinese_amount.h"
#include "printing/layouts.h"
#include "tests/printing/pdf_tools.h"
#include "tests/printing/sample_sheets.h"

namespace gongkai {
namespace {

using testing::CountOccurrences;
using testing::Run;

constexpr char kPortrait[] = "841.89 x 1190.55 pts (A3)";
constexpr char kLandscape[] = "1190.55 x 841.89 pts (A3)";

int PdfPages(const std::string& pdf) {
  std::smatch m;
  const std::string info = Run("pdfinfo '" + pdf + "'");
  if (!std::regex_search(info, m, std::regex("Pages:\\s+(\\d+)"))) return -1;
  return std::stoi(m[1]);
}

// pdftotext -layout without the diagonal watermark, one string per page.
std::vector<std::string> Pages(const std::string& pdf) {
  return testing::PageTexts(pdf, "-nodiag");
}

// The page's text in content order with all white space removed: the diagonal watermark
// comes out one character per line, in order.
std::string RawPageCompact(const std::string& pdf, int page) {
  const std::string raw = Run("pdftotext -raw -f " + std::to_string(page) + " -l " +
                              std::to_string(page) + " '" + pdf + "' -");
  std::string out;
  for (char ch : raw) {
    if (ch != ' ' && ch != '\n' && ch != '\f' && ch != '\r') out += ch;
  }
  return out;
}

std::string DecodeQr(const std::string& pdf, int page, const testing::TempDir& dir) {
  const std::string prefix = dir.File("qr" + std::to_string(page));
  Run("pdftoppm -r 150 -png -singlefile -f " + std::to_string(page) + " -l " +
      std::to_string(page) + " '" + pdf + "' '" + prefix + "'");
  return Run("zbarimg --raw -q '" + prefix + ".png' 2>/dev/null");
}

// Text with the 小计/合计 lines removed: what is left holds each row's values once.
std::string WithoutSumLines(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("本页小计") == std::string::npos && line.find("合计") == std::string::npos) {
      out += line + "\n";
    }
  }
  return out;
}

TEST_CASE("1,000-row subsidy list: A3, fonts, every row once, masked, watermark, QR") {
  testing::TempDir dir("render_subsidy");
  const std::string pdf = dir.File("subsidy.pdf");
  const SubsidyNotice list = testing::SampleSubsidyList(1000, false);
  RenderReport report;
  Status status = RenderSheetPdf(MakeSubsidySheet(list), pdf, &report);
  REQUIRE(status.ok());
  CHECK_FALSE(std::filesystem::exists(pdf + ".tmp"));
  CHECK_FALSE(report.landscape);
  CHECK(report.missing_glyphs.empty());
  REQUIRE(report.page_count > 1);

  const std::string info = Run("pdfinfo '" + pdf + "'");
  CHECK(info.find(kPortrait) != std::string::npos);
  CHECK(PdfPages(pdf) == report.page_count);

  // Every font embedded as a subset; the sheet font in both weights.
  const std::string fonts = Run("pdffonts '" + pdf + "'");
  std::istringstream lines(fonts);
  std::string line;
  int font_rows = 0;
  std::getline(lines, line);
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    ++font_rows;
    CHECK_MESSAGE(std::regex_search(line, std::regex("\\byes\\s+yes\\s+yes\\b")), line);
  }
  CHECK(font_rows >= 2);
  CHECK(fonts.find("NotoSansCJKsc-Regular") != std::string::npos);
  CHECK(fonts.find("NotoSansCJKsc-Bold") != std::string::npos);

  const std::vector<std::string> pages = Pages(pdf);
  REQUIRE(pages.size() == static_cast<size_t>(report.page_count));
  std::string all;
  size_t table_pages = 0;
  for (size_t i = 0; i < pages.size(); ++i) {
    const std::string& page = pages[i];
    all += page;
    const std::string number =
        "第 " + std::to_string(i + 1) + " 页/共 " + std::to_string(pages.size()) + " 页";
    CHECK_MESSAGE(CountOccurrences(page, number) == 1, number);
    // The header row is repeated on every page the table runs over, each with its 小计;
    // only the closing blocks (totals, review chain, signatures) may sit on a page alone.
    if (CountOccurrences(page, "户主姓名") == 1) {
      ++table_pages;
      CHECK(CountOccurrences(page, "本页小计") == 1);
    }
    CHECK(CountOccurrences(page, kUnapprovedWatermark) == 1);  // the plain line
    CHECK(CountOccurrences(page, i == 0 ? "发放公示\n" : "发放公示（续）") == 1);
    CHECK(CountOccurrences(RawPageCompact(pdf, static_cast<int>(i + 1)),
                           "未经乡镇审核不得张贴") == 2);  // the line and the diagonal mark
  }
  CHECK(CountOccurrences(all, "杏花村2024年耕地地力保护补贴发放公示") == pages.size());
  CHECK(table_pages >= pages.size() - 1);
  CHECK(CountOccurrences(all, "户主姓名") == table_pages);
  CHECK(CountOccurrences(all, "本页小计") == table_pages);
  CHECK(CountOccurrences(all, "合计（1000 户）") == 1);
  CHECK(CountOccurrences(pages[table_pages - 1], "合计（1000 户）") == 1);

  const auto tokens = testing::CountTokens(WithoutSumLines(all));
  const std::string raw_pdf = testing::ReadAll(pdf);
  int64_t area = 0;
  int64_t amount = 0;
  for (size_t i = 0; i < list.entries.size(); ++i) {
    const SubsidyEntry& e = list.entries[i];
    auto count = [&tokens](const std::string& s) {
      auto it = tokens.find(s);
      return it == tokens.end() ? 0 : it->second;
    };
    CHECK_MESSAGE(count(e.head_name) == 1, e.head_name);
    CHECK_MESSAGE(count(FormatScaled(e.amount_cents, 2)) == 1, e.amount_cents);
    CHECK_MESSAGE(count(FormatScaled(*e.area, 2)) == 1, *e.area);
    CHECK_MESSAGE(count(MaskIdNumber(e.id_number)) == 1, e.id_number);
    CHECK_MESSAGE(count(MaskAccount(e.account)) == 1, e.account);
    CHECK(all.find(e.id_number) == std::string::npos);
    CHECK(raw_pdf.find(e.id_number) == std::string::npos);
    CHECK(all.find(e.account) == std::string::npos);
    area += *e.area;
    amount += e.amount_cents;
  }
  CHECK(CountOccurrences(pages[table_pages - 1], FormatScaled(amount, 2)) >= 1);
  CHECK(CountOccurrences(pages[table_pages - 1], FormatScaled(area, 2)) >= 1);
  std::string closing;  // from the last table page on: totals, phones, review chain
  for (size_t i = table_pages - 1; i < pages.size(); ++i) closing += pages[i];
  CHECK(CountOccurrences(closing, FormatScaled(amount, 2) + " 元") == 1);
  CHECK(CountOccurrences(closing, AmountInChineseCapitals(amount)) == 1);
  CHECK(CountOccurrences(closing, "0311-8560000") == 1);

  // The 本页小计 of page 1 is the sum of the rows printed on page 1.
  int64_t page_one = 0;
  for (const SubsidyEntry& e : list.entries) {
    if (CountOccurrences(pages[0], " " + FormatScaled(e.amount_cents, 2) + " ") == 1) {
      page_one += e.amount_cents;
    }
  }
  std::smatch m;
  REQUIRE(std::regex_search(pages[0], m, std::regex("本页小计\\s+[0-9.,]+\\s+([0-9.,]+)")));
  CHECK(m[1] == FormatScaled(page_one, 2));

  CHECK(DecodeQr(pdf, 1, dir) == list.context.qr_payload + "\n");
  CHECK(DecodeQr(pdf, report.page_count, dir) == list.context.qr_payload + "\n");
}

TEST_CASE("an approved sheet carries no watermark") {
  testing::TempDir dir("render_approved");
  const std::string pdf = dir.File("approved.pdf");
  RenderReport report;
  REQUIRE(
      RenderSheetPdf(MakeSubsidySheet(testing::SampleSubsidyList(80, true)), pdf, &report).ok());
  REQUIRE(report.page_count >= 2);
  const std::string raw = Run("pdftotext -raw '" + pdf + "' -");
  CHECK(raw.find("未") == std::string::npos);
  CHECK(raw.find("张贴") == std::string::npos);
  CHECK(raw.find("乡镇审核") != std::string::npos);  // the review chain still prints
}

TEST_CASE("finance statement: totals and their 大写 appear; QR decodes") {
  testing::TempDir dir("render_finance");
  const std::string pdf = dir.File("finance.pdf");
  FinanceNotice statement = testing::SampleFinance(200, true);
  statement.context.qr_payload = "GK1|d=财务|v=01";  // 8-bit mode carries UTF-8 as is
  const Sheet sheet = MakeFinanceSheet(statement);
  RenderReport report;
  REQUIRE(RenderSheetPdf(sheet, pdf, &report).ok());
  const std::vector<std::string> pages = Pages(pdf);
  REQUIRE(pages.size() == static_cast<size_t>(report.page_count));
  const std::string& last = pages.back();
  REQUIRE(sheet.totals.size() == 4);
  for (const TotalLine& t : sheet.totals) {
    CHECK_MESSAGE(
        std::regex_search(last, std::regex(t.label + "\\s+" +
                                           std::regex_replace(t.value, std::regex("\\."), "\\.") +
                                           "\\s+大写：" + t.capitals)),
        t.label);
  }
  CHECK(last.find("民主理财小组/村务监督委员会审核意见") != std::string::npos);
  CHECK(last.find("镇农经站（三资代理中心）审核意见") != std::string::npos);
  CHECK(last.find("村民委员会（公章）") != std::string::npos);
  std::string all;
  for (const std::string& p : pages) all += p;
  CHECK(CountOccurrences(all, "2024年第三季度村级财务收支公开表") == pages.size());
  CHECK(DecodeQr(pdf, 1, dir) == statement.context.qr_payload + "\n");
}

TEST_CASE("affairs notice: paragraphs split across pages print each line once") {
  testing::TempDir dir("render_affairs");
  const std::string pdf = dir.File("affairs.pdf");
  AffairsNotice notice = testing::SampleAffairs(false);
  for (int i = 0; i < 60; ++i) {
    notice.paragraphs.push_back("补充说明第" + std::to_string(1000 + i) +
                                "号：村民代表会议议定事项按程序逐项公开，接受村民监督，"
                                "对公开内容有疑问的可向村务监督委员会查询原始凭证和会议记录。");
  }
  RenderReport report;
  REQUIRE(RenderSheetPdf(MakeAffairsSheet(notice), pdf, &report).ok());
  CHECK(report.page_count >= 2);
  std::string all;
  for (const std::string& p : Pages(pdf)) all += p;
  for (int i = 0; i < 60; ++i) {
    CHECK(CountOccurrences(all, "补充说明第" + std::to_string(1000 + i) + "号") == 1);
  }
  for (const std::string& a : notice.attachments) CHECK(CountOccurrences(all, a) == 1);
  CHECK(CountOccurrences(all, "含新迁入户3户") == 1);
  CHECK(CountOccurrences(all, kUnapprovedWatermark) == static_cast<size_t>(report.page_count));
}

Sheet WideSheet(size_t columns, int64_t value) {
  Sheet sheet;
  sheet.title = "宽表";
  sheet.approved = true;
  for (size_t c = 0; c < columns; ++c) {
    Column col;
    col.header = "金额" + std::to_string(c + 1);
    col.numeric = true;
    col.sum = true;
    sheet.columns.push_back(col);
  }
  for (int r = 0; r < 5; ++r) sheet.rows.emplace_back(columns, Cell::Number(value + r));
  return sheet;
}

TEST_CASE("a table too wide for portrait prints landscape; too wide for that is refused") {
  testing::TempDir dir("render_wide");
  const std::string pdf = dir.File("wide.pdf");
  RenderReport report;
  REQUIRE(RenderSheetPdf(WideSheet(11, 123456789012), pdf, &report).ok());
  CHECK(report.landscape);
  CHECK(Run("pdfinfo '" + pdf + "'").find(kLandscape) != std::string::npos);
  CHECK(Pages(pdf)[0].find("1,234,567,890.14") != std::string::npos);

  REQUIRE(RenderSheetPdf(WideSheet(5, 123456789012), pdf, &report).ok());
  CHECK_FALSE(report.landscape);

  const std::string refused = dir.File("refused.pdf");
  Status s = RenderSheetPdf(WideSheet(16, 123456789012345), refused, &report);
  CHECK(s.code() == kErrPrintTableTooWide);
  CHECK_FALSE(std::filesystem::exists(refused));
  CHECK_FALSE(std::filesystem::exists(refused + ".tmp"));
}

TEST_CASE("a row taller than a page is refused") {
  testing::TempDir dir("render_tall");
  Sheet sheet = WideSheet(3, 100);
  Column text;
  text.header = "说明";
  sheet.columns.insert(sheet.columns.begin(), text);
  for (Row& row : sheet.rows) row.insert(row.begin(), Cell::Text(""));
  std::string lines;  // one character per line: 256 lines, taller than any A3 page
  while (lines.size() + 4 <= kMaxCellBytes) lines += "国\n";
  sheet.rows[3][0].text = lines;
  RenderReport report;
  Status s = RenderSheetPdf(sheet, dir.File("tall.pdf"), &report);
  CHECK(s.code() == kErrPrintTooTall);
  CHECK(s.message().find("第 4 行") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.File("tall.pdf")));
}

TEST_CASE("rare name characters: covered ones print, uncovered ones are reported") {
  testing::TempDir dir("render_rare");
  const std::string pdf = dir.File("rare.pdf");
  SubsidyNotice list = testing::SampleSubsidyList(4, true);
  list.entries[0].head_name = "王䶮";  // U+4DAE, CJK Ext A
  list.entries[1].head_name = "李㛃";  // U+36C3, CJK Ext A
  list.entries[2].head_name = "𠮷田";  // U+20BB7, CJK Ext B
  list.entries[3].head_name = "张𪚥";  // U+2A6A5, CJK Ext B, not in Noto Sans CJK SC
  RenderReport report;
  REQUIRE(RenderSheetPdf(MakeSubsidySheet(list), pdf, &report).ok());
  REQUIRE(report.missing_glyphs.size() == 1);
  CHECK(report.missing_glyph_total == 1);
  CHECK(report.missing_glyphs[0].code_point == 0x2A6A5);
  CHECK(report.missing_glyphs[0].character == "𪚥");
  CHECK(report.missing_glyphs[0].where == "第 4 行“户主姓名”");
  const std::string text = Pages(pdf)[0];
  CHECK(text.find("王䶮") != std::string::npos);
  CHECK(text.find("李㛃") != std::string::npos);
  CHECK(text.find("𠮷田") != std::string::npos);
}

TEST_CASE("refusals: invalid sheet, unwritable path") {
  RenderReport report;
  Sheet sheet = MakeSubsidySheet(testing::SampleSubsidyList(2, true));
  sheet.rows[1].pop_back();
  CHECK(RenderSheetPdf(sheet, "/tmp/never.pdf", &report).code() == kErrSheetRowWidth);

  sheet = MakeSubsidySheet(testing::SampleSubsidyList(2, true));
  Status s = RenderSheetPdf(sheet, "/nonexistent-dir/sheet.pdf", &report);
  CHECK(s.code() == kErrPrintWrite);
  CHECK(s.kind() == StatusKind::kIoError);
  CHECK(RenderSheetPdf(sheet, "/nonexistent-dir/sheet.pdf", nullptr).code() == kErrPrintWrite);
}

}  // namespace
}  // namespace gongkai
