// A clerk's CSV file, whatever its bytes: encoding detection (UTF-8 / GB18030), CSV parsing
// and both list validations run without crashing, and a subsidy list that is accepted never
// carries a full ID or account number in its published rows.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "node/intake/csv_reader.h"
#include "node/intake/finance_import.h"
#include "node/intake/subsidy_import.h"
#include "node/intake/text_encoding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto text = gongkai::DecodeText(bytes, "fuzz.csv");
  if (!text.ok()) return 0;
  auto sheet = gongkai::ParseCsv(text->utf8, "fuzz.csv");
  if (!sheet.ok()) return 0;
  gongkai::SubsidyImportOptions subsidy;
  subsidy.today = gongkai::CivilDate{2026, 11, 21};
  subsidy.default_item = "耕地地力保护补贴";
  auto list = gongkai::ImportSubsidySheet(*sheet, "fuzz.csv", subsidy);
  if (list.ok()) {
    for (const gongkai::SubsidyRow& row : list->rows) {
      const std::string published = gongkai::SubsidyRowPublishedJson(row);
      if (published.find(row.id_number) != std::string::npos) __builtin_trap();
      if (row.account.size() > 4 && published.find(row.account) != std::string::npos) __builtin_trap();
    }
  }
  gongkai::FinanceImportOptions finance;
  finance.period = "2024Q3";
  (void)gongkai::ImportFinanceSheet(*sheet, "fuzz.csv", finance);
  return 0;
}
