// Benchmark support for hub_sync_bench: a county with one township and its villages, each
// enrolled through the library (InitCounty, StartEnrolment, EnrollFromRequest,
// CompleteEnrolment) in homes under one folder, and a year of synthetic disclosures written
// through node/workflow/workflow.h as clerks would.
//
// Per village and year (DataShape's defaults):
//   - 4 quarterly 财务收支明细 (finance), `finance_rows` transactions each, imported from CSV;
//   - 2 惠农补贴 lists (subsidy), `subsidy_rows` households each, imported from CSV;
//   - `affairs` 村务 notices, half of them with a table of `affairs_table_rows` rows;
//   - every version approved by the village's 村务监督委员会 (supervision review);
//   - the township reviews every version: `returns` disclosures are returned with a comment,
//     edited and resubmitted, approved by supervision again, then approved by the township.
// The township receives the villages' envelopes as from a USB bundle (ApplyEnvelope, source
// "bundle"), so its journal relays them on its first sync. A second township node (a new
// machine of the same township) is enrolled but holds nothing.
#ifndef GONGKAI_TESTS_BENCH_HUB_SYNC_DATA_H_
#define GONGKAI_TESTS_BENCH_HUB_SYNC_DATA_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "hub/county/county.h"
#include "node/replica/apply.h"
#include "node/exchange/enrolment.h"
#include "node/intake/id_number.h"
#include "node/app/node_session.h"
#include "node/replica/sql.h"
#include "node/workflow/workflow.h"
#include "protocol/key_file.h"
#include "tests/bench/bench_support.h"

namespace gongkai::bench {

inline constexpr char kCountyCode[] = "511304";
inline constexpr char kCountyName[] = "南充市嘉陵区";
inline constexpr char kTownshipRegion[] = "511304100";
inline constexpr char kPassphrase[] = "bench county passphrase";
inline constexpr char kDataYear[] = "2025";

struct DataShape {
  int villages = 30;
  int finance_rows = 30;
  int subsidy_rows = 200;
  int affairs = 10;
  int affairs_table_rows = 8;
  int returns = 2;  // per village, returned once and resubmitted
};

// What was generated, counted from the writers' own journals.
struct GeneratedCounty {
  std::filesystem::path hub_home;
  std::vector<std::filesystem::path> villages;
  std::filesystem::path township;      // reviews; relays the villages' envelopes
  std::filesystem::path new_township;  // enrolled, empty
  // Each writer's own envelopes in sequence order: villages first, then the township.
  std::vector<std::vector<Bytes>> own_envelopes;
  std::vector<std::filesystem::path> writers;  // the home of each own_envelopes entry
  int64_t versions = 0;
  int64_t items = 0;
  int64_t reviews = 0;
  int64_t returned = 0;
};

inline std::string VillageRegion(int index) {
  char region[48];
  std::snprintf(region, sizeof region, "%s%03d", kTownshipRegion, 201 + index);
  return region;
}

inline const char* Pick(std::mt19937& random, const std::vector<const char*>& words) {
  return words[random() % words.size()];
}

// A 惠农补贴 list as a clerk exports it (UTF-8 CSV). Households differ per village and list.
inline std::string SubsidyCsv(int village, int list, int rows) {
  static const std::vector<const char*> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵",
                                                     "黄", "周", "吴", "何", "罗", "蒋", "谢"};
  static const std::vector<const char*> kGiven = {"建国", "秀英", "志强", "桂兰", "德华", "玉梅",
                                                  "国平", "春花", "学文", "凤英", "明亮", "红霞",
                                                  "永富", "淑芬", "长林", "海燕", "光明", "翠华"};
  std::mt19937 random(static_cast<uint32_t>(village * 97 + list));
  const char* item = list == 0 ? "耕地地力保护补贴" : "农机购置补贴";
  const int64_t rate_cents = list == 0 ? 10452 : 8600;
  std::string csv = "序号,村民小组,户主姓名,身份证号,补贴项目,面积,补贴标准,补贴金额,账号,备注\n";
  for (int i = 0; i < rows; ++i) {
    const int serial = village * 1000 + i;
    char body[32];
    const int day_index = serial / 900;
    std::snprintf(body, sizeof body, "511304%04d%02d%02d%03d", 1940 + day_index / 336,
                  1 + (day_index / 28) % 12, 1 + day_index % 28, serial % 900 + 10);
    std::string id(body, 17);
    id += IdCheckCharacter(id);
    const int64_t area = 5000 + static_cast<int64_t>(random() % 120000);  // 1/10000 mu
    const int64_t cents = (area * rate_cents + 5000) / 10000;
    char line[320];
    std::snprintf(line, sizeof line,
                  "%d,%d组,%s%s,%s,%s,%lld.%04lld,%lld.%02lld,%lld.%02lld,6228480%09d,%s\n", i + 1,
                  1 + i / 40, Pick(random, kSurnames), Pick(random, kGiven), id.c_str(), item,
                  static_cast<long long>(area / 10000), static_cast<long long>(area % 10000),
                  static_cast<long long>(rate_cents / 100),
                  static_cast<long long>(rate_cents % 100), static_cast<long long>(cents / 100),
                  static_cast<long long>(cents % 100), 100000000 + serial,
                  random() % 9 == 0 ? "已核实" : "");
    csv += line;
  }
  return csv;
}

// One quarter's 财务收支明细 (UTF-8 CSV) with a running 余额 from `*balance_cents`.
inline std::string FinanceCsv(int village, int quarter, int rows, int64_t* balance_cents) {
  static const std::vector<const char*> kIncome = {"上级转移支付", "村集体资产租赁收入",
                                                   "一事一议财政奖补", "村集体经济分红"};
  static const std::vector<const char*> kExpense = {
      "村干部误工补贴", "村道维修材料费", "办公用品",     "水电费",     "环境卫生保洁费",
      "五保户慰问金",   "村活动室修缮",   "防汛物资采购", "会议误餐费", "宣传栏制作费"};
  static const std::vector<const char*> kHandlers = {"李会计", "王主任", "张出纳"};
  std::mt19937 random(static_cast<uint32_t>(village * 13 + quarter));
  std::string csv = "序号,日期,凭证号,摘要,收入,支出,余额,经手人,备注\n";
  for (int i = 0; i < rows; ++i) {
    const int month = 3 * quarter + 1 + i * 3 / rows;
    const int day = 1 + static_cast<int>(random() % 28);
    const int64_t expense = 2000 + static_cast<int64_t>(random() % 300000);
    // An expense the balance cannot cover becomes a transfer from above (收入) instead.
    const bool income = random() % 4 == 0 || expense > *balance_cents;
    const int64_t cents = income ? 100000 + static_cast<int64_t>(random() % 5000000) : expense;
    *balance_cents += income ? cents : -cents;
    char line[320];
    const std::string amount = std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") +
                               std::to_string(cents % 100);
    const int64_t balance = *balance_cents;
    std::snprintf(line, sizeof line, "%d,%s-%02d-%02d,记-%03d,%s,%s,%s,%lld.%02lld,%s,\n", i + 1,
                  kDataYear, month, day, quarter * 100 + i + 1,
                  income ? Pick(random, kIncome) : Pick(random, kExpense),
                  income ? amount.c_str() : "", income ? "" : amount.c_str(),
                  static_cast<long long>(balance / 100), static_cast<long long>(balance % 100),
                  Pick(random, kHandlers));
    csv += line;
  }
  return csv;
}

inline std::string AffairsText(std::mt19937& random, int paragraphs) {
  static const std::vector<const char*> kSentences = {
      "经村民代表会议讨论通过，现将有关事项公示如下。",
      "公示期内如有异议，请向村务监督委员会反映。",
      "本村今年计划硬化村组道路一点二公里，资金来源为一事一议财政奖补。",
      "低保评定按照户申请、村评议、镇审核、县审批的程序进行。",
      "村集体经济组织收益分配方案已经成员代表大会表决通过。",
      "防汛期间各组组长要落实巡查责任，发现险情及时报告。",
      "请各户于本月底前完成医保缴费，逾期不再集中办理。",
      "村级公益事业建设项目由村民理财小组全程监督。"};
  std::string text;
  for (int p = 0; p < paragraphs; ++p) {
    if (p) text += "\n";
    for (int s = 0; s < 4; ++s) text += Pick(random, kSentences);
  }
  return text;
}

inline void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::exit(1);
  }
}

inline void Enrol(County& county, const std::filesystem::path& home, const std::string& region,
                  const std::string& name, Role role) {
  const Bytes request = Must(StartEnrolment(home, region, name, 1'790'000'000'000), "request");
  const Bytes file = Must(EnrollFromRequest(county, kPassphrase, request, role), "enrol");
  Must(CompleteEnrolment(home, file).status(), "complete enrolment");
}

inline std::vector<Bytes> OwnEnvelopes(const NodeSession& session) {
  std::vector<Bytes> out;
  Statement stmt = Must(Statement::Prepare(session.replica->db(),
                                           "SELECT bytes FROM journal WHERE origin=? ORDER BY seq"),
                        "select own");
  stmt.Bind(1, NodeIdHex(session.identity.node_id));
  while (Must(stmt.Step(), "step")) out.push_back(stmt.ColumnBlob(0));
  return out;
}

inline Actor ActorOf(NodeSession& session, const std::string& person) {
  return Actor{session.key.get(), session.clock.get(), person, WallClockMs()};
}

// Applies `envelopes` to `session` under one commit, as a bundle import would.
inline void Receive(NodeSession& session, const std::vector<Bytes>& envelopes) {
  Transaction tx = Must(Transaction::Begin(session.replica->db()), "begin");
  for (const Bytes& envelope : envelopes) {
    const ApplyResult applied = Must(ApplyEnvelope(*session.replica, envelope, "bundle"), "apply");
    if (applied.outcome != ApplyOutcome::kApplied) {
      std::fprintf(stderr, "generator: an envelope was not applied\n");
      std::exit(1);
    }
  }
  Must(tx.Commit(), "commit");
}

// Builds the county under `dir` (which must be empty or absent).
inline GeneratedCounty GenerateCounty(const std::filesystem::path& dir, const DataShape& shape) {
  GeneratedCounty out;
  out.hub_home = dir / "hub";
  out.township = dir / "township";
  out.new_township = dir / "township-new";
  std::vector<Bytes> county_envelopes;
  {
    County county =
        Must(InitCounty(out.hub_home, kCountyCode, kCountyName, kPassphrase, kKdfInteractive),
             "init county");
    for (int v = 0; v < shape.villages; ++v) {
      char name[64];
      std::snprintf(name, sizeof name, "第%d村 村民委员会", v + 1);
      out.villages.push_back(dir / ("village-" + std::to_string(v + 1)));
      Enrol(county, out.villages.back(), VillageRegion(v), name, Role::kVillage);
    }
    Enrol(county, out.township, kTownshipRegion, "龙蟠镇人民政府", Role::kTownship);
    Enrol(county, out.new_township, kTownshipRegion, "龙蟠镇人民政府 新终端", Role::kTownship);
    Statement stmt =
        Must(Statement::Prepare(county.replica().db(), "SELECT bytes FROM journal ORDER BY rowid"),
             "county journal");
    while (Must(stmt.Step(), "step")) county_envelopes.push_back(stmt.ColumnBlob(0));
  }
  NodeSession township = Must(OpenNodeSession(out.township.string(), true), "township");
  Receive(township, county_envelopes);
  const std::filesystem::path files = dir / "files";
  std::filesystem::create_directories(files);

  for (int v = 0; v < shape.villages; ++v) {
    NodeSession village = Must(OpenNodeSession(out.villages[v].string(), true), "village");
    std::mt19937 random(static_cast<uint32_t>(v + 1));
    std::vector<std::string> disclosures;
    std::vector<Category> categories;
    auto submit = [&](const DraftInput& input) {
      const Draft draft = Must(CreateDraft(*village.replica, input, WallClockMs()), "draft");
      Must(Submit(*village.replica, ActorOf(village, "李文书"), draft.id).status(), "submit");
      disclosures.push_back(draft.id);
      categories.push_back(*input.category);
    };
    int64_t balance = 2'000'000 + v * 10'000;
    for (int q = 0; q < 4; ++q) {
      DraftInput input;
      input.category = Category::kFinance;
      input.title = std::string(kDataYear) + "年第" + std::to_string(q + 1) + "季度财务收支明细";
      input.period = std::string(kDataYear) + "Q" + std::to_string(q + 1);
      input.opening_cents = balance;
      const std::filesystem::path csv =
          files / ("finance-" + std::to_string(v) + "-" + std::to_string(q) + ".csv");
      WriteFile(csv, FinanceCsv(v, q, shape.finance_rows, &balance));
      input.import_path = csv.string();
      input.body_text = "本季度收支情况如下，原始凭证存村委会备查。";
      submit(input);
    }
    for (int l = 0; l < 2; ++l) {
      DraftInput input;
      input.category = Category::kSubsidy;
      input.subsidy_name = l == 0 ? "耕地地力保护补贴" : "农机购置补贴";
      input.title = std::string(kDataYear) + "年" + *input.subsidy_name + "发放公示";
      input.period = kDataYear;
      const std::filesystem::path csv =
          files / ("subsidy-" + std::to_string(v) + "-" + std::to_string(l) + ".csv");
      WriteFile(csv, SubsidyCsv(v, l, shape.subsidy_rows));
      input.import_path = csv.string();
      submit(input);
    }
    for (int a = 0; a < shape.affairs; ++a) {
      DraftInput input;
      input.category = Category::kAffairs;
      input.title = std::string(kDataYear) + "年村务公开（第" + std::to_string(a + 1) + "号）";
      input.period = std::string(kDataYear) + "-" + (a < 9 ? "0" : "") + std::to_string(a % 12 + 1);
      input.body_text = AffairsText(random, 2 + a % 3);
      if (a % 2 == 1) {
        input.table_headers = std::vector<std::string>{"组别", "户主", "事项", "金额（元）"};
        std::vector<std::vector<std::string>> rows;
        for (int r = 0; r < shape.affairs_table_rows; ++r) {
          rows.push_back({std::to_string(1 + r % 6) + "组",
                          std::string("户主") + std::to_string(r + 1), "临时救助",
                          std::to_string(300 + r * 50)});
        }
        input.table_rows = rows;
      }
      submit(input);
    }
    for (const std::string& id : disclosures) {
      Must(Review(*village.replica, ActorOf(village, "赵监督"), id, Decision::kApprove, "同意公开")
               .status(),
           "supervision");
    }
    Receive(township, OwnEnvelopes(village));
    const size_t village_seen = OwnEnvelopes(village).size();

    // The township returns `returns` disclosures (alternately finance and affairs).
    std::vector<std::string> returned;
    for (size_t d = 0; d < disclosures.size(); ++d) {
      const bool give_back =
          static_cast<int>(returned.size()) < shape.returns &&
          (categories[d] == Category::kFinance || categories[d] == Category::kAffairs) &&
          (d % 5 == 1);
      if (give_back) returned.push_back(disclosures[d]);
      Must(Review(*township.replica, ActorOf(township, "周审核"), disclosures[d],
                  give_back ? Decision::kReturn : Decision::kApprove,
                  give_back ? "摘要不清楚，请补充说明后重新提交" : "同意")
               .status(),
           "township review");
    }
    for (const std::string& id : returned) {
      DraftInput change;
      change.body_text = "已按镇审核意见补充说明：" + AffairsText(random, 1);
      Must(EditDraft(*village.replica, id, change, WallClockMs()).status(), "edit");
      Must(Submit(*village.replica, ActorOf(village, "李文书"), id).status(), "resubmit");
      Must(Review(*village.replica, ActorOf(village, "赵监督"), id, Decision::kApprove, "同意公开")
               .status(),
           "supervision again");
    }
    std::vector<Bytes> own = OwnEnvelopes(village);
    Receive(township, std::vector<Bytes>(own.begin() + static_cast<long>(village_seen), own.end()));
    for (const std::string& id : returned) {
      Must(Review(*township.replica, ActorOf(township, "周审核"), id, Decision::kApprove, "同意")
               .status(),
           "township approve");
    }
    out.returned += static_cast<int64_t>(returned.size());
    out.own_envelopes.push_back(std::move(own));
    out.writers.push_back(out.villages[v]);
  }
  out.own_envelopes.push_back(OwnEnvelopes(township));
  out.writers.push_back(out.township);
  auto count = [&](const char* sql) {
    return Must(QueryInt(township.replica->db(), sql), "count").value_or(0);
  };
  out.versions = count("SELECT count(*) FROM disclosure_version");
  out.items = count("SELECT count(*) FROM disclosure_item");
  out.reviews = count("SELECT count(*) FROM review");
  return out;
}

}  // namespace gongkai::bench

#endif  // GONGKAI_TESTS_BENCH_HUB_SYNC_DATA_H_
