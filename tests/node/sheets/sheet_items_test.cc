#include "node/sheets/sheet_items.h"

#include <doctest/doctest.h>

#include "node/intake/decimal.h"
#include "node/intake/finance_import.h"
#include "node/json/json_value.h"
#include "node/intake/sheet_dates.h"
#include "node/intake/subsidy_import.h"

namespace gongkai {
namespace {

SubsidyRow Household(int64_t line, std::string name) {
  SubsidyRow row;
  row.line_no = line;
  row.group = "一组";
  row.name = std::move(name);
  row.id_number = "410381199001011234";
  row.id_published = "410381********1234";
  row.item = "耕地地力保护补贴";
  row.area = 125000;  // 12.5 亩
  row.rate_cents = 11850;
  row.amount_cents = 148125;
  row.account = "6228480012345678";
  row.account_published = "****5678";
  row.note = "";
  return row;
}

std::string Item(const std::string& area) {
  return "{\"amount_cents\":100,\"area\":\"" + area +
         "\",\"group\":\"\",\"id\":\"\",\"item\":\"\",\"line\":2,\"name\":\"甲\",\"note\":\"\"}";
}

TEST_CASE("subsidy items as the importer publishes them") {
  SubsidyRow bare = Household(8, "李四");
  bare.area.reset();
  bare.rate_cents.reset();
  bare.account_published.clear();
  auto items = ParseSubsidyItems(
      {SubsidyRowPublishedJson(Household(7, "张三")), SubsidyRowPublishedJson(bare)});
  INFO(items.status().ToString());
  REQUIRE(items.ok());
  CHECK(items->area_decimals == 2);
  REQUIRE(items->entries.size() == 2);
  const SubsidyEntry& e = items->entries[0];
  CHECK(e.group == "一组");
  CHECK(e.head_name == "张三");
  CHECK(e.id_number == "410381********1234");
  CHECK(e.item == "耕地地力保护补贴");
  CHECK(e.area == 1250);  // hundredths of a 亩
  CHECK(e.rate_cents_per_mu == 11850);
  CHECK(e.amount_cents == 148125);
  CHECK(e.account == "****5678");
  CHECK_FALSE(items->entries[1].area.has_value());
  CHECK_FALSE(items->entries[1].rate_cents_per_mu.has_value());
  CHECK(items->entries[1].account.empty());
}

TEST_CASE("areas print with the most decimals the list uses, never rounded") {
  auto fine = ParseSubsidyItems({Item("1.2345"), Item("2"), Item("0.5")});
  REQUIRE(fine.ok());
  CHECK(fine->area_decimals == 4);
  CHECK(fine->entries[0].area == 12345);
  CHECK(fine->entries[1].area == 20000);
  CHECK(fine->entries[2].area == 5000);

  auto three = ParseSubsidyItems({Item("1.125"), Item("3.5")});
  REQUIRE(three.ok());
  CHECK(three->area_decimals == 3);
  CHECK(three->entries[0].area == 1125);
  CHECK(three->entries[1].area == 3500);

  auto whole = ParseSubsidyItems({Item("12"), Item("0")});
  REQUIRE(whole.ok());
  CHECK(whole->area_decimals == 2);
  CHECK(whole->entries[0].area == 1200);
  CHECK(whole->entries[1].area == 0);

  for (const char* bad :
       {"1.23456", "-1", "+1", "01.5", "1.", ".5", "1,000", "1 ", "", "abc", "1.2.3", "１.５"}) {
    INFO(std::string(bad));
    auto refused = ParseSubsidyItems({Item("1"), Item(bad)});
    CHECK(refused.status().code() == kErrSheetItemValue);
    CHECK(refused.status().message().starts_with("第 2 行: "));
  }
}

TEST_CASE("subsidy items: keys, kinds and ranges") {
  const std::string good = SubsidyRowPublishedJson(Household(3, "王五"));
  auto with = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };
  CHECK(ParseSubsidyItems({good}).ok());
  CHECK(ParseSubsidyItems({with("\"note\"", "\"notes\"")}).status().code() == kErrSheetItemKey);
  CHECK(ParseSubsidyItems({with("\"name\":\"王五\",", "")}).status().code() == kErrSheetItemKey);
  CHECK(ParseSubsidyItems({with("148125", "\"148125\"")}).status().code() == kErrJsonType);
  CHECK(ParseSubsidyItems({with("148125", "-1")}).status().code() == kErrSheetItemValue);
  CHECK(ParseSubsidyItems({with("148125", std::to_string(kMaxDecimalUnits))}).ok());
  CHECK(ParseSubsidyItems({with("148125", std::to_string(kMaxDecimalUnits + 1))}).status().code() ==
        kErrSheetItemValue);
  CHECK(ParseSubsidyItems({with("11850", "-5")}).status().code() == kErrSheetItemValue);
  CHECK(ParseSubsidyItems({"not json"}).status().code() == kErrJsonSyntax);

  // Each amount in range, their sum past it.
  const std::string max = with("148125", std::to_string(kMaxDecimalUnits));
  auto sum = ParseSubsidyItems({max, with("148125", "1")});
  CHECK(sum.status().code() == kErrSheetItemValue);
  CHECK(sum.status().message() == "第 2 行: 金额合计超出范围");
}

TEST_CASE("finance items as the importer publishes them") {
  FinanceRow row;
  row.line_no = 4;
  row.date = {2026, 7, 3};
  row.voucher = "记-001";
  row.summary = "村道维修材料费";
  row.expense_cents = 120000;
  row.handler = "王会计";
  auto entries = ParseFinanceItems({FinanceRowPublishedJson(row)});
  INFO(entries.status().ToString());
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 1);
  CHECK((*entries)[0].date == "2026-07-03");
  CHECK((*entries)[0].voucher == "记-001");
  CHECK((*entries)[0].summary == "村道维修材料费");
  CHECK((*entries)[0].income_cents == 0);
  CHECK((*entries)[0].expense_cents == 120000);
  CHECK((*entries)[0].handler == "王会计");

  std::string bad_date = FinanceRowPublishedJson(row);
  bad_date.replace(bad_date.find("2026-07-03"), 10, "2026-7-3");
  CHECK(ParseFinanceItems({bad_date}).status().code() == kErrSheetDate);
  std::string extra = FinanceRowPublishedJson(row);
  extra.insert(1, "\"balance_cents\":1,");
  CHECK(ParseFinanceItems({extra}).status().code() == kErrSheetItemKey);
}

TEST_CASE("affairs items have one cell per header") {
  auto rows =
      ParseAffairsItems({"{\"cells\":[\"张三\",\"200\"]}", "{\"cells\":[\"李四\",\"\"]}"}, 2);
  REQUIRE(rows.ok());
  CHECK((*rows)[1] == std::vector<std::string>{"李四", ""});
  auto short_row = ParseAffairsItems({"{\"cells\":[\"张三\"]}"}, 2);
  CHECK(short_row.status().code() == kErrSheetItemValue);
  CHECK(short_row.status().message() == "第 1 行: 有 1 格，表头有 2 列");
  CHECK(ParseAffairsItems({"{\"cells\":[1]}"}, 1).status().code() == kErrJsonType);
  CHECK(ParseAffairsItems({"{\"cells\":\"张三\"}"}, 1).status().code() == kErrJsonType);
  CHECK(ParseAffairsItems({"[\"张三\"]"}, 1).status().code() == kErrJsonType);
  CHECK(ParseAffairsItems({"{\"cells\":null}"}, 1).status().code() == kErrJsonType);
  CHECK(ParseAffairsItems({"{\"cells\":[true]}"}, 1).status().code() == kErrJsonType);
}

TEST_CASE("bodies of the three categories") {
  auto affairs = ParseAffairsBody(
      R"({"attachments":["预算表"],"headers":["姓名","金额"],"text":"段落一\n段落二"})");
  REQUIRE(affairs.ok());
  CHECK(affairs->attachments == std::vector<std::string>{"预算表"});
  CHECK(affairs->headers.size() == 2);
  CHECK(affairs->text == "段落一\n段落二");
  auto affairs_missing = ParseAffairsBody(R"({"headers":[],"text":""})");
  CHECK(affairs_missing.status().code() == kErrSheetItemKey);
  CHECK(affairs_missing.status().message().starts_with("正文: "));

  auto finance = ParseFinanceBody(R"({"closing_cents":-500,"opening_cents":1000,"text":""})");
  REQUIRE(finance.ok());
  CHECK(finance->opening_cents == 1000);
  CHECK(finance->closing_cents == -500);
  CHECK(ParseFinanceBody(R"({"closing_cents":1,"opening_cents":1,"text":"","x":1})")
            .status()
            .code() == kErrSheetItemKey);
  CHECK(ParseFinanceBody(R"({"closing_cents":1000000000000001,"opening_cents":1,"text":""})")
            .status()
            .code() == kErrSheetItemValue);

  auto subsidy = ParseSubsidyBody(R"({"subsidy_name":"耕地地力保护补贴","text":"说明"})");
  REQUIRE(subsidy.ok());
  CHECK(subsidy->subsidy_name == "耕地地力保护补贴");
  CHECK(ParseSubsidyBody(R"({"subsidy_name":"","text":""})").status().code() == kErrSheetItemValue);
}

TEST_CASE("paragraphs are the non-empty lines") {
  CHECK(SplitParagraphs("段落一\n段落二") == std::vector<std::string>{"段落一", "段落二"});
  CHECK(SplitParagraphs("一\r\n\r\n\n二\n") == std::vector<std::string>{"一", "二"});
  CHECK(SplitParagraphs("").empty());
}

}  // namespace
}  // namespace gongkai
