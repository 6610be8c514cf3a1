#include "node/web/page_data.h"

#include <map>
#include <set>

#include "node/json/json_value.h"
#include "node/web/ui_app.h"

namespace gongkai {

namespace {

std::string CellOf(const ItemCells& cells, const std::string& key) {
  for (const auto& [name, text] : cells.cells) {
    if (name == key) return text;
  }
  return "";
}

std::string Shown(const ItemColumn& column, const std::string& text) {
  if (!column.money || text.empty()) return text;
  char* end = nullptr;
  const long long cents = std::strtoll(text.c_str(), &end, 10);
  if (end == nullptr || *end != '\0') return text;
  return Yuan(cents);
}

std::string LabelFor(const std::vector<ItemColumn>& columns, const std::string& key) {
  for (const ItemColumn& c : columns) {
    if (c.key == key) return c.label;
  }
  return key;
}

bool MoneyKey(const std::string& key) { return key.size() > 6 && key.ends_with("_cents"); }

mstch::array RowCells(const std::vector<ItemColumn>& columns, const ItemCells& cells,
                      const std::set<std::string>& marked = {}) {
  mstch::array out;
  for (const ItemColumn& c : columns) {
    out.push_back(mstch::map{{"text", Shown(c, CellOf(cells, c.key))},
                             {"money", c.money},
                             {"marked", marked.count(c.key) > 0}});
  }
  return out;
}

}  // namespace

std::vector<ItemColumn> ItemColumns(Category category, const std::string& body_json) {
  switch (category) {
    case Category::kSubsidy:
      return {{"group", "村民小组"},
              {"name", "户主姓名"},
              {"id", "身份证号"},
              {"item", "补贴项目"},
              {"area", "面积（亩）"},
              {"rate_cents", "标准（元/亩）", true},
              {"amount_cents", "金额（元）", true},
              {"account", "一卡通账号"},
              {"note", "备注"}};
    case Category::kFinance:
      return {{"date", "日期"},
              {"voucher", "凭证号"},
              {"summary", "摘要"},
              {"income_cents", "收入（元）", true},
              {"expense_cents", "支出（元）", true},
              {"handler", "经手人"},
              {"note", "备注"}};
    case Category::kAffairs:
      break;
  }
  std::vector<ItemColumn> columns;
  Result<JsonValue> body = ParseJsonObject(body_json);
  if (body.ok()) {
    std::vector<std::string> headers =
        body->StringsOr("headers").value_or(std::vector<std::string>{});
    for (size_t i = 0; i < headers.size(); ++i)
      columns.push_back({std::to_string(i + 1), headers[i]});
  }
  return columns;
}

mstch::map ItemsTable(const std::vector<ItemColumn>& columns,
                      const std::vector<std::string>& items) {
  mstch::array head;
  for (const ItemColumn& c : columns) head.push_back(mstch::map{{"label", c.label}});
  mstch::array rows;
  std::map<std::string, int64_t> totals;
  for (size_t i = 0; i < items.size(); ++i) {
    Result<ItemCells> cells = ItemCellsOf(items[i]);
    if (!cells.ok()) continue;
    for (const auto& [key, text] : cells->cells) {
      if (MoneyKey(key) && key != "rate_cents")
        totals[key] += std::strtoll(text.c_str(), nullptr, 10);
    }
    rows.push_back(
        mstch::map{{"line", std::to_string(i + 1)}, {"cells", RowCells(columns, *cells)}});
  }
  mstch::array total_rows;
  for (const auto& [key, cents] : totals) {
    total_rows.push_back(mstch::map{{"label", LabelFor(columns, key)}, {"value", Yuan(cents)}});
  }
  return mstch::map{{"columns", head},
                    {"rows", rows},
                    {"has_rows", !rows.empty()},
                    {"row_count", std::to_string(rows.size())},
                    {"totals", total_rows}};
}

mstch::map DiffTable(const std::vector<ItemColumn>& columns, const VersionDiff& diff) {
  mstch::array rows;
  for (const RowChange& r : diff.rows) {
    if (r.kind == RowChangeKind::kSame) continue;
    mstch::map row{
        {"before_line", r.before_line > 0 ? std::to_string(r.before_line) : std::string("—")},
        {"after_line", r.after_line > 0 ? std::to_string(r.after_line) : std::string("—")}};
    if (r.kind == RowChangeKind::kAdded) {
      row["kind"] = std::string("新增");
      row["kind_class"] = std::string("added");
      row["cells"] = RowCells(columns, r.after);
    } else if (r.kind == RowChangeKind::kRemoved) {
      row["kind"] = std::string("删除");
      row["kind_class"] = std::string("removed");
      row["cells"] = RowCells(columns, r.before);
    } else {
      row["kind"] = std::string("修改");
      row["kind_class"] = std::string("changed");
      std::set<std::string> marked;
      mstch::array changes;
      for (const CellChange& c : r.changed) {
        marked.insert(c.key);
        const ItemColumn column{c.key, LabelFor(columns, c.key), MoneyKey(c.key)};
        changes.push_back(mstch::map{{"label", column.label},
                                     {"before", Shown(column, c.before)},
                                     {"after", Shown(column, c.after)}});
      }
      row["cells"] = RowCells(columns, r.after, marked);
      row["changes"] = changes;
    }
    rows.push_back(row);
  }
  mstch::array totals;
  for (const TotalChange& t : diff.totals) {
    if (t.key == "rate_cents") continue;
    totals.push_back(mstch::map{{"label", LabelFor(columns, t.key)},
                                {"before", Yuan(t.before)},
                                {"after", Yuan(t.after)},
                                {"differs", t.before != t.after}});
  }
  mstch::array head;
  for (const ItemColumn& c : columns) head.push_back(mstch::map{{"label", c.label}});
  return mstch::map{{"diff_columns", head},
                    {"diff_rows", rows},
                    {"added", std::to_string(diff.added)},
                    {"removed", std::to_string(diff.removed)},
                    {"changed", std::to_string(diff.changed)},
                    {"diff_totals", totals},
                    {"diff_empty", diff.empty()}};
}

std::string BodyText(const std::string& body_json) {
  Result<JsonValue> body = ParseJsonObject(body_json);
  if (!body.ok()) return "";
  return body->StringOr("text", "").value_or("");
}

std::string ReturnComment(const DisclosureState& state) {
  const VersionFact* current = state.current();
  if (current == nullptr) return "";
  const ReviewFact* review = current->LatestReview("township");
  if (review == nullptr || review->decision != "return") return "";
  return review->comment;
}

std::string AgeText(uint64_t hlc, int64_t now_ms) {
  const int64_t then = static_cast<int64_t>(hlc >> kHlcCounterBits);
  const int64_t hours = std::max<int64_t>(0, (now_ms - then) / 3'600'000);
  if (hours >= 24) return std::to_string(hours / 24) + " 天";
  if (hours >= 1) return std::to_string(hours) + " 小时";
  return "不到 1 小时";
}

mstch::map DisclosureSummary(const DisclosureState& state, int64_t now_ms) {
  mstch::map out{{"id", state.id},
                 {"short_id", state.id.substr(0, 8)},
                 {"title", state.title.empty() ? std::string("（无标题）") : state.title},
                 {"category", std::string(CategoryLabel(state.category))},
                 {"period", state.period},
                 {"status", std::string(StatusLabel(state.status))},
                 {"status_name", std::string(StatusName(state.status))},
                 {"region", state.region},
                 {"has_draft", state.draft.has_value()},
                 {"conflict", state.conflict}};
  if (const VersionFact* current = state.current()) {
    out["time"] = HlcBeijingTime(current->hlc);
    out["age"] = AgeText(current->hlc, now_ms);
    out["publicity_to"] = current->publicity_to;
    out["author"] = current->author;
  }
  const std::string comment = ReturnComment(state);
  if (!comment.empty()) out["return_comment"] = comment;
  return out;
}

mstch::map SheetGrid(const ImportSheet& sheet, const std::vector<ImportError>& errors) {
  // The header row is the first row holding a column an error names.
  std::map<std::string, size_t> column_index;
  for (const ImportError& e : errors) {
    if (e.column.empty() || column_index.count(e.column)) continue;
    for (const SheetRow& row : sheet.rows) {
      bool found = false;
      for (size_t c = 0; c < row.cells.size(); ++c) {
        if (TrimCell(row.cells[c]) == e.column) {
          column_index[e.column] = c;
          found = true;
          break;
        }
      }
      if (found) break;
    }
  }
  std::set<std::pair<int64_t, size_t>> marked;
  std::set<int64_t> marked_rows;
  for (const ImportError& e : errors) {
    if (e.row <= 0) continue;
    marked_rows.insert(e.row);
    auto it = column_index.find(e.column);
    if (it != column_index.end()) marked.insert({e.row, it->second});
  }
  size_t width = 0;
  for (const SheetRow& row : sheet.rows) width = std::max(width, row.cells.size());
  mstch::array head;
  for (size_t c = 0; c < width; ++c) head.push_back(mstch::map{{"name", ExcelColumnName(c)}});
  mstch::array rows;
  for (size_t r = 0; r < sheet.rows.size(); ++r) {
    const SheetRow& row = sheet.rows[r];
    mstch::array cells;
    for (size_t c = 0; c < width; ++c) {
      const std::string value = c < row.cells.size() ? row.cells[c] : "";
      cells.push_back(mstch::map{{"field", "c_" + std::to_string(r) + "_" + std::to_string(c)},
                                 {"value", value},
                                 {"cell_name", ExcelColumnName(c) + std::to_string(row.number)},
                                 {"marked", marked.count({row.number, c}) > 0}});
    }
    rows.push_back(mstch::map{{"number", std::to_string(row.number)},
                              {"marked", marked_rows.count(row.number) > 0},
                              {"cells", cells}});
  }
  return mstch::map{
      {"grid_columns", head}, {"grid_rows", rows}, {"grid_width", std::to_string(width)}};
}

mstch::array CategoryChoices(const std::string& selected) {
  mstch::array out;
  for (Category c : {Category::kFinance, Category::kSubsidy, Category::kAffairs}) {
    const std::string name(CategoryName(c));
    out.push_back(mstch::map{
        {"value", name}, {"label", std::string(CategoryLabel(c))}, {"selected", name == selected}});
  }
  return out;
}

mstch::array ImportErrorRows(const std::vector<ImportError>& errors) {
  mstch::array rows;
  for (const ImportError& e : errors) {
    rows.push_back(mstch::map{{"row", e.row > 0 ? std::to_string(e.row) : std::string("整个文件")},
                              {"column", e.column},
                              {"message", e.message},
                              {"code", e.code}});
  }
  return rows;
}

}  // namespace gongkai
