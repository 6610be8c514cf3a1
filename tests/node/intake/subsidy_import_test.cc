#include "node/intake/subsidy_import.h"

#include <doctest/doctest.h>

#include <set>

#include "node/intake/import_limits.h"
#include "node/intake/text_encoding.h"
#include "tests/node/import_test_files.h"
#include "tests/node/xlsx_builder.h"

namespace gongkai {
namespace {

using testing::SyntheticId;
using testing::WriteTestFile;

SubsidyImportOptions Options() {
  SubsidyImportOptions options;
  options.today = {2024, 7, 1};
  options.default_item = "耕地地力保护补贴";
  return options;
}

const char kHeader[] =
    "序号,村民小组,户主姓名,身份证号,补贴项目,面积（亩）,补贴标准,补贴金额,一卡通账号,备注\n";

TEST_CASE("a clean UTF-8 list imports with totals, masks and JSON") {
  std::string csv = std::string("××村2024年耕地地力保护补贴发放表\n") + kHeader +
                    "1,一组,张三,11010519491231002x,,12.5,104.52,1306.50,6228 4800 1234 5678,\n"
                    "2,二组,李四,440524188001010014,,3.3333,100.00,333.33,,补发\n"
                    "合计,,,,,15.8333,,1639.83,,\n"
                    "填表人：王五\n";
  std::vector<ImportError> errors;
  Result<SubsidyList> list = ImportSubsidyFile(WriteTestFile("clean.csv", csv), Options(), &errors);
  REQUIRE_MESSAGE(list.ok(), list.status().ToString());
  CHECK(errors.empty());
  CHECK(list->file == "clean.csv");
  REQUIRE(list->rows.size() == 2);
  const SubsidyRow& a = list->rows[0];
  CHECK(a.line_no == 3);
  CHECK(a.id_number == "11010519491231002X");
  CHECK(a.id_published == "110105********002X");
  CHECK(a.item == "耕地地力保护补贴");
  CHECK(*a.area == 125000);
  CHECK(*a.rate_cents == 10452);
  CHECK(a.amount_cents == 130650);
  CHECK(a.account == "6228480012345678");
  CHECK(a.account_published == "****5678");
  CHECK(list->rows[1].account.empty());
  CHECK(list->totals.households == 2);
  CHECK(list->totals.area == 158333);
  CHECK(list->totals.amount_cents == 163983);
  std::string json = SubsidyRowPublishedJson(a);
  CHECK(json ==
        "{\"account\":\"****5678\",\"amount_cents\":130650,\"area\":\"12.5\",\"group\":\"一组\","
        "\"id\":\"110105********002X\",\"item\":\"耕地地力保护补贴\",\"line\":3,\"name\":\"张三\","
        "\"note\":\"\",\"rate_cents\":10452}");
  CHECK(json.find("11010519491231002X") == std::string::npos);
  CHECK(json.find("6228480012345678") == std::string::npos);
}

TEST_CASE("GB18030 and UTF-8 BOM files import the same rows") {
  std::string csv = std::string(kHeader) + "1,一组,张三,11010519491231002X,,1,100,100.00,,\n";
  Result<std::string> gb = Utf8ToGb18030(csv);
  REQUIRE(gb.ok());
  Result<SubsidyList> from_gb = ImportSubsidyFile(WriteTestFile("gb.csv", *gb), Options());
  Result<SubsidyList> from_bom =
      ImportSubsidyFile(WriteTestFile("bom.csv", "\xEF\xBB\xBF" + csv), Options());
  REQUIRE(from_gb.ok());
  REQUIRE(from_bom.ok());
  CHECK(from_gb->rows[0].name == "张三");
  CHECK(from_bom->rows[0].name == "张三");
}

TEST_CASE("an XLSX list with numeric cells imports") {
  std::string bytes = testing::XlsxFromRows({
      {"××村2024年耕地地力保护补贴发放表"},
      {"组别", "姓名", "身份证号码", "计税面积", "单价", "金额(元)", "卡号"},
      {"n:1", "张三", "11010519491231002X", "n:2.5", "n:104.52", "n:261.3", "6228480012345678"},
  });
  Result<SubsidyList> list = ImportSubsidyFile(WriteTestFile("list.xlsx", bytes), Options());
  REQUIRE_MESSAGE(list.ok(), list.status().ToString());
  CHECK(list->rows[0].line_no == 3);
  CHECK(list->rows[0].group == "1");
  CHECK(list->rows[0].amount_cents == 26130);
}

TEST_CASE("several errors are all reported with rows and columns as written") {
  std::string csv = std::string(kHeader) +
                    "1,一组,张三,110105194912310021,,1,100,100.00,,\n"   // row 2: check digit
                    "2,一组,,440524188001010014,,1,100,100.00,,\n"       // row 3: no name
                    "3,一组,王五,440524188001010014,,1,100,100.001,,\n"  // row 4: dup + decimals
                    "4,二组,赵六,11010519491231002X,,2,100,150.00,,\n"   // row 5: mismatch
                    "5,二组,钱七,370101190102039973,,1,100,-5,12ab,\n";  // row 6: negative, account
  std::vector<ImportError> errors;
  Result<SubsidyList> list = ImportSubsidyFile(WriteTestFile("bad.csv", csv), Options(), &errors);
  REQUIRE_FALSE(list.ok());
  CHECK(list.status().code() == kErrImportRejected);
  std::set<std::tuple<std::string, int64_t, std::string>> got;
  for (const ImportError& e : errors) got.emplace(e.code, e.row, e.column);
  std::set<std::tuple<std::string, int64_t, std::string>> want = {
      {kErrImportIdCheckDigit, 2, "身份证号"},    {kErrImportMissingValue, 3, "户主姓名"},
      {kErrImportDuplicateId, 4, "身份证号"},     {kErrImportAmountFormat, 4, "补贴金额"},
      {kErrImportAmountMismatch, 5, "补贴金额"},  {kErrImportNegativeAmount, 6, "补贴金额"},
      {kErrImportAccountFormat, 6, "一卡通账号"},
  };
  CHECK(got == want);
  CHECK(errors[0].message == "bad.csv 第2行 “身份证号”列：校验位错误，应为X");
  for (const ImportError& e : errors) {
    if (e.code == kErrImportDuplicateId) {
      CHECK(e.message.find("第3行") != std::string::npos);
      CHECK(e.message.find("第4行") != std::string::npos);
    }
    if (e.code == kErrImportAmountMismatch) {
      CHECK(e.message.find("2亩×标准100.00元/亩=200.00元") != std::string::npos);
    }
  }
}

TEST_CASE("ID errors: format, birth date; area format") {
  std::string csv = std::string(kHeader) + "1,一组,甲,4.10381E+17,,1,1,1,,\n" +
                    "2,一组,乙,11010520300101002" + IdCheckCharacter("11010520300101002") +
                    ",,1,1,1,,\n" + "3,一组,丙,11010519491231002X,,1.23456,1,1.23,,\n";
  std::vector<ImportError> errors;
  CHECK_FALSE(ImportSubsidyFile(WriteTestFile("ids.csv", csv), Options(), &errors).ok());
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].code == kErrImportIdFormat);
  CHECK(errors[1].code == kErrImportIdBirthdate);
  CHECK(errors[2].code == kErrImportAreaFormat);
  CHECK(errors[2].column == "面积（亩）");
}

TEST_CASE("amount = area × rate within 0.01 yuan, exactly") {
  // 3.3333 × 100.00 = 333.33; 333.34 is within 0.01, 333.35 is not.
  auto import = [](const std::string& amount) {
    std::string csv =
        std::string(kHeader) + "1,一组,张三,11010519491231002X,,3.3333,100," + amount + ",,\n";
    return ImportSubsidyFile(WriteTestFile("m.csv", csv), Options());
  };
  CHECK(import("333.33").ok());
  CHECK(import("333.34").ok());
  CHECK(import("333.32").ok());
  CHECK(import("333.35").status().code() == kErrImportAmountMismatch);
  CHECK(import("333.31").status().code() == kErrImportAmountMismatch);
}

TEST_CASE("a totals row that does not add up is refused") {
  std::string csv = std::string(kHeader) + "1,一组,张三,11010519491231002X,,1,100,100.00,,\n" +
                    "合计,,,,,1,,100.01,,\n";
  std::vector<ImportError> errors;
  CHECK(ImportSubsidyFile(WriteTestFile("t.csv", csv), Options(), &errors).status().code() ==
        kErrImportTotalMismatch);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].row == 3);
  CHECK(errors[0].message.find("100.01") != std::string::npos);
}

TEST_CASE("missing and duplicate columns, no header, empty list") {
  std::vector<ImportError> errors;
  CHECK_FALSE(
      ImportSubsidyFile(WriteTestFile("mc.csv", "姓名,金额\n张三,1\n"), Options(), &errors).ok());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == kErrImportMissingColumn);
  CHECK(errors[0].column == "身份证号");
  CHECK(ImportSubsidyFile(WriteTestFile("dc2.csv", "姓名,户主,身份证号,金额\n"), Options())
            .status()
            .code() == kErrImportDuplicateColumn);
  CHECK(ImportSubsidyFile(WriteTestFile("nh.csv", "a,b\n1,2\n"), Options()).status().code() ==
        kErrImportMissingColumn);
  CHECK(ImportSubsidyFile(WriteTestFile("e.csv", kHeader), Options()).status().code() ==
        kErrImportEmpty);
  CHECK(ImportSubsidyFile(WriteTestFile("z.csv", ""), Options()).status().code() ==
        kErrImportEmpty);
}

TEST_CASE("binary garbage and unreadable files are refused cleanly") {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 131 + 7) & 0xFF));
  Result<SubsidyList> list = ImportSubsidyFile(WriteTestFile("g.bin", garbage), Options());
  CHECK_FALSE(list.ok());
  CHECK((list.status().code() == kErrImportBinary || list.status().code() == kErrImportEncoding));
  std::vector<ImportError> errors;
  Result<SubsidyList> missing = ImportSubsidyFile("/nonexistent/dir/补贴.csv", Options(), &errors);
  CHECK(missing.status().code() == kErrImportIo);
  CHECK(missing.status().kind() == StatusKind::kIoError);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].file == "补贴.csv");
}

std::string ManyRows(int64_t n) {
  std::string csv = kHeader;
  csv.reserve(static_cast<std::size_t>(n) * 64);
  for (int64_t i = 0; i < n; ++i) {
    csv += std::to_string(i + 1) + ",1,户" + std::to_string(i) + "," +
           SyntheticId(static_cast<int>(i)) + ",,1,100,100,,\n";
  }
  return csv;
}

TEST_CASE("row limit: kMaxImportRows accepted, one more refused") {
  Result<SubsidyList> at =
      ImportSubsidyFile(WriteTestFile("max.csv", ManyRows(kMaxImportRows)), Options());
  REQUIRE_MESSAGE(at.ok(), at.status().ToString());
  CHECK(at->totals.households == kMaxImportRows);
  CHECK(at->totals.amount_cents == kMaxImportRows * 10000);
  Result<SubsidyList> past =
      ImportSubsidyFile(WriteTestFile("max1.csv", ManyRows(kMaxImportRows + 1)), Options());
  CHECK(past.status().code() == kErrImportTooManyRows);
  CHECK(past.status().kind() == StatusKind::kTooLarge);
}

TEST_CASE("a county mask policy is applied") {
  SubsidyImportOptions options = Options();
  options.id_mask = MaskPolicy{4, 2, 0};
  std::string csv = std::string(kHeader) + "1,一组,张三,11010519491231002X,,1,100,100.00,,\n";
  Result<SubsidyList> list = ImportSubsidyFile(WriteTestFile("p.csv", csv), options);
  REQUIRE(list.ok());
  CHECK(list->rows[0].id_published == "1101************2X");
}

}  // namespace
}  // namespace gongkai
