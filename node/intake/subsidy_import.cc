#include "node/intake/subsidy_import.h"

#include <map>
#include <utility>

#include "node/intake/column_headers.h"
#include "node/intake/decimal.h"
#include "node/intake/id_number.h"
#include "node/intake/import_cells.h"
#include "node/intake/import_source.h"
#include "node/json/json_text.h"

namespace gongkai {
namespace {

enum SubsidyField {
  kSerial,
  kGroup,
  kName,
  kId,
  kItem,
  kArea,
  kRate,
  kAmount,
  kAccount,
  kNote,
  kFieldCount
};

const std::vector<ColumnSpec>& SubsidySpecs() {
  static const std::vector<ColumnSpec> kSpecs = {
      {kSerial, "序号", {"编号"}, false},
      {kGroup, "村民小组", {"组别", "组", "村组", "小组", "村民组"}, false},
      {kName, "户主姓名", {"姓名", "户主", "农户姓名", "户名", "户主名称"}, true},
      {kId,
       "身份证号",
       {"身份证号码", "公民身份号码", "身份证", "户主身份证号", "身份证件号码"},
       true},
      {kItem, "补贴项目", {"项目", "补贴类型", "补贴项目名称"}, false},
      {kArea, "面积", {"面积(亩)", "补贴面积", "计税面积", "确权面积", "亩数"}, false},
      {kRate, "补贴标准", {"标准", "标准(元/亩)", "单价", "补贴标准(元/亩)"}, false},
      {kAmount, "补贴金额", {"金额", "金额(元)", "补贴金额(元)", "发放金额"}, true},
      {kAccount,
       "账号",
       {"一卡通账号", "银行账号", "卡号", "账户", "一卡通卡号", "银行卡号", "存折账号"},
       false},
      {kNote, "备注", {}, false},
  };
  return kSpecs;
}

// Digits only, spaces and dashes removed; "" with *ok=false when anything else remains.
std::string NormalizeAccount(std::string_view text, bool* ok) {
  std::string digits;
  for (char c : text) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    digits.push_back(c);
  }
  *ok = digits.size() >= 6 && digits.size() <= 32 &&
        digits.find_first_not_of("0123456789") == std::string::npos;
  return digits;
}

class SubsidyValidator {
 public:
  SubsidyValidator(const std::string& file, const SubsidyImportOptions& options,
                   const HeaderMap& header, ImportErrorList* errors)
      : file_(file), options_(options), header_(header), errors_(errors) {}

  void Row(const SheetRow& row);
  void Totals(const SheetRow& row);
  SubsidyList Finish() && {
    list_.file = file_;
    return std::move(list_);
  }

 private:
  std::string_view Name(int field) const { return header_.Name(field, SubsidySpecs()); }
  CellPlace Place(const SheetRow& row, int field) const {
    return CellPlace{file_, row.number, Name(field)};
  }
  void Error(const char* code, const SheetRow& row, int field, const std::string& detail) {
    errors_->Add(code, file_, row.number, Name(field), detail);
  }

  const std::string& file_;
  const SubsidyImportOptions& options_;
  const HeaderMap& header_;
  ImportErrorList* errors_;
  std::map<std::string, int64_t> id_rows_;
  SubsidyList list_;
};

void SubsidyValidator::Row(const SheetRow& row) {
  SubsidyRow out;
  bool ok = true;
  out.line_no = row.number;
  out.group = header_.Cell(row, kGroup);
  out.name = header_.Cell(row, kName);
  out.item = header_.Cell(row, kItem);
  if (out.item.empty()) out.item = options_.default_item;
  out.note = header_.Cell(row, kNote);
  if (out.name.empty()) {
    Error(kErrImportMissingValue, row, kName, "户主姓名不能为空");
    ok = false;
  }

  std::string_view id_text = header_.Cell(row, kId);
  if (id_text.empty()) {
    Error(kErrImportMissingValue, row, kId, "身份证号不能为空");
    ok = false;
  } else {
    IdCheck id = CheckIdNumber(id_text, options_.today);
    if (!id.code.empty()) {
      Error(id.code.c_str(), row, kId, id.detail);
      ok = false;
    } else if (auto [it, inserted] = id_rows_.emplace(id.normalized, row.number); !inserted) {
      Error(kErrImportDuplicateId, row, kId,
            "身份证号与第" + std::to_string(it->second) + "行重复（第" +
                std::to_string(it->second) + "行和第" + std::to_string(row.number) + "行）");
      ok = false;
    } else {
      out.id_number = std::move(id.normalized);
      out.id_published = MaskIdentifier(out.id_number, options_.id_mask);
    }
  }

  std::size_t before = errors_->total();
  out.area = ParseAmountCell(header_.Cell(row, kArea), kAreaScale, Place(row, kArea), errors_);
  out.rate_cents =
      ParseAmountCell(header_.Cell(row, kRate), kMoneyScale, Place(row, kRate), errors_);
  std::optional<int64_t> amount =
      ParseAmountCell(header_.Cell(row, kAmount), kMoneyScale, Place(row, kAmount), errors_);
  bool numbers_ok = errors_->total() == before;
  if (numbers_ok && !amount) {
    Error(kErrImportMissingValue, row, kAmount, "补贴金额不能为空");
    numbers_ok = false;
  }
  if (numbers_ok && out.area && out.rate_cents) {
    // area (10^-4 亩) × rate (10^-2 元/亩) is in 10^-6 元; the amount in 10^-2 元.
    __int128 product = static_cast<__int128>(*out.area) * *out.rate_cents;
    __int128 diff = product - static_cast<__int128>(*amount) * 10000;
    if (diff > 10000 || diff < -10000) {
      std::string computed = product <= INT64_MAX
                                 ? FormatDecimalTrimmed(static_cast<int64_t>(product), 6, 2)
                                 : std::string("（过大）");
      Error(kErrImportAmountMismatch, row, kAmount,
            "补贴金额" + FormatDecimal(*amount, 2, 2) + "元与面积" +
                FormatDecimalTrimmed(*out.area, kAreaScale, 0) + "亩×标准" +
                FormatDecimal(*out.rate_cents, 2, 2) + "元/亩=" + computed +
                "元不符（相差超过0.01元）");
      numbers_ok = false;
    }
  }
  ok = ok && numbers_ok;
  if (amount) out.amount_cents = *amount;

  std::string_view account_text = header_.Cell(row, kAccount);
  if (!account_text.empty()) {
    bool account_ok = false;
    std::string account = NormalizeAccount(account_text, &account_ok);
    if (!account_ok) {
      bool scientific = account.find_first_of("Ee") != std::string::npos &&
                        account.find_first_not_of("0123456789.Ee+") == std::string::npos;
      Error(kErrImportAccountFormat, row, kAccount,
            scientific ? "账号被Excel存成了数字（" + account +
                             "），后几位已经丢失；请把该列设为“文本”格式后重新填写"
                       : "“" + std::string(account_text) + "”不是账号（应为6到32位数字）");
      ok = false;
    } else {
      out.account = std::move(account);
      out.account_published = MaskIdentifier(out.account, options_.account_mask);
    }
  }
  if (!ok) return;
  list_.totals.households += 1;
  if (out.area) list_.totals.area += *out.area;
  list_.totals.amount_cents += out.amount_cents;
  list_.rows.push_back(std::move(out));
}

void SubsidyValidator::Totals(const SheetRow& row) {
  ImportErrorList ignored;  // a malformed total is reported through the comparison below
  std::optional<int64_t> area =
      ParseAmountCell(header_.Cell(row, kArea), kAreaScale, Place(row, kArea), &ignored);
  std::optional<int64_t> amount =
      ParseAmountCell(header_.Cell(row, kAmount), kMoneyScale, Place(row, kAmount), &ignored);
  if (!ignored.empty()) {
    errors_->Add(kErrImportTotalMismatch, file_, row.number, "", "合计行的数字无法识别");
    return;
  }
  if (area && *area != list_.totals.area) {
    Error(kErrImportTotalMismatch, row, kArea,
          "合计面积" + FormatDecimalTrimmed(*area, kAreaScale, 0) + "亩与各行之和" +
              FormatDecimalTrimmed(list_.totals.area, kAreaScale, 0) + "亩不符");
  }
  if (amount && *amount != list_.totals.amount_cents) {
    Error(kErrImportTotalMismatch, row, kAmount,
          "合计金额" + FormatYuan(*amount) + "元与各行之和" +
              FormatYuan(list_.totals.amount_cents) + "元不符");
  }
}

}  // namespace

Result<SubsidyList> ImportSubsidySheet(const ImportSheet& sheet, const std::string& file_name,
                                       const SubsidyImportOptions& options,
                                       std::vector<ImportError>* errors) {
  ImportErrorList list;
  auto finish = [&]() -> Status {
    Status status = list.ToStatus();
    if (errors != nullptr) *errors = list.Release();
    return status;
  };
  std::optional<HeaderMap> header = FindHeaderRow(sheet, SubsidySpecs(), file_name, &list);
  if (!header) return finish();

  // Data rows run from below the header to the first 合计/总计 row; below it is the footer
  // (填表人, 监督电话 …), which is not data.
  std::size_t end = sheet.rows.size();
  for (std::size_t i = header->header_index + 1; i < sheet.rows.size(); ++i) {
    if (IsTotalsRow(sheet.rows[i])) {
      end = i;
      break;
    }
  }
  int64_t data_rows = static_cast<int64_t>(end - header->header_index - 1);
  if (!CheckRowCount(data_rows, file_name, &list)) return finish();
  if (data_rows == 0) {
    list.Add(kErrImportEmpty, file_name, 0, "", "表头下面没有数据行");
    return finish();
  }

  SubsidyValidator validator(file_name, options, *header, &list);
  for (std::size_t i = header->header_index + 1; i < end; ++i) validator.Row(sheet.rows[i]);
  // Totals are compared only when every row is valid: otherwise the sums are partial.
  if (end < sheet.rows.size() && list.empty()) validator.Totals(sheet.rows[end]);
  if (!list.empty()) return finish();
  return std::move(validator).Finish();
}

Result<SubsidyList> ImportSubsidyFile(const std::string& path, const SubsidyImportOptions& options,
                                      std::vector<ImportError>* errors) {
  ImportError error;
  Result<ImportSheet> sheet = ReadSheetFile(path, &error);
  if (!sheet.ok()) {
    if (errors != nullptr) *errors = {error};
    return sheet.status();
  }
  return ImportSubsidySheet(*sheet, ImportFileName(path), options, errors);
}

std::string SubsidyRowPublishedJson(const SubsidyRow& row) {
  JsonObject json;
  if (!row.account_published.empty()) json.Set("account", row.account_published);
  json.Set("amount_cents", row.amount_cents);
  if (row.area) json.Set("area", FormatDecimalTrimmed(*row.area, kAreaScale, 0));
  json.Set("group", row.group);
  json.Set("id", row.id_published);
  json.Set("item", row.item);
  json.Set("line", row.line_no);
  json.Set("name", row.name);
  json.Set("note", row.note);
  if (row.rate_cents) json.Set("rate_cents", *row.rate_cents);
  return json.ToString();
}

}  // namespace gongkai
