// Sample disclosures for the printing tests and the benchmark: deterministic, every name,
// ID number, account and amount unique, so a test can count each one in the printed text.
#ifndef GONGKAI_TESTS_PRINTING_SAMPLE_SHEETS_H_
#define GONGKAI_TESTS_PRINTING_SAMPLE_SHEETS_H_

#include <cstdio>
#include <string>
#include <vector>

#include "printing/layouts.h"

namespace gongkai::testing {

inline SheetContext SampleContext(bool approved) {
  SheetContext c;
  c.county = "清河县";
  c.township = "柳林镇";
  c.village = "杏花村";
  c.published_on = "2024年10月15日";
  c.phone_village = "0311-8561234";
  c.phone_township = "0311-8560000";
  c.phone_county = "12345";
  c.qr_payload = "GK1|d=3f2a9c|v=7b1e0d44aa90c3e1|log=1287";
  c.approved = approved;
  c.review_chain = {{"村务监督委员会审核", "杏花村 张明远", "同意公开", "2024年10月10日 09:30"}};
  if (approved) {
    c.review_chain.push_back(
        {"乡镇审核", "柳林镇政务公开办 刘静", "审核通过", "2024年10月12日 15:02"});
  }
  return c;
}

// 户主姓名 number i: three characters, unique for i < 2000.
inline std::string SampleName(size_t i) {
  static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                    "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"};
  static const char* kFirst[] = {"建", "秀", "国", "玉", "志", "春", "德", "桂", "文", "海"};
  static const char* kSecond[] = {"华", "英", "军", "兰", "强", "梅", "明", "芳", "平", "荣"};
  return std::string(kSurnames[i % 20]) + kFirst[(i / 20) % 10] + kSecond[(i / 200) % 10];
}

// An 18-character ID number with a valid GB 11643 check digit, unique per i.
inline std::string SampleIdNumber(size_t i) {
  char body[18];
  std::snprintf(body, sizeof body, "41038119%02zu%02zu%02zu%03zu", 50 + i % 40, 1 + i % 12,
                1 + i % 28, 100 + i % 900);
  std::string id(body, 17);
  static const int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int k = 0; k < 17; ++k) sum += (id[k] - '0') * kWeights[k];
  id += "10X98765432"[sum % 11];
  return id;
}

inline std::string SampleAccount(size_t i) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "621799%013zu", 5000000000000 + i * 7919);
  return buf;
}

inline SubsidyNotice SampleSubsidyList(size_t rows, bool approved) {
  SubsidyNotice list;
  list.context = SampleContext(approved);
  list.year = "2024";
  list.subsidy_name = "耕地地力保护补贴";
  list.notice_from = "2024年10月15日";
  list.notice_to = "2024年10月21日";
  list.filled_by = "赵文书";
  for (size_t i = 0; i < rows; ++i) {
    SubsidyEntry e;
    e.group = "第" + std::to_string(1 + i % 9) + "组";
    e.head_name = SampleName(i);
    e.id_number = SampleIdNumber(i);
    e.item = "耕地地力保护补贴";
    e.area = 150 + static_cast<int64_t>(i) * 3;  // 1.50 亩, 1.53 亩, ...
    e.rate_cents_per_mu = 11850;                 // 118.50 元/亩
    e.amount_cents = *e.area * *e.rate_cents_per_mu / 100;
    e.account = SampleAccount(i);
    if (i % 97 == 0) e.note = "新增承包地，已经村民代表会议确认，面积以确权登记为准";
    list.entries.push_back(e);
  }
  return list;
}

inline FinanceNotice SampleFinance(size_t rows, bool approved) {
  FinanceNotice s;
  s.context = SampleContext(approved);
  s.period = "2024年第三季度";
  s.notice_from = "2024年10月15日";
  s.notice_to = "2024年10月30日";
  s.opening_balance_cents = 12345678;
  static const char* kIncome[] = {"上级转移支付", "集体土地发包收入", "村集体鱼塘租金",
                                  "一事一议财政奖补资金"};
  static const char* kExpense[] = {"村干部误工补贴", "村道维修材料费", "办公用品购置", "村部电费",
                                   "环境卫生保洁费用（含垃圾清运、公厕保洁）"};
  for (size_t i = 0; i < rows; ++i) {
    FinanceEntry e;
    e.date = "2024-0" + std::to_string(7 + i % 3) + "-" + std::to_string(10 + i % 19);
    e.voucher = "记" + std::to_string(i + 1);
    if (i % 3 == 0) {
      e.summary = kIncome[i % 4];
      e.income_cents = 500000 + static_cast<int64_t>(i) * 1011;
    } else {
      e.summary = kExpense[i % 5];
      e.expense_cents = 30000 + static_cast<int64_t>(i) * 733;
    }
    e.handler = i % 2 ? "李会计" : "王主任";
    s.entries.push_back(e);
  }
  s.supervision_opinion = "经审核，本期收支凭证齐全，账实相符，同意公开。";
  s.supervision_members = "张明远　孙桂兰　周德海";
  s.township_review = "经审核，同意公开。";
  return s;
}

inline AffairsNotice SampleAffairs(bool approved) {
  AffairsNotice n;
  n.context = SampleContext(approved);
  n.title = "关于2024年村道硬化工程一事一议筹资筹劳方案的公告";
  n.notice_from = "2024年10月15日";
  n.notice_to = "2024年10月25日";
  n.paragraphs = {
      "经2024年9月28日村民代表会议讨论，到会代表42人（应到45人），以40票同意、1票反对、1票"
      "弃权通过了杏花村2024年村道硬化工程一事一议筹资筹劳方案。现将方案公告如下。",
      "一、项目内容：硬化第三、第五村民小组之间村道1.2公里，宽4.5米，混凝土厚度18厘米，"
      "预算总投资36.8万元，其中申请一事一议财政奖补资金22万元，村集体自筹8.8万元，村民筹资6万元。",
      "二、筹资标准：按受益户每户200元筹集，五保户、低保户免筹；筹劳每个劳动力2个工日，"
      "不愿投劳的可按每个工日80元以资代劳。",
      "三、如对本方案有异议，请于公告期内向村务监督委员会或拨打监督电话反映。"};
  n.table_headers = {"村民小组", "受益户数", "筹资金额（元）", "筹劳工日", "备注"};
  n.table_rows = {{"第三组", "86", "17,200.00", "172", ""},
                  {"第五组", "93", "18,600.00", "186", "含新迁入户3户"},
                  {"合计", "179", "35,800.00", "358", ""}};
  n.attachments = {"村民代表会议记录（2024年9月28日）", "工程预算书", "受益户筹资明细表"};
  return n;
}

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_PRINTING_SAMPLE_SHEETS_H_
