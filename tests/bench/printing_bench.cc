// Time and file size of rendering a 1,000-row subsidy list and a 200-row finance statement.
// Targets: under 1 s and under 1 MB each. Usage: printing_bench [output-dir]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "printing/layouts.h"
#include "printing/pdf_render.h"
#include "tests/printing/sample_sheets.h"

namespace {

int Measure(const char* name, const gongkai::Sheet& sheet, const std::string& path) {
  const auto start = std::chrono::steady_clock::now();
  gongkai::RenderReport report;
  gongkai::Status status = gongkai::RenderSheetPdf(sheet, path, &report);
  const auto end = std::chrono::steady_clock::now();
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s: %s\n", name, status.code().c_str(), status.message().c_str());
    return 1;
  }
  const double ms = std::chrono::duration<double, std::milli>(end - start).count();
  const auto bytes = std::filesystem::file_size(path);
  std::printf("%-28s rows=%5zu pages=%3d time=%7.1f ms size=%8.1f KB  %s\n", name,
              sheet.rows.size(), report.page_count, ms, bytes / 1024.0, path.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : std::filesystem::temp_directory_path().string();
  int failures = 0;
  failures += Measure("subsidy list (1,000 rows)",
                      gongkai::MakeSubsidySheet(gongkai::testing::SampleSubsidyList(1000, true)),
                      dir + "/bench_subsidy.pdf");
  failures += Measure("finance statement (200 rows)",
                      gongkai::MakeFinanceSheet(gongkai::testing::SampleFinance(200, true)),
                      dir + "/bench_finance.pdf");
  return failures == 0 ? 0 : 1;
}
