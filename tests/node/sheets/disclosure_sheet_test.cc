#include "node/sheets/disclosure_sheet.h"

#include <doctest/doctest.h>

#include "node/intake/finance_import.h"
#include "node/intake/sheet_dates.h"
#include "node/sheets/sheet_items.h"
#include "node/intake/subsidy_import.h"
#include "printing/chinese_amount.h"
#include "printing/pdf_render.h"
#include "tests/node/disclosure_rows.h"
#include "tests/node/replica_fixture.h"

namespace gongkai {
namespace {

using testing::kTownship;
using testing::kVillage;
using testing::NewVersion;
using testing::ReviewOf;
using testing::ReviewSpec;
using testing::TestNode;
using testing::VersionSpec;
using testing::WriteAndDeliver;

// The village writes `v` with its items and, when given, the supervision review, in one
// capture; the township receives it.
void Submit(testing::TestCounty& c, const VersionSpec& v, const std::vector<std::string>& items,
            std::optional<ReviewSpec> supervision, std::string_view region = kVillage) {
  TestNode& writer = region == kVillage ? *c.village : *c.township;
  TestNode& reader = region == kVillage ? *c.township : *c.village;
  WriteAndDeliver(writer,
                  [&](sqlite3* db, const CaptureStamp& s) -> Status {
                    GK_RETURN_IF_ERROR(testing::InsertVersionRow(db, s, region, v, items));
                    for (size_t i = 0; i < items.size(); ++i) {
                      GK_RETURN_IF_ERROR(testing::InsertItemRow(db, s, region, v.version_id,
                                                                int64_t(i) + 1, items[i]));
                    }
                    if (!supervision) return Status::Ok();
                    return testing::InsertReviewRow(db, s, region, *supervision);
                  },
                  {&reader});
}

void TownshipReview(testing::TestCounty& c, const ReviewSpec& review) {
  WriteAndDeliver(*c.township,
                  [&](sqlite3* db, const CaptureStamp& s) {
                    return testing::InsertReviewRow(db, s, kVillage, review);
                  },
                  {c.village.get()});
}

SubsidyRow Household(int64_t line, std::string name, int64_t area, int64_t amount) {
  SubsidyRow row;
  row.line_no = line;
  row.group = "一组";
  row.name = std::move(name);
  row.id_published = "410381********12" + std::to_string(10 + line);
  row.item = "耕地地力保护补贴";
  row.area = area;
  row.rate_cents = 11850;
  row.amount_cents = amount;
  row.account_published = "****56" + std::to_string(10 + line);
  return row;
}

VersionSpec SubsidyVersion() {
  VersionSpec v = NewVersion("subsidy v1", "subsidy d");
  v.category = "subsidy";
  v.title = "2026年耕地地力保护补贴发放名单";
  v.period = "2026";
  v.body = R"({"subsidy_name":"耕地地力保护补贴","text":"补贴标准为每亩118.50元。"})";
  v.item_count = 3;
  return v;
}

std::vector<std::string> SubsidyItems() {
  return {SubsidyRowPublishedJson(Household(3, "张三", 125000, 148125)),
          SubsidyRowPublishedJson(Household(4, "李四", 20000, 23700)),
          SubsidyRowPublishedJson(Household(5, "王五", 33000, 39105))};
}

const Field* FindField(const std::vector<Field>& fields, std::string_view key) {
  for (const Field& f : fields) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

DisclosureSheet Build(TestNode& node, std::string_view version_id,
                      const DisclosureSheetOptions& options = {}) {
  auto built = BuildSheetForVersion(*node.replica, version_id, options);
  INFO(built.status().ToString());
  REQUIRE(built.ok());
  return std::move(*built);
}

struct NamedCounty : testing::TestCounty {
  NamedCounty() { testing::EnrolPlaceNames(*this, {village.get(), township.get()}); }
};

TEST_CASE("an approved subsidy list: title, rows, masked numbers, totals, chain, QR") {
  NamedCounty c;
  const VersionSpec v = SubsidyVersion();
  ReviewSpec supervision = ReviewOf(v, "s1", "supervision", "approve");
  supervision.reviewer = "钱监督";
  Submit(c, v, SubsidyItems(), supervision);
  ReviewSpec approve = ReviewOf(v, "t1", "township", "approve");
  approve.comment = "同意公示";
  TownshipReview(c, approve);
  const std::string phone = "0817-2601234";
  REQUIRE(c.village->replica->PutSetting(kSettingPhoneVillage, AsBytes(phone)).ok());

  DisclosureSheet built = Build(*c.village, v.version_id.substr(0, 8));
  const Sheet& sheet = built.sheet;
  CHECK(sheet.category == SheetCategory::kSubsidy);
  CHECK(sheet.county == "嘉陵区");
  CHECK(sheet.township == "龙蟠镇");
  CHECK(sheet.village == "石庙村");
  CHECK(sheet.title == "石庙村2026年耕地地力保护补贴发放公示");
  CHECK(sheet.paragraphs == std::vector<std::string>{"补贴标准为每亩118.50元。"});
  REQUIRE(sheet.rows.size() == 3);
  CHECK(sheet.rows[0][0].text == "1");
  CHECK(sheet.rows[0][2].text == "张三");
  CHECK(sheet.rows[0][3].text == "410381********1213");
  CHECK(sheet.rows[0][5].number == 1250);
  CHECK(sheet.rows[0][6].number == 11850);
  CHECK(sheet.rows[0][7].number == 148125);
  CHECK(sheet.rows[0][8].text == "****5613");
  CHECK(sheet.rows[2][2].text == "王五");
  CHECK(sheet.grand_total_label == "合计（3 户）");
  REQUIRE(sheet.totals.size() == 3);
  CHECK(sheet.totals[1].value == "17.80 亩");
  CHECK(sheet.totals[2].value == "2,109.30 元");
  CHECK(sheet.totals[2].capitals == AmountInChineseCapitals(210930));
  CHECK(sheet.signatures[0] == "填表人：赵文书");
  CHECK(sheet.seal_label == "石庙村村民委员会（公章）");

  CHECK(sheet.approved);
  CHECK(built.facts.version.status == DisclosureStatus::kApproved);
  REQUIRE(sheet.review_chain.size() == 2);
  CHECK(sheet.review_chain[0].stage == "村务监督委员会审核");
  CHECK(sheet.review_chain[0].who == "钱监督（village）");  // the fixture names its machines
  CHECK(sheet.review_chain[0].decision == "同意");
  CHECK(sheet.review_chain[1].stage == "乡镇审核");
  CHECK(sheet.review_chain[1].who == "孙审核（township）");
  CHECK(sheet.review_chain[1].decision == "同意：同意公示");
  CHECK(sheet.review_chain[1].when == BeijingDateTimeText(built.facts.version.reviews[1].hlc));
  CHECK(sheet.review_chain[1].when.starts_with("2026年9月21日 "));

  CHECK(FindField(sheet.header_fields, "公开时间")->value == "2026年9月21日");
  CHECK(FindField(sheet.header_fields, "公示期")->value == "2026年9月21日至2026年9月30日");
  CHECK(FindField(sheet.header_fields, "审核状态")->value == "已审核通过");
  const Field* phones = FindField(sheet.footer_fields, "监督电话");
  REQUIRE(phones != nullptr);
  CHECK(phones->value.find("村：0817-2601234") != std::string::npos);
  CHECK(phones->value.find(std::string("乡镇：") + kBlankToFill) != std::string::npos);

  CHECK(sheet.qr_payload == FormatSheetPayload(built.payload));
  CHECK(built.payload.version_id == v.version_id);
  CHECK(built.payload.disclosure_id == v.disclosure_id);
  const std::string hash = ContentHash(v.disclosure_id, v.category, v.title, v.period, v.body,
                                       v.publicity_from, v.publicity_to, SubsidyItems());
  CHECK(built.facts.version.content_hash == hash);
  CHECK(hash.starts_with(built.payload.hash16));
  CHECK_FALSE(built.payload.log_index.has_value());
  const auto& input = std::get<SubsidyNotice>(built.input);
  CHECK(input.area_decimals == 2);
  CHECK(input.filled_by == "赵文书");

  // The township prints the same sheet from its own replica.
  DisclosureSheet at_township = Build(*c.township, v.version_id);
  CHECK(at_township.sheet.title == sheet.title);
  CHECK(at_township.sheet.approved);

  DisclosureSheetOptions logged;
  logged.hub_log_index = 42;
  logged.places.village = "石庙村（二组）";
  DisclosureSheet with_options = Build(*c.village, v.version_id, logged);
  CHECK(with_options.sheet.qr_payload.ends_with("/42"));
  CHECK(with_options.sheet.village == "石庙村（二组）");
}

TEST_CASE("areas with more than 2 decimals print exactly, with 4") {
  NamedCounty c;
  VersionSpec v = SubsidyVersion();
  v.item_count = 2;
  Submit(c, v,
         {SubsidyRowPublishedJson(Household(3, "张三", 12345, 1463)),
          SubsidyRowPublishedJson(Household(4, "李四", 20000, 2370))},
         std::nullopt);
  DisclosureSheet built = Build(*c.village, v.version_id);
  CHECK(built.sheet.columns[5].decimals == 4);
  CHECK(built.sheet.rows[0][5].number == 12345);
  CHECK(built.sheet.rows[1][5].number == 20000);
  CHECK(built.sheet.totals[1].value == "3.2345 亩");
}

TEST_CASE("a returned finance statement: opinions, balances, watermark") {
  NamedCounty c;
  VersionSpec v = NewVersion("finance v1", "finance d");
  v.category = "finance";
  v.title = "2026年第三季度财务收支";
  v.period = "2026Q3";
  v.body = R"({"closing_cents":1037655,"opening_cents":1000000,"text":""})";
  v.item_count = 2;
  FinanceRow income;
  income.line_no = 4;
  income.date = {2026, 7, 1};
  income.voucher = "记-001";
  income.summary = "鱼塘租金";
  income.income_cents = 50000;
  income.handler = "王会计";
  FinanceRow expense = income;
  expense.line_no = 5;
  expense.date = {2026, 7, 2};
  expense.voucher = "记-002";
  expense.summary = "村部电费";
  expense.income_cents = 0;
  expense.expense_cents = 12345;
  ReviewSpec supervision = ReviewOf(v, "s1", "supervision", "approve");
  supervision.comment = "账目相符";
  supervision.reviewer = "钱监督";
  Submit(c, v, {FinanceRowPublishedJson(income), FinanceRowPublishedJson(expense)}, supervision);
  ReviewSpec back = ReviewOf(v, "t1", "township", "return");
  back.comment = "电费缺发票";
  TownshipReview(c, back);

  DisclosureSheet built = Build(*c.village, v.version_id);
  const Sheet& sheet = built.sheet;
  CHECK(sheet.category == SheetCategory::kFinance);
  CHECK(sheet.title == "龙蟠镇石庙村2026年第三季度村级财务收支公开表");
  REQUIRE(sheet.rows.size() == 2);
  CHECK(sheet.rows[0][1].text == "2026-07-01");
  CHECK(sheet.rows[0][4].number == 50000);
  CHECK_FALSE(sheet.rows[0][5].number.has_value());
  CHECK(sheet.rows[1][5].number == 12345);
  CHECK(sheet.totals[3].label == "期末余额");
  CHECK(sheet.totals[3].value == "10,376.55");
  const std::string day = ChineseDate(BeijingDate(built.facts.version.reviews[0].hlc));
  CHECK(sheet.opinions.front().value == "同意：账目相符（钱监督，" + day + "）");
  CHECK(sheet.opinions.back().value == "退回：电费缺发票（孙审核，" + day + "）");
  CHECK_FALSE(sheet.approved);
  CHECK(built.facts.version.status == DisclosureStatus::kReturned);
  CHECK(FindField(sheet.header_fields, "审核状态")->value == "已退回");
  CHECK(sheet.review_chain.back().decision == "退回：电费缺发票");

  // A closing balance that does not follow from the rows is refused.
  VersionSpec wrong = NewVersion("finance v2", "finance d2");
  wrong.category = "finance";
  wrong.period = "2026Q3";
  wrong.body = R"({"closing_cents":1037656,"opening_cents":1000000,"text":""})";
  wrong.item_count = 2;
  Submit(c, wrong, {FinanceRowPublishedJson(income), FinanceRowPublishedJson(expense)},
         std::nullopt);
  auto refused = BuildSheetForVersion(*c.village->replica, wrong.version_id);
  CHECK(refused.status().code() == kErrSheetBalance);
}

TEST_CASE("a submitted affairs notice with a table and attachments") {
  NamedCounty c;
  VersionSpec v = NewVersion("affairs v1", "affairs d");
  v.title = "关于2026年村道硬化工程一事一议筹资的公告";
  v.body =
      R"({"attachments":["工程预算表"],"headers":["户主","筹资额"],"text":"经村民代表会议讨论。\n现公告如下。"})";
  v.item_count = 2;
  Submit(c, v, {R"({"cells":["张三","200元"]})", R"({"cells":["李四","150元"]})"},
         ReviewOf(v, "s1", "supervision", "approve"));
  DisclosureSheet built = Build(*c.village, v.version_id);
  const Sheet& sheet = built.sheet;
  CHECK(sheet.category == SheetCategory::kAffairs);
  CHECK(sheet.title == v.title);
  CHECK(sheet.paragraphs == std::vector<std::string>{"经村民代表会议讨论。", "现公告如下。"});
  REQUIRE(sheet.columns.size() == 2);
  CHECK(sheet.columns[1].header == "筹资额");
  REQUIRE(sheet.rows.size() == 2);
  CHECK(sheet.rows[1][0].text == "李四");
  CHECK(sheet.attachments == std::vector<std::string>{"工程预算表"});
  CHECK_FALSE(sheet.approved);
  CHECK(sheet.review_chain.size() == 1);
  CHECK(FindField(sheet.header_fields, "审核状态")->value == "已提交待审核");
  CHECK(std::get<AffairsNotice>(built.input).table_headers.size() == 2);
}

TEST_CASE("a township's own notice names the township in its seal") {
  NamedCounty c;
  VersionSpec v = NewVersion("township v1", "township d");
  v.title = "龙蟠镇2026年秋季防火公告";
  Submit(c, v, {}, std::nullopt, kTownship);
  DisclosureSheet built = Build(*c.township, v.version_id);
  CHECK(built.sheet.village.empty());
  CHECK(built.sheet.township == "龙蟠镇");
  CHECK(built.sheet.seal_label == "龙蟠镇（公章）");
  CHECK(built.sheet.rows.empty());
}

TEST_CASE("incomplete or inconsistent versions are refused with their codes") {
  NamedCounty c;
  VersionSpec v = SubsidyVersion();
  const std::vector<std::string> items = SubsidyItems();
  Submit(c, v, {items[0], items[1]}, std::nullopt);  // says 3, carries 2
  auto missing = BuildSheetForVersion(*c.village->replica, v.version_id);
  CHECK(missing.status().code() == kErrSheetItemCount);
  CHECK(missing.status().kind() == StatusKind::kUnavailable);

  VersionSpec extra = NewVersion("extra", "extra d");
  extra.category = "subsidy";
  extra.period = "2026";
  extra.body = SubsidyVersion().body;
  extra.item_count = 1;
  Submit(c, extra, items, std::nullopt);
  auto too_many = BuildSheetForVersion(*c.village->replica, extra.version_id);
  CHECK(too_many.status().code() == kErrSheetItemCount);
  CHECK(too_many.status().kind() == StatusKind::kInvalid);

  VersionSpec bad_item = SubsidyVersion();
  bad_item.version_id = testing::TestId("bad item");
  bad_item.item_count = 1;
  Submit(c, bad_item, {R"({"amount_cents":1})"}, std::nullopt);
  auto json = BuildSheetForVersion(*c.village->replica, bad_item.version_id);
  CHECK(json.status().code() == kErrSheetItemKey);
  CHECK(json.status().message().starts_with("第 1 行: "));

  VersionSpec bad_date = NewVersion("bad date", "bad date d");
  bad_date.publicity_to = "2026-09-31";
  Submit(c, bad_date, {}, std::nullopt);
  CHECK(BuildSheetForVersion(*c.village->replica, bad_date.version_id).status().code() ==
        kErrSheetDate);

  VersionSpec bad_hash = NewVersion("bad hash", "bad hash d");
  bad_hash.content_hash = "not a hash";
  Submit(c, bad_hash, {}, std::nullopt);
  CHECK(BuildSheetForVersion(*c.village->replica, bad_hash.version_id).status().code() ==
        kErrSheetPayloadHash);

  VersionSpec altered = NewVersion("altered", "altered d");
  altered.content_hash = std::string(64, 'a');  // well formed, but not this content's
  Submit(c, altered, {}, std::nullopt);
  CHECK(BuildSheetForVersion(*c.village->replica, altered.version_id).status().code() ==
        kErrSheetContentHash);

  VersionSpec ok = NewVersion("fine", "fine d");
  Submit(c, ok, {}, std::nullopt);
  REQUIRE(BuildSheetForVersion(*c.village->replica, ok.version_id).ok());
  const std::string long_phone(kMaxPhoneBytes + 1, '1');
  REQUIRE(c.village->replica->PutSetting(kSettingPhoneCounty, AsBytes(long_phone)).ok());
  CHECK(BuildSheetForVersion(*c.village->replica, ok.version_id).status().code() == kErrSheetPhone);
  const std::string at_limit(kMaxPhoneBytes, '1');
  REQUIRE(c.village->replica->PutSetting(kSettingPhoneCounty, AsBytes(at_limit)).ok());
  CHECK(BuildSheetForVersion(*c.village->replica, ok.version_id).ok());

  CHECK(BuildSheetForVersion(*c.village->replica, testing::TestId("none")).status().code() ==
        kErrWorkflowNotFound);
}

TEST_CASE("a sheet printed to PDF reads back: title, names, chain, QR payload") {
  NamedCounty c;
  const VersionSpec v = SubsidyVersion();
  Submit(c, v, SubsidyItems(), ReviewOf(v, "s1", "supervision", "approve"));
  DisclosureSheet built = Build(*c.village, v.version_id);  // not yet approved
  const std::string pdf = (c.dir.path() / "sheet.pdf").string();
  RenderReport report;
  Status rendered = RenderSheetPdf(built.sheet, pdf, &report);
  INFO(rendered.ToString());
  REQUIRE(rendered.ok());
  CHECK(report.page_count == 1);

  const std::string text = testing::Capture("pdftotext -layout -nodiag '" + pdf + "' -");
  for (const char* expected :
       {"石庙村2026年耕地地力保护补贴发放公示", "嘉陵区", "龙蟠镇", "张三", "李四", "王五",
        "410381********1213", "****5613", "2,109.30", "村务监督委员会审核", "已提交待审核"}) {
    INFO(std::string(expected));
    CHECK(text.find(expected) != std::string::npos);
  }
  const std::string raw = testing::Capture("pdftotext -raw '" + pdf + "' -");
  std::string diagonal;
  for (char ch : raw) {
    if (ch != '\n' && ch != ' ') diagonal += ch;
  }
  CHECK(diagonal.find("未经乡镇审核不得张贴") != std::string::npos);

  const std::string png = (c.dir.path() / "sheet").string();
  REQUIRE(testing::Run("pdftoppm -r 150 -png -singlefile '" + pdf + "' '" + png + "'") == 0);
  std::string scanned = testing::Capture("zbarimg --raw -q '" + png + ".png' 2>/dev/null");
  while (!scanned.empty() && (scanned.back() == '\n' || scanned.back() == '\r')) {
    scanned.pop_back();
  }
  CHECK(scanned == built.sheet.qr_payload);
}

}  // namespace
}  // namespace gongkai
