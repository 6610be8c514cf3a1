#include "node/sheets/sheet_items.h"

#include <algorithm>

#include "node/intake/decimal.h"
#include "node/json/json_value.h"
#include "node/intake/sheet_dates.h"

namespace gongkai {

namespace {

static_assert(kMaxAreaDecimals == kAreaScale, "areas are read in the importer's unit");
static_assert(kMaxAreaDecimals <= kMaxDecimals, "printing must show every decimal");

std::string LineContext(size_t index) { return "第 " + std::to_string(index + 1) + " 行"; }

Status ValueError(std::string message) {
  return Status::Invalid(kErrSheetItemValue, std::move(message));
}

// The members of one JSON object, read strictly: only the format's keys, each present when
// asked for and of the kind asked for.
class Members {
 public:
  static Result<Members> Parse(std::string_view text,
                               std::initializer_list<std::string_view> keys) {
    GK_ASSIGN_OR_RETURN(JsonValue value, ParseJsonObject(text));
    for (const auto& [key, member] : value.object()) {
      bool known = false;
      for (std::string_view name : keys) known = known || name == key;
      if (!known) {
        return Status::Invalid(kErrSheetItemKey, "多出字段 \"" + key.substr(0, 40) + "\"");
      }
    }
    return Members(std::move(value));
  }

  bool Has(std::string_view key) const { return value_.Find(key) != nullptr; }

  Result<std::string> String(std::string_view key) const {
    GK_ASSIGN_OR_RETURN(const JsonValue* member, Find(key, JsonValue::Kind::kString, "文字"));
    return member->string();
  }
  Result<int64_t> Integer(std::string_view key) const {
    GK_ASSIGN_OR_RETURN(const JsonValue* member, Find(key, JsonValue::Kind::kInteger, "整数"));
    return member->integer();
  }
  Result<std::vector<std::string>> Strings(std::string_view key) const {
    GK_ASSIGN_OR_RETURN(const JsonValue* member, Find(key, JsonValue::Kind::kArray, "文字的数组"));
    std::vector<std::string> strings;
    for (const JsonValue& item : member->array()) {
      if (!item.is_string()) return KindError(key, "文字的数组");
      strings.push_back(item.string());
    }
    return strings;
  }

 private:
  explicit Members(JsonValue value) : value_(std::move(value)) {}

  static Status KindError(std::string_view key, std::string_view kind) {
    return Status::Invalid(kErrJsonType,
                           "字段 \"" + std::string(key) + "\" 应为" + std::string(kind));
  }
  Result<const JsonValue*> Find(std::string_view key, JsonValue::Kind kind,
                                std::string_view kind_name) const {
    const JsonValue* member = value_.Find(key);
    if (member == nullptr) {
      return Status::Invalid(kErrSheetItemKey, "缺少字段 \"" + std::string(key) + "\"");
    }
    if (member->kind() != kind) return KindError(key, kind_name);
    return member;
  }

  JsonValue value_;
};

// An amount in cents, 0..kMaxDecimalUnits.
Result<int64_t> ReadCents(const Members& json, std::string_view key) {
  GK_ASSIGN_OR_RETURN(int64_t value, json.Integer(key));
  if (value < 0 || value > kMaxDecimalUnits) {
    return ValueError("\"" + std::string(key) + "\" 应在 0 到 " + std::to_string(kMaxDecimalUnits) +
                      " 分之间");
  }
  return value;
}

// Adds to a running total, which must stay within kMaxDecimalUnits.
Status AddToTotal(int64_t value, std::string_view what, int64_t* total) {
  if (value > kMaxDecimalUnits - *total) {
    return ValueError(std::string(what) + "合计超出范围");
  }
  *total += value;
  return Status::Ok();
}

// "12.5" -> 125000 ten-thousandths and 1 decimal. Exactly digits, optionally '.' and 1..4
// digits; no sign, no leading zeros, no separators.
Status ParseArea(std::string_view text, int64_t* units, int* decimals) {
  const size_t point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  auto digits = [](std::string_view part) {
    return !part.empty() &&
           std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(whole) || (whole.size() > 1 && whole[0] == '0') ||
      (point != std::string_view::npos && !digits(fraction))) {
    return ValueError("面积“" + std::string(text.substr(0, 32)) + "”不是以亩计的小数");
  }
  if (fraction.size() > static_cast<size_t>(kMaxAreaDecimals)) {
    return ValueError("面积“" + std::string(text.substr(0, 32)) + "”超过 4 位小数");
  }
  if (ParseDecimal(text, kAreaScale, units) != DecimalParse::kOk) {
    return ValueError("面积“" + std::string(text.substr(0, 32)) + "”超出范围");
  }
  *decimals = static_cast<int>(fraction.size());
  return Status::Ok();
}

Result<SubsidyEntry> ParseSubsidyItem(std::string_view text, int* area_decimals) {
  GK_ASSIGN_OR_RETURN(
      Members json, Members::Parse(text, {"account", "amount_cents", "area", "group", "id", "item",
                                          "line", "name", "note", "rate_cents"}));
  SubsidyEntry entry;
  GK_ASSIGN_OR_RETURN(entry.amount_cents, ReadCents(json, "amount_cents"));
  GK_ASSIGN_OR_RETURN(entry.group, json.String("group"));
  GK_ASSIGN_OR_RETURN(entry.id_number, json.String("id"));
  GK_ASSIGN_OR_RETURN(entry.item, json.String("item"));
  GK_ASSIGN_OR_RETURN(int64_t line, json.Integer("line"));
  (void)line;  // the row of the source file: 序号 counts the printed rows instead
  GK_ASSIGN_OR_RETURN(entry.head_name, json.String("name"));
  GK_ASSIGN_OR_RETURN(entry.note, json.String("note"));
  if (json.Has("account")) {
    GK_ASSIGN_OR_RETURN(entry.account, json.String("account"));
  }
  *area_decimals = 0;
  if (json.Has("area")) {
    GK_ASSIGN_OR_RETURN(std::string area_text, json.String("area"));
    int64_t units = 0;
    GK_RETURN_IF_ERROR(ParseArea(area_text, &units, area_decimals));
    entry.area = units;
  }
  if (json.Has("rate_cents")) {
    GK_ASSIGN_OR_RETURN(entry.rate_cents_per_mu, ReadCents(json, "rate_cents"));
  }
  return entry;
}

Result<FinanceEntry> ParseFinanceItem(std::string_view text) {
  GK_ASSIGN_OR_RETURN(Members json,
                      Members::Parse(text, {"date", "expense_cents", "handler", "income_cents",
                                            "line", "note", "summary", "voucher"}));
  FinanceEntry entry;
  GK_ASSIGN_OR_RETURN(entry.date, json.String("date"));
  GK_RETURN_IF_ERROR(ChineseDateFromIso(entry.date).status());
  GK_ASSIGN_OR_RETURN(entry.expense_cents, ReadCents(json, "expense_cents"));
  GK_ASSIGN_OR_RETURN(entry.handler, json.String("handler"));
  GK_ASSIGN_OR_RETURN(entry.income_cents, ReadCents(json, "income_cents"));
  GK_ASSIGN_OR_RETURN(int64_t line, json.Integer("line"));
  (void)line;
  GK_ASSIGN_OR_RETURN(entry.note, json.String("note"));
  GK_ASSIGN_OR_RETURN(entry.summary, json.String("summary"));
  GK_ASSIGN_OR_RETURN(entry.voucher, json.String("voucher"));
  return entry;
}

}  // namespace

Result<AffairsBody> ParseAffairsBody(std::string_view text) {
  auto parse = [&]() -> Result<AffairsBody> {
    GK_ASSIGN_OR_RETURN(Members json, Members::Parse(text, {"attachments", "headers", "text"}));
    AffairsBody body;
    GK_ASSIGN_OR_RETURN(body.attachments, json.Strings("attachments"));
    GK_ASSIGN_OR_RETURN(body.headers, json.Strings("headers"));
    GK_ASSIGN_OR_RETURN(body.text, json.String("text"));
    return body;
  };
  auto body = parse();
  if (!body.ok()) return body.status().WithContext("正文");
  return body;
}

Result<FinanceBody> ParseFinanceBody(std::string_view text) {
  auto parse = [&]() -> Result<FinanceBody> {
    GK_ASSIGN_OR_RETURN(Members json,
                        Members::Parse(text, {"closing_cents", "opening_cents", "text"}));
    FinanceBody body;
    // Balances may be negative (an overdrawn account), within the same magnitude.
    GK_ASSIGN_OR_RETURN(body.closing_cents, json.Integer("closing_cents"));
    GK_ASSIGN_OR_RETURN(body.opening_cents, json.Integer("opening_cents"));
    for (int64_t balance : {body.opening_cents, body.closing_cents}) {
      if (balance < -kMaxDecimalUnits || balance > kMaxDecimalUnits) {
        return ValueError("余额超出范围");
      }
    }
    GK_ASSIGN_OR_RETURN(body.text, json.String("text"));
    return body;
  };
  auto body = parse();
  if (!body.ok()) return body.status().WithContext("正文");
  return body;
}

Result<SubsidyBody> ParseSubsidyBody(std::string_view text) {
  auto parse = [&]() -> Result<SubsidyBody> {
    GK_ASSIGN_OR_RETURN(Members json, Members::Parse(text, {"subsidy_name", "text"}));
    SubsidyBody body;
    GK_ASSIGN_OR_RETURN(body.subsidy_name, json.String("subsidy_name"));
    GK_ASSIGN_OR_RETURN(body.text, json.String("text"));
    if (body.subsidy_name.empty()) return ValueError("没有补贴名称");
    return body;
  };
  auto body = parse();
  if (!body.ok()) return body.status().WithContext("正文");
  return body;
}

Result<std::vector<std::vector<std::string>>> ParseAffairsItems(
    const std::vector<std::string>& items, size_t columns) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    auto parse = [&]() -> Result<std::vector<std::string>> {
      GK_ASSIGN_OR_RETURN(Members json, Members::Parse(items[i], {"cells"}));
      GK_ASSIGN_OR_RETURN(std::vector<std::string> cells, json.Strings("cells"));
      if (cells.size() != columns) {
        return ValueError("有 " + std::to_string(cells.size()) + " 格，表头有 " +
                          std::to_string(columns) + " 列");
      }
      return cells;
    };
    auto row = parse();
    if (!row.ok()) return row.status().WithContext(LineContext(i));
    rows.push_back(std::move(*row));
  }
  return rows;
}

Result<std::vector<FinanceEntry>> ParseFinanceItems(const std::vector<std::string>& items) {
  std::vector<FinanceEntry> entries;
  entries.reserve(items.size());
  int64_t income = 0;
  int64_t expense = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    auto entry = ParseFinanceItem(items[i]);
    Status status = entry.status();
    if (status.ok()) status = AddToTotal(entry->income_cents, "收入", &income);
    if (status.ok()) status = AddToTotal(entry->expense_cents, "支出", &expense);
    if (!status.ok()) return status.WithContext(LineContext(i));
    entries.push_back(std::move(*entry));
  }
  return entries;
}

Result<SubsidyItems> ParseSubsidyItems(const std::vector<std::string>& items) {
  SubsidyItems out;
  out.entries.reserve(items.size());
  int64_t amount = 0;
  int64_t area = 0;
  int decimals = 2;
  for (size_t i = 0; i < items.size(); ++i) {
    int item_decimals = 0;
    auto entry = ParseSubsidyItem(items[i], &item_decimals);
    Status status = entry.status();
    if (status.ok()) status = AddToTotal(entry->amount_cents, "金额", &amount);
    if (status.ok()) status = AddToTotal(entry->area.value_or(0), "面积", &area);
    if (!status.ok()) return status.WithContext(LineContext(i));
    decimals = std::max(decimals, item_decimals);
    out.entries.push_back(std::move(*entry));
  }
  // Areas were read in ten-thousandths; print them in the finest unit the list uses.
  int64_t divisor = 1;
  for (int d = decimals; d < kAreaScale; ++d) divisor *= 10;
  for (SubsidyEntry& entry : out.entries) {
    if (entry.area) *entry.area /= divisor;  // exact: no area has more decimals
  }
  out.area_decimals = decimals;
  return out;
}

std::vector<std::string> SplitParagraphs(std::string_view text) {
  std::vector<std::string> paragraphs;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (!line.empty()) paragraphs.emplace_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return paragraphs;
}

}  // namespace gongkai
