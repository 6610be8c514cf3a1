// A clerk's XLSX file, whatever its bytes: the zip container, the workbook, shared strings
// and the first worksheet are read without crashing and within the part limit, and a sheet
// that is read goes through both list validations; an accepted subsidy list never carries a
// full ID or account number in its published rows.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "node/intake/finance_import.h"
#include "node/intake/subsidy_import.h"
#include "node/intake/xlsx_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Parts of at most 4 MiB, so that a declared or real zip bomb stays inside the fuzzer's
  // memory limit; the checks are the same at any limit.
  auto sheet = gongkai::ReadXlsx(bytes, "fuzz.xlsx", nullptr, std::uint64_t{4} << 20);
  if (!sheet.ok()) return 0;
  gongkai::SubsidyImportOptions subsidy;
  subsidy.today = gongkai::CivilDate{2026, 11, 21};
  subsidy.default_item = "耕地地力保护补贴";
  auto list = gongkai::ImportSubsidySheet(*sheet, "fuzz.xlsx", subsidy);
  if (list.ok()) {
    for (const gongkai::SubsidyRow& row : list->rows) {
      const std::string published = gongkai::SubsidyRowPublishedJson(row);
      if (published.find(row.id_number) != std::string::npos) __builtin_trap();
      if (row.account.size() > 4 && published.find(row.account) != std::string::npos) __builtin_trap();
    }
  }
  gongkai::FinanceImportOptions finance;
  finance.period = "2024Q3";
  (void)gongkai::ImportFinanceSheet(*sheet, "fuzz.xlsx", finance);
  return 0;
}
