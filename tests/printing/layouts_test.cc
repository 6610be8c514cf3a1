#include "printing/layouts.h"

#include <doctest/doctest.h>

#include "tests/printing/sample_sheets.h"

namespace gongkai {
namespace {

std::vector<std::string> Headers(const Sheet& sheet) {
  std::vector<std::string> out;
  for (const Column& c : sheet.columns) out.push_back(c.header);
  return out;
}

TEST_CASE("subsidy sheet: title, columns, masking, totals") {
  SubsidyNotice list = testing::SampleSubsidyList(3, false);
  Sheet sheet = MakeSubsidySheet(list);
  CHECK(sheet.category == SheetCategory::kSubsidy);
  CHECK(sheet.title == "杏花村2024年耕地地力保护补贴发放公示");
  CHECK(Headers(sheet) == std::vector<std::string>{"序号", "村民小组", "户主姓名", "身份证号",
                                                   "补贴项目", "面积(亩)", "标准(元/亩)",
                                                   "金额(元)", "账号", "备注"});
  REQUIRE(sheet.rows.size() == 3);
  const std::string id = list.entries[1].id_number;
  CHECK(sheet.rows[1][3].text == id.substr(0, 6) + "********" + id.substr(14));
  CHECK(sheet.rows[1][8].text == "***************" + list.entries[1].account.substr(15));
  CHECK(sheet.rows[1][7].number == list.entries[1].amount_cents);
  CHECK(sheet.columns[5].sum);
  CHECK_FALSE(sheet.columns[6].sum);
  CHECK(sheet.columns[7].sum);
  CHECK(sheet.grand_total_label == "合计（3 户）");
  int64_t total = 0;
  for (const SubsidyEntry& e : list.entries) total += e.amount_cents;
  REQUIRE(sheet.totals.size() == 3);
  CHECK(sheet.totals[2].value == FormatScaled(total, 2) + " 元");
  CHECK(sheet.totals[2].capitals == "伍佰肆拾叁元玖角壹分");  // 177.75 + 181.30 + 184.86
  CHECK_FALSE(sheet.approved);
  bool phones = false;
  for (const Field& f : sheet.footer_fields) {
    if (f.key == "监督电话") {
      phones = f.value.find("0311-8561234") != std::string::npos &&
               f.value.find("0311-8560000") != std::string::npos &&
               f.value.find("12345") != std::string::npos;
    }
  }
  CHECK(phones);
  CHECK(sheet.seal_label == "杏花村村民委员会（公章）");
  CHECK(ValidateSheet(sheet).ok());
}

TEST_CASE("subsidy sheet: the county's mask policy applies") {
  SheetMaskPolicy policy;
  policy.id_keep_first = 0;
  policy.id_keep_last = 0;
  Sheet sheet = MakeSubsidySheet(testing::SampleSubsidyList(1, true), policy);
  CHECK(sheet.rows[0][3].text == std::string(18, '*'));
}

TEST_CASE("subsidy sheet: areas to 0.0001 亩 print exactly; a missing area or rate is blank") {
  SubsidyNotice list = testing::SampleSubsidyList(2, true);
  list.area_decimals = 4;
  list.entries[0].area = 12345;  // 1.2345 亩
  list.entries[1].area.reset();
  list.entries[1].rate_cents_per_mu.reset();
  Sheet sheet = MakeSubsidySheet(list);
  CHECK(sheet.columns[5].decimals == 4);
  CHECK(sheet.rows[0][5].number == 12345);
  CHECK_FALSE(sheet.rows[1][5].number.has_value());
  CHECK_FALSE(sheet.rows[1][6].number.has_value());
  CHECK(sheet.totals[1].value == "1.2345 亩");
  CHECK(ValidateSheet(sheet).ok());
}

TEST_CASE("finance sheet: columns, balances and 大写") {
  FinanceNotice statement = testing::SampleFinance(0, true);
  statement.opening_balance_cents = 100000;
  statement.entries = {{"2024-07-01", "记1", "租金", 50000, 0, "王", ""},
                       {"2024-07-02", "记2", "电费", 0, 12345, "李", ""}};
  Sheet sheet = MakeFinanceSheet(statement);
  CHECK(sheet.title == "柳林镇杏花村2024年第三季度村级财务收支公开表");
  CHECK(Headers(sheet) == std::vector<std::string>{"序号", "日期", "凭证号", "摘要", "收入", "支出",
                                                   "经手人", "备注"});
  CHECK_FALSE(sheet.rows[0][5].number.has_value());  // no expense prints blank
  REQUIRE(sheet.totals.size() == 4);
  CHECK(sheet.totals[0].label == "本期收入合计");
  CHECK(sheet.totals[0].value == "500.00");
  CHECK(sheet.totals[1].value == "123.45");
  CHECK(sheet.totals[2].value == "1,000.00");
  CHECK(sheet.totals[3].label == "期末余额");
  CHECK(sheet.totals[3].value == "1,376.55");
  CHECK(sheet.totals[3].capitals == "壹仟叁佰柒拾陆元伍角伍分");
  CHECK(sheet.opinions.front().key == "民主理财小组/村务监督委员会审核意见");
  CHECK(sheet.opinions.back().value == "经审核，同意公开。");
}

TEST_CASE("affairs sheet: paragraphs, table and attachments") {
  Sheet sheet = MakeAffairsSheet(testing::SampleAffairs(false));
  CHECK(sheet.category == SheetCategory::kAffairs);
  CHECK(sheet.paragraphs.size() == 4);
  CHECK(sheet.columns.size() == 5);
  CHECK(sheet.rows.size() == 3);
  CHECK(sheet.attachments.size() == 3);
  CHECK(ValidateSheet(sheet).ok());
  // Counts and amounts right-aligned; names, notes and a blank-only column left.
  CHECK(sheet.columns[0].align == Align::kLeft);
  CHECK(sheet.columns[1].align == Align::kRight);
  CHECK(sheet.columns[2].align == Align::kRight);
  CHECK(sheet.columns[3].align == Align::kRight);
  CHECK(sheet.columns[4].align == Align::kLeft);
  CHECK(sheet.seal_label == "杏花村村民委员会（公章）");
}

TEST_CASE("affairs sheet: a column is right-aligned only when every filled cell is a number") {
  AffairsNotice n = testing::SampleAffairs(true);
  n.table_headers = {"a", "b", "c", "d", "e", "f"};
  n.table_rows = {{"1,234.5", "-2", "12,", "3.", "1.2.3", ""}, {"", "7", "4", "4", "4", ""}};
  Sheet sheet = MakeAffairsSheet(n);
  CHECK(sheet.columns[0].align == Align::kRight);
  CHECK(sheet.columns[1].align == Align::kRight);
  CHECK(sheet.columns[2].align == Align::kLeft);
  CHECK(sheet.columns[3].align == Align::kLeft);
  CHECK(sheet.columns[4].align == Align::kLeft);
  CHECK(sheet.columns[5].align == Align::kLeft);
}

}  // namespace
}  // namespace gongkai
