// Builders of the three kinds of sheet a village posts, from plain structs (node/ fills them
// from a disclosure version; nothing here reads a database). Each builder chooses the
// columns, totals, footer lines and signature lines of its category, as county sheets lay
// them out (see README.md, "Layouts").
//
// Money is in cents (int64_t), areas in hundredths of a 亩, rates in cents per 亩.
// Thread-safety: pure functions.
#ifndef GONGKAI_PRINTING_LAYOUTS_H_
#define GONGKAI_PRINTING_LAYOUTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "printing/masking.h"
#include "printing/sheet.h"

namespace gongkai {

// What every sheet carries whatever its category.
struct SheetContext {
  std::string county;
  std::string township;
  std::string village;
  std::string published_on;   // 公开时间, "2024年10月15日"
  std::string phone_village;  // 监督电话
  std::string phone_township;
  std::string phone_county;
  std::vector<ReviewStep> review_chain;
  std::string qr_payload;
  bool approved = false;
};

// 惠农补贴「一卡通」发放公示.
struct SubsidyEntry {
  std::string group;      // 村民小组
  std::string head_name;  // 户主姓名
  std::string id_number;  // 身份证号, in full: the builder masks it
  std::string item;       // 补贴项目
  // 面积 in units of the list's area_decimals (0.01 亩 by default); empty prints blank.
  std::optional<int64_t> area;
  std::optional<int64_t> rate_cents_per_mu;  // 标准, 分/亩; empty prints blank
  int64_t amount_cents = 0;                  // 金额, 分
  std::string account;                       // 一卡通账号, in full: the builder masks it
  std::string note;                          // 备注
};

struct SubsidyNotice {
  SheetContext context;
  std::string year;          // "2024"
  std::string subsidy_name;  // "耕地地力保护补贴"
  std::string notice_from;   // 公示期 "2024年10月15日"
  std::string notice_to;     // "2024年10月21日"
  std::string filled_by;     // 填表人
  // Decimals of 面积 and 合计面积, 2..kMaxDecimals: a list measured to 0.0001 亩 prints
  // with 4 rather than rounded, so every printed area and its sum are exact.
  int area_decimals = 2;
  std::vector<SubsidyEntry> entries;
};

// Title "××村2024年耕地地力保护补贴发放公示"; columns 序号 村民小组 户主姓名 身份证号 补贴项目
// 面积(亩) 标准(元/亩) 金额(元) 账号 备注; 合计 of 面积 and 金额 with the 户数 in its label, and
// a totals block (户数, 面积, 金额 with 大写); 公示期; 监督电话 of village, township, county.
// ID and account numbers are masked with `policy`.
Sheet MakeSubsidySheet(const SubsidyNotice& list, const SheetMaskPolicy& policy = {});

// 村级财务收支公开表.
struct FinanceEntry {
  std::string date;           // "2024-07-03" or "7月3日"
  std::string voucher;        // 凭证号
  std::string summary;        // 摘要
  int64_t income_cents = 0;   // 0 prints blank
  int64_t expense_cents = 0;  // 0 prints blank
  std::string handler;        // 经手人
  std::string note;
};

struct FinanceNotice {
  SheetContext context;
  std::string period;       // "2024年第三季度"
  std::string notice_from;  // 公开期
  std::string notice_to;
  int64_t opening_balance_cents = 0;
  std::vector<FinanceEntry> entries;
  std::string supervision_opinion;  // 民主理财小组/村务监督委员会审核意见
  std::string supervision_members;  // 成员签名 (names), may be empty -> blank lines
  std::string township_review;      // 镇农经站(三资代理中心)审核意见
};

// Title "××镇××村2024年第三季度村级财务收支公开表"; columns 序号 日期 凭证号 摘要 收入 支出
// 经手人 备注; 合计 of 收入 and 支出; totals block 本期收入合计, 本期支出合计, 期初余额, 期末余额
// (期初 + 收入 - 支出), each with its 大写; opinions; signature lines of 书记 and 主任.
Sheet MakeFinanceSheet(const FinanceNotice& statement);

// 村务公开: a notice with paragraphs, an optional table and attachments.
struct AffairsNotice {
  SheetContext context;
  std::string title;  // "关于2024年村道硬化工程一事一议筹资的公告"
  std::vector<std::string> paragraphs;
  // Optional, all text columns; a column whose filled cells are all numbers as typed
  // ("179", "35,800.00") is right-aligned.
  std::vector<std::string> table_headers;
  std::vector<std::vector<std::string>> table_rows;
  std::vector<std::string> attachments;
  std::string notice_from;
  std::string notice_to;
};

Sheet MakeAffairsSheet(const AffairsNotice& notice);

}  // namespace gongkai

#endif  // GONGKAI_PRINTING_LAYOUTS_H_
