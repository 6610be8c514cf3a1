#include "printing/layouts.h"

#include "printing/chinese_amount.h"

namespace gongkai {
namespace {

Column TextColumn(std::string header, double weight, Align align = Align::kLeft) {
  Column c;
  c.header = std::move(header);
  c.weight = weight;
  c.align = align;
  return c;
}

Column NumberColumn(std::string header, double weight, bool sum) {
  Column c;
  c.header = std::move(header);
  c.weight = weight;
  c.align = Align::kRight;
  c.numeric = true;
  c.sum = sum;
  return c;
}

Column OneLineColumn(std::string header, double weight, Align align = Align::kCenter) {
  Column c = TextColumn(std::move(header), weight, align);
  c.wrap = false;
  return c;
}

Cell AmountOrBlank(int64_t cents) { return cents == 0 ? Cell::Blank() : Cell::Number(cents); }

Cell OptionalNumber(const std::optional<int64_t>& value) {
  return value ? Cell::Number(*value) : Cell::Blank();
}

// The parts every category shares: place names, 公开时间, review chain, QR, approval, phones.
Sheet BaseSheet(SheetCategory category, const SheetContext& context) {
  Sheet sheet;
  sheet.category = category;
  sheet.county = context.county;
  sheet.township = context.township;
  sheet.village = context.village;
  sheet.review_chain = context.review_chain;
  sheet.qr_payload = context.qr_payload;
  sheet.approved = context.approved;
  if (!context.published_on.empty()) {
    sheet.header_fields.push_back({"公开时间", context.published_on});
  }
  return sheet;
}

void AddPhones(const SheetContext& context, Sheet* sheet) {
  std::string phones;
  auto add = [&phones](const char* who, const std::string& number) {
    if (number.empty()) return;
    if (!phones.empty()) phones += "　　";
    phones += who;
    phones += number;
  };
  add("村：", context.phone_village);
  add("乡镇：", context.phone_township);
  add("县：", context.phone_county);
  if (!phones.empty()) sheet->footer_fields.push_back({"监督电话", phones});
}

std::string Range(const std::string& from, const std::string& to) {
  if (from.empty() && to.empty()) return "";
  return from + "至" + to;
}

}  // namespace

Sheet MakeSubsidySheet(const SubsidyNotice& list, const SheetMaskPolicy& policy) {
  Sheet sheet = BaseSheet(SheetCategory::kSubsidy, list.context);
  sheet.title = list.context.village + list.year + "年" + list.subsidy_name + "发放公示";
  sheet.period = list.year.empty() ? "" : list.year + "年";
  const std::string notice = Range(list.notice_from, list.notice_to);
  if (!notice.empty()) sheet.header_fields.push_back({"公示期", notice});
  sheet.header_fields.push_back({"单位", "元、亩"});

  sheet.columns = {OneLineColumn("序号", 0.6),
                   TextColumn("村民小组", 1.0, Align::kCenter),
                   TextColumn("户主姓名", 1.0, Align::kCenter),
                   OneLineColumn("身份证号", 2.0),
                   TextColumn("补贴项目", 1.4, Align::kCenter),
                   NumberColumn("面积(亩)", 1.0, true),
                   NumberColumn("标准(元/亩)", 1.0, false),
                   NumberColumn("金额(元)", 1.2, true),
                   OneLineColumn("账号", 1.8),
                   TextColumn("备注", 1.0)};
  sheet.columns[5].decimals = list.area_decimals;
  int64_t area = 0;
  int64_t amount = 0;
  sheet.rows.reserve(list.entries.size());
  for (size_t i = 0; i < list.entries.size(); ++i) {
    const SubsidyEntry& e = list.entries[i];
    sheet.rows.push_back({Cell::Text(std::to_string(i + 1)), Cell::Text(e.group),
                          Cell::Text(e.head_name), Cell::Text(MaskIdNumber(e.id_number, policy)),
                          Cell::Text(e.item), OptionalNumber(e.area),
                          OptionalNumber(e.rate_cents_per_mu), Cell::Number(e.amount_cents),
                          Cell::Text(MaskAccount(e.account, policy)), Cell::Text(e.note)});
    area += e.area.value_or(0);
    amount += e.amount_cents;
  }
  const std::string households = std::to_string(list.entries.size());
  sheet.grand_total_label = "合计（" + households + " 户）";
  sheet.totals = {{"合计户数", households + " 户", ""},
                  {"合计面积", FormatScaled(area, list.area_decimals) + " 亩", ""},
                  {"合计金额", FormatScaled(amount, 2) + " 元", AmountInChineseCapitals(amount)}};
  if (!notice.empty()) {
    sheet.footer_fields.push_back(
        {"公示说明", "公示期为" + notice + "。如有异议，请在公示期内向村委会或拨打监督电话反映。"});
  }
  AddPhones(list.context, &sheet);
  sheet.signatures = {"填表人", "村委会主任", "乡镇审核人"};
  if (!list.filled_by.empty()) sheet.signatures[0] = "填表人：" + list.filled_by;
  sheet.seal_label = list.context.village + "村民委员会（公章）";
  return sheet;
}

Sheet MakeFinanceSheet(const FinanceNotice& statement) {
  Sheet sheet = BaseSheet(SheetCategory::kFinance, statement.context);
  sheet.title = statement.context.township + statement.context.village + statement.period +
                "村级财务收支公开表";
  sheet.period = statement.period;
  const std::string notice = Range(statement.notice_from, statement.notice_to);
  if (!notice.empty()) sheet.header_fields.push_back({"公开期", notice});
  sheet.header_fields.push_back({"单位", "元"});

  sheet.columns = {OneLineColumn("序号", 0.6),
                   TextColumn("日期", 1.1, Align::kCenter),
                   TextColumn("凭证号", 0.9, Align::kCenter),
                   TextColumn("摘要", 3.2),
                   NumberColumn("收入", 1.3, true),
                   NumberColumn("支出", 1.3, true),
                   TextColumn("经手人", 0.9, Align::kCenter),
                   TextColumn("备注", 1.2)};
  int64_t income = 0;
  int64_t expense = 0;
  for (size_t i = 0; i < statement.entries.size(); ++i) {
    const FinanceEntry& e = statement.entries[i];
    sheet.rows.push_back({Cell::Text(std::to_string(i + 1)), Cell::Text(e.date),
                          Cell::Text(e.voucher), Cell::Text(e.summary),
                          AmountOrBlank(e.income_cents), AmountOrBlank(e.expense_cents),
                          Cell::Text(e.handler), Cell::Text(e.note)});
    income += e.income_cents;
    expense += e.expense_cents;
  }
  const int64_t closing = statement.opening_balance_cents + income - expense;
  auto line = [](const char* label, int64_t cents) {
    return TotalLine{label, FormatScaled(cents, 2), AmountInChineseCapitals(cents)};
  };
  sheet.grand_total_label = "合计（" + std::to_string(statement.entries.size()) + " 笔）";
  sheet.totals = {line("本期收入合计", income), line("本期支出合计", expense),
                  line("期初余额", statement.opening_balance_cents), line("期末余额", closing)};
  sheet.opinions.push_back({"民主理财小组/村务监督委员会审核意见",
                            statement.supervision_opinion.empty() ? "____________________"
                                                                  : statement.supervision_opinion});
  if (!statement.supervision_members.empty()) {
    sheet.opinions.push_back({"成员签名", statement.supervision_members});
  }
  sheet.opinions.push_back({"镇农经站（三资代理中心）审核意见", statement.township_review.empty()
                                                                    ? "____________________"
                                                                    : statement.township_review});
  sheet.footer_fields.push_back({"说明", "如有异议，请于公开期内向村务监督委员会反映。"});
  AddPhones(statement.context, &sheet);
  sheet.signatures = {"村党组织书记", "村委会主任", "报账员"};
  sheet.seal_label = statement.context.village + "村民委员会（公章）";
  return sheet;
}

namespace {

// "179", "35,800.00", "-2.5": a count or amount as a clerk types it.
bool IsNumberText(std::string_view text) {
  size_t i = text.starts_with('-') ? 1 : 0;
  bool digits = false;
  bool point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == ',' && !point && digits) {
      continue;
    } else if (c == '.' && !point && digits) {
      point = true;
    } else {
      return false;
    }
  }
  return digits && text.back() != ',' && text.back() != '.';
}

}  // namespace

Sheet MakeAffairsSheet(const AffairsNotice& notice) {
  Sheet sheet = BaseSheet(SheetCategory::kAffairs, notice.context);
  sheet.title = notice.title;
  const std::string range = Range(notice.notice_from, notice.notice_to);
  if (!range.empty()) sheet.header_fields.push_back({"公开期", range});
  sheet.paragraphs = notice.paragraphs;
  for (const std::string& header : notice.table_headers) {
    sheet.columns.push_back(TextColumn(header, 1.0));
  }
  for (const std::vector<std::string>& cells : notice.table_rows) {
    Row row;
    for (const std::string& text : cells) row.push_back(Cell::Text(text));
    sheet.rows.push_back(std::move(row));
  }
  // A column of counts and amounts only reads right-aligned, as in the other layouts.
  for (size_t c = 0; c < sheet.columns.size(); ++c) {
    bool any = false;
    bool all = true;
    for (const Row& row : sheet.rows) {
      if (c >= row.size() || row[c].text.empty()) continue;
      any = true;
      all = all && IsNumberText(row[c].text);
    }
    if (any && all) sheet.columns[c].align = Align::kRight;
  }
  sheet.attachments = notice.attachments;
  AddPhones(notice.context, &sheet);
  sheet.signatures = {"村党组织书记", "村委会主任"};
  sheet.seal_label = notice.context.village + "村民委员会（公章）";
  return sheet;
}

}  // namespace gongkai
