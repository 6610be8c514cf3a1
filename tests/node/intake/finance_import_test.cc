#include "node/intake/finance_import.h"

#include <doctest/doctest.h>

#include <set>

#include "node/intake/import_limits.h"
#include "tests/node/import_test_files.h"
#include "tests/node/xlsx_builder.h"

namespace gongkai {
namespace {

using testing::WriteTestFile;

const char kHeader[] = "序号,日期,凭证号,摘要,收入金额,支出金额,经手人,备注\n";

FinanceImportOptions Q3() {
  FinanceImportOptions options;
  options.period = "2024Q3";
  return options;
}

TEST_CASE("balance rows in the sheet; all date forms; totals row; footer ignored") {
  std::string csv = std::string("××村2024年第三季度村级财务收支公开表\n") + kHeader +
                    ",,,期初余额,\"10,000.00\",,,\n"
                    "1,2024-07-01,记-001,收到土地租金,5000,,张三,\n"
                    "2,2024/7/15,记-002,购买办公用品,,320.50,李四,\n"
                    "3,2024.8.1,记-003,修路材料,,1200,李四,\n"
                    "4,20240902,记-004,上级补助,800.00,,张三,\n"
                    "5,2024年9月30日,记-005,电费,,79.5,李四,\n"
                    ",,,本期合计,5800.00,1600.00,,\n"
                    ",,,期末余额,14200.00,,,\n"
                    "民主理财小组审核意见：同意\n";
  std::vector<ImportError> errors;
  Result<FinanceStatement> st = ImportFinanceFile(WriteTestFile("fin.csv", csv), Q3(), &errors);
  REQUIRE_MESSAGE(st.ok(), st.status().ToString());
  CHECK(st->opening_cents == 1000000);
  CHECK(st->closing_cents == 1420000);
  CHECK(st->totals.income_cents == 580000);
  CHECK(st->totals.expense_cents == 160000);
  REQUIRE(st->rows.size() == 5);
  CHECK(st->rows[1].date == CivilDate{2024, 7, 15});
  CHECK(st->rows[4].date == CivilDate{2024, 9, 30});
  CHECK(st->rows[4].expense_cents == 7950);
  CHECK(st->rows[0].line_no == 4);
  CHECK(st->period->text == "2024Q3");
  CHECK(FinanceRowPublishedJson(st->rows[0]) ==
        "{\"date\":\"2024-07-01\",\"expense_cents\":0,\"handler\":\"张三\","
        "\"income_cents\":500000,\"line\":4,\"note\":\"\",\"summary\":\"收到土地租金\","
        "\"voucher\":\"记-001\"}");
}

TEST_CASE("balances given as options; closing computed when absent") {
  FinanceImportOptions options;
  options.opening_cents = 100;
  std::string csv = std::string(kHeader) + "1,2024-07-01,,收,0.50,,,\n";
  Result<FinanceStatement> st = ImportFinanceFile(WriteTestFile("o.csv", csv), options);
  REQUIRE(st.ok());
  CHECK(st->closing_cents == 150);
  options.closing_cents = 150;
  CHECK(ImportFinanceFile(WriteTestFile("o.csv", csv), options).ok());
  options.closing_cents = 151;
  std::vector<ImportError> errors;
  Result<FinanceStatement> bad = ImportFinanceFile(WriteTestFile("o.csv", csv), options, &errors);
  CHECK(bad.status().code() == kErrImportBalanceMismatch);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message.find(
            "期初余额1.00 ＋ 本期收入0.50 － 本期支出0.00 ＝ 1.50，但期末余额为1.51") !=
        std::string::npos);
}

TEST_CASE("a closing balance row that does not add up names the numbers and the row") {
  std::string csv = std::string(kHeader) + ",,,上期结余,100,,,\n1,2024-07-01,,收,50,,,\n" +
                    ",,,本期结余,149,,,\n";
  std::vector<ImportError> errors;
  CHECK(ImportFinanceFile(WriteTestFile("b.csv", csv), Q3(), &errors).status().code() ==
        kErrImportBalanceMismatch);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].row == 4);
  CHECK(errors[0].column == "收入金额");
  CHECK(errors[0].message.find("相差-1.00") != std::string::npos);
}

TEST_CASE("a 余额 column is checked row by row") {
  std::string csv =
      "日期,摘要,收入,支出,余额\n,期初余额,,,100\n2024-07-01,a,50,,150\n"
      "2024-07-02,b,,20,131\n";
  std::vector<ImportError> errors;
  CHECK(ImportFinanceFile(WriteTestFile("r.csv", csv), Q3(), &errors).status().code() ==
        kErrImportBalanceMismatch);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].row == 4);
  CHECK(errors[0].column == "余额");
}

TEST_CASE("missing opening balance; option conflicting with the row") {
  std::string csv = std::string(kHeader) + "1,2024-07-01,,收,50,,,\n";
  CHECK(ImportFinanceFile(WriteTestFile("m.csv", csv), Q3()).status().code() ==
        kErrImportMissingBalance);
  FinanceImportOptions options = Q3();
  options.opening_cents = 1;
  std::string with_row = std::string(kHeader) + ",,,期初余额,2,,,\n1,2024-07-01,,收,50,,,\n";
  CHECK(ImportFinanceFile(WriteTestFile("c.csv", with_row), options).status().code() ==
        kErrImportBalanceConflict);
}

TEST_CASE("every row error is reported together") {
  std::string csv = std::string(kHeader) + ",,,期初余额,100,,,\n" +
                    "1,2024-06-30,,早了,1,,,\n"      // row 3: outside period
                    "2,2024-07-32,,坏日期,1,,,\n"    // row 4: date format
                    "3,2024-07-01,,,1,,,\n"          // row 5: no summary
                    "4,2024-07-01,,两空,,,,\n"       // row 6: no amount
                    "5,2024-07-01,,负数,,-3,,\n"     // row 7: negative
                    "6,2024-07-01,,三位,1.005,,,\n"  // row 8: amount format
                    "7,,,没日期,1,,,\n";             // row 9: missing date
  std::vector<ImportError> errors;
  Result<FinanceStatement> st = ImportFinanceFile(WriteTestFile("many.csv", csv), Q3(), &errors);
  REQUIRE_FALSE(st.ok());
  std::set<std::tuple<std::string, int64_t, std::string>> got;
  for (const ImportError& e : errors) got.emplace(e.code, e.row, e.column);
  std::set<std::tuple<std::string, int64_t, std::string>> want = {
      {kErrImportDateOutsidePeriod, 3, "日期"},  {kErrImportDateFormat, 4, "日期"},
      {kErrImportMissingValue, 5, "摘要"},       {kErrImportMissingAmount, 6, "收入金额"},
      {kErrImportNegativeAmount, 7, "支出金额"}, {kErrImportAmountFormat, 8, "收入金额"},
      {kErrImportMissingValue, 9, "日期"},
  };
  CHECK(got == want);
}

TEST_CASE("a totals row that does not add up; a bad period option") {
  std::string csv =
      std::string(kHeader) + ",,,期初余额,0,,,\n1,2024-07-01,,收,50,,,\n" + ",,,合计,49,,,\n";
  CHECK(ImportFinanceFile(WriteTestFile("t.csv", csv), Q3()).status().code() ==
        kErrImportTotalMismatch);
  FinanceImportOptions bad;
  bad.period = "2024Q5";
  CHECK(ImportFinanceFile(WriteTestFile("t.csv", csv), bad).status().code() ==
        kErrImportPeriodFormat);
}

TEST_CASE("XLSX with date-styled cells and serial numbers in the date column") {
  std::string bytes = testing::XlsxFromRows({
      {"日期", "摘要", "收入", "支出"},
      {"", "期初余额", "n:100"},
      {"d:45474", "styled date", "n:10.5"},
      {"n:45505", "plain serial", "", "n:0.5"},
      {"2024年9月1日", "text date", "n:1"},
  });
  FinanceImportOptions options = Q3();
  options.closing_cents = 11100;
  Result<FinanceStatement> st = ImportFinanceFile(WriteTestFile("fin.xlsx", bytes), options);
  REQUIRE_MESSAGE(st.ok(), st.status().ToString());
  CHECK(st->rows[0].date == CivilDate{2024, 7, 1});
  CHECK(st->rows[1].date == CivilDate{2024, 8, 1});
  CHECK(st->rows[2].date == CivilDate{2024, 9, 1});
  // In a CSV a bare number is not a date.
  std::string csv = "日期,摘要,收入\n,期初余额,0\n45474,x,1\n";
  CHECK(ImportFinanceFile(WriteTestFile("serial.csv", csv), Q3()).status().code() ==
        kErrImportDateFormat);
}

TEST_CASE("no 收入/支出 column at all is a missing column") {
  CHECK(ImportFinanceFile(WriteTestFile("nc.csv", "日期,摘要\n2024-07-01,x\n"), Q3())
            .status()
            .code() == kErrImportMissingColumn);
}

std::string ManyTransactions(int64_t n) {
  std::string csv = "日期,摘要,收入,支出\n,期初余额,0,\n";
  csv.reserve(static_cast<std::size_t>(n) * 24);
  for (int64_t i = 0; i < n; ++i) csv += "2024-07-01,x,1,\n";
  return csv;
}

TEST_CASE("row limit: kMaxImportRows transactions accepted, one more refused") {
  Result<FinanceStatement> at =
      ImportFinanceFile(WriteTestFile("fmax.csv", ManyTransactions(kMaxImportRows)), Q3());
  REQUIRE(at.ok());
  CHECK(at->closing_cents == kMaxImportRows * 100);
  CHECK(ImportFinanceFile(WriteTestFile("fmax1.csv", ManyTransactions(kMaxImportRows + 1)), Q3())
            .status()
            .code() == kErrImportTooManyRows);
}

}  // namespace
}  // namespace gongkai
