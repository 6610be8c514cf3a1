// The sample files in tests/node/fixtures/ (reused by the county demo): synthetic,
// deterministic, valid. Each is rebuilt here and compared byte for byte with the committed
// copy; run with GONGKAI_WRITE_FIXTURES=1 to rewrite them after a deliberate change.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "node/intake/finance_import.h"
#include "node/intake/id_number.h"
#include "node/intake/subsidy_import.h"
#include "node/intake/text_encoding.h"
#include "tests/node/import_test_files.h"
#include "tests/node/xlsx_builder.h"

namespace gongkai {
namespace {

std::string SubsidyFixtureUtf8() {
  static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"};
  static const char* kGiven[] = {"建国", "秀英", "志强", "桂兰", "德华", "玉梅",
                                 "国平", "春花", "学文", "凤英", "明亮", "红霞"};
  std::string csv =
      "××县××镇××村2024年耕地地力保护补贴发放公示表\r\n"
      "序号,村民小组,户主姓名,身份证号码,补贴项目,计税面积（亩）,补贴标准（元/亩）,"
      "补贴金额（元）,一卡通账号,备注\r\n";
  int64_t total_area = 0, total_cents = 0;
  for (int i = 0; i < 24; ++i) {
    char body[18];
    std::snprintf(body, sizeof body, "410381%04d%02d%02d%03d", 1940 + (i * 7) % 50,
                  1 + (i * 5) % 12, 1 + (i * 11) % 28, 10 + i * 2);
    std::string id = std::string(body, 17);
    id += IdCheckCharacter(id);
    int64_t area = 15000 + (i * 3719) % 90000;  // ten-thousandths of a mu
    int64_t rate = 10452;                       // 104.52 元/亩
    // Rounded half up to cents.
    int64_t cents = (area * rate + 5000) / 10000;
    total_area += area;
    total_cents += cents;
    char line[256];
    std::snprintf(line, sizeof line,
                  "%d,%d组,%s%s,%s,耕地地力保护补贴,%lld.%04lld,104.52,%lld.%02lld,"
                  "62284800%08d,%s\r\n",
                  i + 1, 1 + i / 8, kSurnames[i % 10], kGiven[(i * 7) % 12], id.c_str(),
                  static_cast<long long>(area / 10000), static_cast<long long>(area % 10000),
                  static_cast<long long>(cents / 100), static_cast<long long>(cents % 100),
                  10000000 + i * 7919, i == 5 ? "新增" : "");
    csv += line;
  }
  char totals[128];
  std::snprintf(
      totals, sizeof totals, "合计,,,,,%lld.%04lld,,%lld.%02lld,,\r\n",
      static_cast<long long>(total_area / 10000), static_cast<long long>(total_area % 10000),
      static_cast<long long>(total_cents / 100), static_cast<long long>(total_cents % 100));
  csv += totals;
  csv += "公示期：2024年7月1日至7月7日,,,,监督电话：0379-0000000,,,,,\r\n";
  return csv;
}

std::string FinanceFixtureXlsx() {
  return testing::XlsxFromRows({
      {"××镇××村2024年第三季度村级财务收支公开表"},
      {"单位：元"},
      {"序号", "日期", "凭证号", "摘要", "收入金额", "支出金额", "经手人", "备注"},
      {"", "", "", "期初余额", "n:86500.35"},
      {"n:1", "d:45474", "记-001", "收到村集体土地承包费", "n:24000", "", "王建国"},
      {"n:2", "d:45481", "记-002", "支付村部电费", "", "n:368.4", "李秀英"},
      {"n:3", "d:45492", "记-003", "购买办公用品", "", "n:215", "李秀英"},
      {"n:4", "d:45505", "记-004", "上级转移支付（村级组织运转经费）", "n:30000", "", "王建国"},
      {"n:5", "d:45518", "记-005", "村道维修材料款", "", "n:12680.5", "张志强", "见维修合同"},
      {"n:6", "d:45536", "记-006", "保洁员工资（7-8月）", "", "n:3600", "李秀英"},
      {"n:7", "d:45550", "记-007", "集体鱼塘租金", "n:5200", "", "王建国"},
      {"n:8", "d:45565", "记-008", "村民代表会议误工补贴", "", "n:1450", "张志强"},
      {"", "", "", "本期合计", "n:59200", "n:18313.9"},
      {"", "", "", "期末余额", "n:127386.45"},
      {"民主理财小组审核意见：", "", "", "经审核，收支真实"},
  });
}

void CheckFixture(const std::string& name, const std::string& bytes) {
  std::string path = testing::FixturePath(name);
  if (std::getenv("GONGKAI_WRITE_FIXTURES") != nullptr) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }
  std::ifstream in(path, std::ios::binary);
  std::string committed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK_MESSAGE(committed == bytes, name, " differs from what the test builds");
}

TEST_CASE("subsidy fixture: GB18030 CSV that imports cleanly") {
  Result<std::string> gb = Utf8ToGb18030(SubsidyFixtureUtf8());
  REQUIRE(gb.ok());
  CheckFixture("subsidy_gb18030.csv", *gb);
  SubsidyImportOptions options;
  options.today = {2024, 7, 1};
  Result<SubsidyList> list =
      ImportSubsidyFile(testing::FixturePath("subsidy_gb18030.csv"), options);
  REQUIRE_MESSAGE(list.ok(), list.status().ToString());
  CHECK(list->rows.size() == 24);
  CHECK(list->rows[0].line_no == 3);
  CHECK(list->rows[0].name == "王建国");
}

TEST_CASE("finance fixture: XLSX statement that balances") {
  CheckFixture("finance_2024q3.xlsx", FinanceFixtureXlsx());
  FinanceImportOptions options;
  options.period = "2024Q3";
  Result<FinanceStatement> st =
      ImportFinanceFile(testing::FixturePath("finance_2024q3.xlsx"), options);
  REQUIRE_MESSAGE(st.ok(), st.status().ToString());
  CHECK(st->rows.size() == 8);
  CHECK(st->opening_cents == 8650035);
  CHECK(st->closing_cents == 12738645);
}

}  // namespace
}  // namespace gongkai
