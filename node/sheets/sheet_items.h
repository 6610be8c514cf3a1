// Reading a disclosure version's body and items (the JSON texts of the disclosure facts)
// into the entries of printing/layouts.h. The texts come from other nodes' envelopes, so
// every member is checked: the keys of each format and no others, their kinds, and ranges.
//
// Bodies (disclosure_version.body):
//   affairs  {"attachments":[...],"headers":[...],"text":"..."}
//   finance  {"closing_cents":N,"opening_cents":N,"text":"..."}
//   subsidy  {"subsidy_name":"...","text":"..."}
// Items (disclosure_item.data, one per line):
//   affairs  {"cells":[...]}, as many cells as the body has headers
//   finance  FinanceRowPublishedJson: date ("YYYY-MM-DD"), expense_cents, handler,
//            income_cents, line, note, summary, voucher
//   subsidy  SubsidyRowPublishedJson: account?, amount_cents, area?, group, id, item, line,
//            name, note, rate_cents? (? = may be absent)
//
// Areas: "area" is the exact decimal text in 亩 as imported (at most 4 decimals, the
// importer's limit). The printed column has as many decimals as the most precise area of
// the list, at least 2: a list measured to 0.01 亩 prints as usual, one with 1.2345 亩
// prints every area with 4 decimals. Nothing is rounded, so each printed area is the
// published one and 合计面积 is their exact sum. An area with more than 4 decimals is refused.
//
// Money: every amount is 0..kMaxDecimalUnits cents, and so is every running total.
// Errors, each with the place ("第 3 行: ", "正文: ") before the message: json.* from
// node/json/json_value.h (not JSON, too large or deep, a number that is not an int64, bad UTF-8,
// a key twice, or json.type: not an object, or a member of another kind, e.g. an array
// holding a number); kErrSheetItemKey (a member missing, or one the format does not have);
// kErrSheetItemValue (a value out of its range or form).
// Thread-safety: pure functions.
#ifndef GONGKAI_NODE_SHEETS_SHEET_ITEMS_H_
#define GONGKAI_NODE_SHEETS_SHEET_ITEMS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "printing/layouts.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrSheetItemKey[] = "disclosure_sheet.item_key";
inline constexpr char kErrSheetItemValue[] = "disclosure_sheet.item_value";
inline constexpr int kMaxAreaDecimals = 4;

struct AffairsBody {
  std::vector<std::string> attachments;
  std::vector<std::string> headers;
  std::string text;
};

struct FinanceBody {
  int64_t opening_cents = 0;
  int64_t closing_cents = 0;
  std::string text;
};

struct SubsidyBody {
  std::string subsidy_name;
  std::string text;
};

Result<AffairsBody> ParseAffairsBody(std::string_view json);
Result<FinanceBody> ParseFinanceBody(std::string_view json);
Result<SubsidyBody> ParseSubsidyBody(std::string_view json);

// Items in line order (items[0] is line 1).
Result<std::vector<std::vector<std::string>>> ParseAffairsItems(
    const std::vector<std::string>& items, size_t columns);
Result<std::vector<FinanceEntry>> ParseFinanceItems(const std::vector<std::string>& items);

struct SubsidyItems {
  std::vector<SubsidyEntry> entries;  // areas in units of 10^-area_decimals 亩
  int area_decimals = 2;              // 2..kMaxAreaDecimals
};
Result<SubsidyItems> ParseSubsidyItems(const std::vector<std::string>& items);

// The paragraphs of a body's text: its lines ('\n'; a '\r' before it is dropped), empty
// lines left out.
std::vector<std::string> SplitParagraphs(std::string_view text);

}  // namespace gongkai

#endif  // GONGKAI_NODE_SHEETS_SHEET_ITEMS_H_
