#include "node/intake/finance_import.h"

#include <algorithm>
#include <utility>

#include "node/intake/column_headers.h"
#include "node/intake/decimal.h"
#include "node/intake/import_cells.h"
#include "node/intake/import_source.h"
#include "node/json/json_text.h"

namespace gongkai {
namespace {

enum FinanceField {
  kSerial,
  kDate,
  kVoucher,
  kSummary,
  kIncome,
  kExpense,
  kBalance,
  kHandler,
  kNote,
  kFieldCount
};

const std::vector<ColumnSpec>& FinanceSpecs() {
  static const std::vector<ColumnSpec> kSpecs = {
      {kSerial, "序号", {"编号"}, false},
      {kDate, "日期", {"记账日期", "发生日期", "时间"}, true},
      {kVoucher, "凭证号", {"凭证号码", "凭证编号", "凭证"}, false},
      {kSummary, "摘要", {"内容", "事项", "收支内容"}, true},
      {kIncome, "收入", {"收入金额", "借方", "借方金额"}, false},
      {kExpense, "支出", {"支出金额", "贷方", "贷方金额"}, false},
      {kBalance, "余额", {"结余", "账面余额"}, false},
      {kHandler, "经手人", {"经办人"}, false},
      {kNote, "备注", {}, false},
  };
  return kSpecs;
}

enum class RowKind { kTransaction, kOpening, kClosing, kTotals };

RowKind Classify(const SheetRow& row, const HeaderMap& header) {
  static constexpr std::string_view kOpening[] = {"期初余额", "上期结余", "上年结余",
                                                  "上月结余", "上季结余", "期初数"};
  static constexpr std::string_view kClosing[] = {"期末余额", "本期结余", "本月结余", "本季结余",
                                                  "期末数"};
  std::string summary = NormalizeHeader(header.Cell(row, kSummary));
  if (std::find(std::begin(kOpening), std::end(kOpening), summary) != std::end(kOpening)) {
    return RowKind::kOpening;
  }
  if (std::find(std::begin(kClosing), std::end(kClosing), summary) != std::end(kClosing)) {
    return RowKind::kClosing;
  }
  SheetRow summary_only{row.number, {summary}};
  if (IsTotalsRow(row) || IsTotalsRow(summary_only)) return RowKind::kTotals;
  return RowKind::kTransaction;
}

struct Balance {
  std::optional<int64_t> cents;
  int64_t row = 0;
  std::string_view column;
};

class FinanceValidator {
 public:
  FinanceValidator(const std::string& file, const HeaderMap& header,
                   const std::optional<Period>& period, const ImportSheet& sheet,
                   ImportErrorList* errors)
      : file_(file), header_(header), period_(period), sheet_(sheet), errors_(errors) {}

  // The amount of an opening/closing row: 余额, else 收入, else 支出.
  Balance BalanceOfRow(const SheetRow& row) {
    for (int field : {kBalance, kIncome, kExpense}) {
      std::string_view cell = header_.Cell(row, field);
      if (cell.empty()) continue;
      Balance balance;
      balance.row = row.number;
      balance.column = Name(field);
      balance.cents = ParseMoney(row, field);
      return balance;
    }
    errors_->Add(kErrImportMissingValue, file_, row.number, Name(kSummary),
                 "“" + std::string(header_.Cell(row, kSummary)) + "”行没有金额");
    return Balance{};
  }

  void Transaction(const SheetRow& row, int64_t opening, bool check_running);
  void Totals(const SheetRow& row);

  FinanceStatement statement;

 private:
  std::string_view Name(int field) const { return header_.Name(field, FinanceSpecs()); }
  std::optional<int64_t> ParseMoney(const SheetRow& row, int field) {
    return ParseAmountCell(header_.Cell(row, field), kMoneyScale,
                           CellPlace{file_, row.number, Name(field)}, errors_);
  }

  const std::string& file_;
  const HeaderMap& header_;
  const std::optional<Period>& period_;
  const ImportSheet& sheet_;
  ImportErrorList* errors_;
  // After the first bad row the running balance of later rows is not meaningful.
  bool check_running_failed_ = false;
};

void FinanceValidator::Transaction(const SheetRow& row, int64_t opening, bool check_running) {
  std::size_t before = errors_->total();
  FinanceRow out;
  out.line_no = row.number;
  out.voucher = header_.Cell(row, kVoucher);
  out.summary = header_.Cell(row, kSummary);
  out.handler = header_.Cell(row, kHandler);
  out.note = header_.Cell(row, kNote);
  std::string_view date_text = header_.Cell(row, kDate);
  if (date_text.empty()) {
    errors_->Add(kErrImportMissingValue, file_, row.number, Name(kDate), "日期不能为空");
  } else if (std::optional<CivilDate> date =
                 ParseClerkDate(date_text, sheet_.source == SheetSource::kXlsx, sheet_.date1904)) {
    out.date = *date;
    if (period_ && (*date < period_->first || *date > period_->last)) {
      errors_->Add(kErrImportDateOutsidePeriod, file_, row.number, Name(kDate),
                   "日期" + date->ToString() + "不在本期（" + period_->text + "：" +
                       period_->first.ToString() + "至" + period_->last.ToString() + "）内");
    }
  } else {
    errors_->Add(kErrImportDateFormat, file_, row.number, Name(kDate),
                 "“" + std::string(date_text) +
                     "”不是日期（可写作2024-07-01、2024/7/1、2024.7.1、20240701或2024年7月1日）");
  }
  if (out.summary.empty()) {
    errors_->Add(kErrImportMissingValue, file_, row.number, Name(kSummary), "摘要不能为空");
  }
  bool income_empty = header_.Cell(row, kIncome).empty();
  bool expense_empty = header_.Cell(row, kExpense).empty();
  std::optional<int64_t> income = ParseMoney(row, kIncome);
  std::optional<int64_t> expense = ParseMoney(row, kExpense);
  if (income_empty && expense_empty) {
    errors_->Add(kErrImportMissingAmount, file_, row.number,
                 header_.has(kIncome) ? Name(kIncome) : Name(kExpense),
                 "收入和支出都是空的，每笔应填其中一项");
  }
  out.income_cents = income.value_or(0);
  out.expense_cents = expense.value_or(0);
  if (errors_->total() != before) {
    check_running_failed_ = true;
    return;
  }
  statement.totals.income_cents += out.income_cents;
  statement.totals.expense_cents += out.expense_cents;
  statement.totals.transactions += 1;
  if (check_running && !check_running_failed_ && !header_.Cell(row, kBalance).empty()) {
    std::optional<int64_t> written = ParseMoney(row, kBalance);
    int64_t running = opening + statement.totals.income_cents - statement.totals.expense_cents;
    if (written && *written != running) {
      errors_->Add(kErrImportBalanceMismatch, file_, row.number, Name(kBalance),
                   "余额" + FormatYuan(*written) + "与计算结果" + FormatYuan(running) +
                       "不符（期初余额" + FormatYuan(opening) + "＋累计收入" +
                       FormatYuan(statement.totals.income_cents) + "－累计支出" +
                       FormatYuan(statement.totals.expense_cents) + "）");
      check_running_failed_ = true;
    }
  }
  statement.rows.push_back(std::move(out));
}

void FinanceValidator::Totals(const SheetRow& row) {
  ImportErrorList ignored;
  auto read = [&](int field) {
    return ParseAmountCell(header_.Cell(row, field), kMoneyScale,
                           CellPlace{file_, row.number, Name(field)}, &ignored);
  };
  std::optional<int64_t> income = read(kIncome);
  std::optional<int64_t> expense = read(kExpense);
  if (!ignored.empty()) {
    errors_->Add(kErrImportTotalMismatch, file_, row.number, "", "合计行的数字无法识别");
    return;
  }
  if (income && *income != statement.totals.income_cents) {
    errors_->Add(kErrImportTotalMismatch, file_, row.number, Name(kIncome),
                 "合计收入" + FormatYuan(*income) + "与各笔之和" +
                     FormatYuan(statement.totals.income_cents) + "不符");
  }
  if (expense && *expense != statement.totals.expense_cents) {
    errors_->Add(kErrImportTotalMismatch, file_, row.number, Name(kExpense),
                 "合计支出" + FormatYuan(*expense) + "与各笔之和" +
                     FormatYuan(statement.totals.expense_cents) + "不符");
  }
}

// Chooses between the option and the row; both given and different is an error.
std::optional<int64_t> Reconcile(const std::optional<int64_t>& option, const Balance& row,
                                 std::string_view what, const std::string& file,
                                 ImportErrorList* errors) {
  if (option && row.cents && *option != *row.cents) {
    errors->Add(kErrImportBalanceConflict, file, row.row, row.column,
                std::string(what) + "：表中为" + FormatYuan(*row.cents) + "，导入时指定的是" +
                    FormatYuan(*option) + "，两者不一致");
    return std::nullopt;
  }
  return option ? option : row.cents;
}

}  // namespace

Result<FinanceStatement> ImportFinanceSheet(const ImportSheet& sheet, const std::string& file_name,
                                            const FinanceImportOptions& options,
                                            std::vector<ImportError>* errors) {
  ImportErrorList list;
  auto finish = [&]() -> Status {
    Status status = list.ToStatus();
    if (errors != nullptr) *errors = list.Release();
    return status;
  };
  std::optional<Period> period;
  if (!options.period.empty()) {
    Result<Period> parsed = ParsePeriod(options.period);
    if (!parsed.ok()) {
      list.Add(kErrImportPeriodFormat, file_name, 0, "", parsed.status().message());
      return finish();
    }
    period = *parsed;
  }
  std::optional<HeaderMap> header = FindHeaderRow(sheet, FinanceSpecs(), file_name, &list);
  if (!header) return finish();
  if (!header->has(kIncome) && !header->has(kExpense)) {
    list.Add(kErrImportMissingColumn, file_name, header->header_row, "收入",
             "表头缺少“收入”和“支出”列（至少要有一列）");
    return finish();
  }

  // Classify rows. The table ends after the 合计 and balance rows that follow the last
  // transaction; anything after them is the footer (审核意见, 签名 …).
  std::vector<std::pair<const SheetRow*, RowKind>> rows;
  bool in_tail = false;
  for (std::size_t i = header->header_index + 1; i < sheet.rows.size(); ++i) {
    RowKind kind = Classify(sheet.rows[i], *header);
    if (kind == RowKind::kTotals) in_tail = true;
    if (in_tail && kind == RowKind::kTransaction) break;
    rows.emplace_back(&sheet.rows[i], kind);
  }
  int64_t transactions = std::count_if(
      rows.begin(), rows.end(), [](const auto& r) { return r.second == RowKind::kTransaction; });
  if (!CheckRowCount(transactions, file_name, &list)) return finish();

  FinanceValidator validator(file_name, *header, period, sheet, &list);
  Balance opening_row, closing_row;
  for (const auto& [row, kind] : rows) {
    if (kind == RowKind::kOpening && !opening_row.row) opening_row = validator.BalanceOfRow(*row);
    if (kind == RowKind::kClosing && !closing_row.row) closing_row = validator.BalanceOfRow(*row);
  }
  std::optional<int64_t> opening =
      Reconcile(options.opening_cents, opening_row, "期初余额", file_name, &list);
  std::optional<int64_t> closing =
      Reconcile(options.closing_cents, closing_row, "期末余额", file_name, &list);
  if (!opening && !opening_row.row && list.empty()) {
    list.Add(kErrImportMissingBalance, file_name, 0, "",
             "没有期初余额：请在表中加一行摘要为“期初余额”（或“上期结余”）的行，或在导入时填写");
  }

  for (const auto& [row, kind] : rows) {
    if (kind == RowKind::kTransaction) {
      validator.Transaction(*row, opening.value_or(0), opening.has_value());
    }
  }
  if (transactions == 0 && list.empty()) {
    list.Add(kErrImportEmpty, file_name, 0, "", "表头下面没有收支记录");
  }
  if (list.empty()) {
    for (const auto& [row, kind] : rows) {
      if (kind == RowKind::kTotals) validator.Totals(*row);
    }
  }
  FinanceStatement& statement = validator.statement;
  if (list.empty() && opening) {
    int64_t computed = *opening + statement.totals.income_cents - statement.totals.expense_cents;
    if (closing && *closing != computed) {
      list.Add(kErrImportBalanceMismatch, file_name, closing_row.row,
               closing_row.row ? closing_row.column : std::string_view("期末余额"),
               "期初余额" + FormatYuan(*opening) + " ＋ 本期收入" +
                   FormatYuan(statement.totals.income_cents) + " － 本期支出" +
                   FormatYuan(statement.totals.expense_cents) + " ＝ " + FormatYuan(computed) +
                   "，但期末余额为" + FormatYuan(*closing) + "，相差" +
                   FormatYuan(*closing - computed));
    }
    statement.opening_cents = *opening;
    statement.closing_cents = computed;
  }
  if (!list.empty()) return finish();
  statement.file = file_name;
  statement.period = period;
  return std::move(statement);
}

Result<FinanceStatement> ImportFinanceFile(const std::string& path,
                                           const FinanceImportOptions& options,
                                           std::vector<ImportError>* errors) {
  ImportError error;
  Result<ImportSheet> sheet = ReadSheetFile(path, &error);
  if (!sheet.ok()) {
    if (errors != nullptr) *errors = {error};
    return sheet.status();
  }
  return ImportFinanceSheet(*sheet, ImportFileName(path), options, errors);
}

std::string FinanceRowPublishedJson(const FinanceRow& row) {
  JsonObject json;
  json.Set("date", row.date.ToString());
  json.Set("expense_cents", row.expense_cents);
  json.Set("handler", row.handler);
  json.Set("income_cents", row.income_cents);
  json.Set("line", row.line_no);
  json.Set("note", row.note);
  json.Set("summary", row.summary);
  json.Set("voucher", row.voucher);
  return json.ToString();
}

}  // namespace gongkai
