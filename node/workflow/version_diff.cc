#include "node/workflow/version_diff.h"

#include <map>

#include "node/json/json_value.h"
#include "node/replica/sql.h"
#include "node/workflow/workflow.h"

namespace gongkai {

namespace {

std::string CellText(const JsonValue& value) {
  if (value.is_string()) return value.string();
  if (value.is_integer()) return std::to_string(value.integer());
  if (value.kind() == JsonValue::Kind::kBool) return value.boolean() ? "true" : "false";
  if (value.is_array()) {
    std::string out;
    for (const JsonValue& v : value.array()) {
      if (!out.empty()) out += "、";
      out += CellText(v);
    }
    return out;
  }
  return "";
}

std::vector<CellChange> ChangedCells(const ItemCells& a, const ItemCells& b) {
  std::map<std::string, std::string> before(a.cells.begin(), a.cells.end());
  std::map<std::string, std::string> after(b.cells.begin(), b.cells.end());
  std::vector<CellChange> out;
  for (const auto& [key, value] : after) {
    auto it = before.find(key);
    const std::string old = it == before.end() ? "" : it->second;
    if (old != value) out.push_back({key, old, value});
  }
  for (const auto& [key, value] : before) {
    if (after.count(key) == 0) out.push_back({key, value, ""});
  }
  return out;
}

void AddTotals(const std::vector<std::string>& items, bool after,
               std::map<std::string, TotalChange>& totals) {
  for (const std::string& item : items) {
    Result<JsonValue> value = ParseJsonObject(item);
    if (!value.ok()) continue;
    for (const auto& [key, cell] : value->object()) {
      if (!cell.is_integer() || key.size() < 6 || key.substr(key.size() - 6) != "_cents") continue;
      TotalChange& total = totals[key];
      total.key = key;
      (after ? total.after : total.before) += cell.integer();
    }
  }
}

}  // namespace

Result<std::vector<std::string>> VersionItems(sqlite3* db, std::string_view version_id) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "SELECT data FROM disclosure_item WHERE version_id = ? ORDER BY line_no"));
  stmt.Bind(1, version_id);
  std::vector<std::string> items;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    items.push_back(stmt.ColumnText(0));
  }
  return items;
}

Result<ItemCells> ItemCellsOf(std::string_view data) {
  Result<JsonValue> value = ParseJsonObject(data);
  if (!value.ok()) {
    return Status::Invalid(kErrWorkflowInput, "明细行无法读取：" + value.status().message());
  }
  ItemCells out;
  for (const auto& [key, cell] : value->object()) {
    if (key == "cells" && cell.is_array()) {
      for (size_t i = 0; i < cell.array().size(); ++i) {
        out.cells.emplace_back(std::to_string(i + 1), CellText(cell.array()[i]));
      }
      continue;
    }
    if (key == "line") continue;  // the row's position: it shifts when a row is added
    out.cells.emplace_back(key, CellText(cell));
  }
  return out;
}

namespace {

// One text per row that is equal exactly when the rows' cells are.
Result<std::vector<std::string>> RowKeys(const std::vector<std::string>& items) {
  std::vector<std::string> keys;
  keys.reserve(items.size());
  for (const std::string& item : items) {
    GK_ASSIGN_OR_RETURN(ItemCells cells, ItemCellsOf(item));
    std::string key;
    for (const auto& [name, text] : cells.cells) {
      key += std::to_string(name.size()) + ":" + name + std::to_string(text.size()) + ":" + text;
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

}  // namespace

Result<VersionDiff> DiffItems(const std::vector<std::string>& before,
                              const std::vector<std::string>& after) {
  if (before.size() > kMaxDiffRows || after.size() > kMaxDiffRows) {
    return Status::Invalid(kErrWorkflowInput,
                           "明细超过 " + std::to_string(kMaxDiffRows) + " 行，不逐格比较");
  }
  GK_ASSIGN_OR_RETURN(std::vector<std::string> before_keys, RowKeys(before));
  GK_ASSIGN_OR_RETURN(std::vector<std::string> after_keys, RowKeys(after));
  const size_t n = before.size();
  const size_t m = after.size();
  // The common head and tail are equal rows; the middle is aligned by LCS when small
  // enough (kMaxLcsCells), else row by row in order.
  size_t head = 0;
  while (head < n && head < m && before_keys[head] == after_keys[head]) ++head;
  size_t tail = 0;
  while (tail < n - head && tail < m - head &&
         before_keys[n - 1 - tail] == after_keys[m - 1 - tail])
    ++tail;
  const size_t bn = n - head - tail;
  const size_t am = m - head - tail;
  std::vector<std::vector<uint32_t>> lcs;
  const bool aligned = bn * am <= kMaxLcsCells;
  if (aligned) {
    lcs.assign(bn + 1, std::vector<uint32_t>(am + 1, 0));
    for (size_t i = bn; i-- > 0;) {
      for (size_t j = am; j-- > 0;) {
        lcs[i][j] = before_keys[head + i] == after_keys[head + j]
                        ? lcs[i + 1][j + 1] + 1
                        : std::max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
  }
  VersionDiff diff;
  std::vector<size_t> removed_run;
  std::vector<size_t> added_run;
  auto flush = [&]() -> Status {
    const size_t paired = std::min(removed_run.size(), added_run.size());
    for (size_t k = 0; k < std::max(removed_run.size(), added_run.size()); ++k) {
      RowChange row;
      if (k < paired) {
        row.kind = RowChangeKind::kChanged;
        row.before_line = static_cast<int64_t>(removed_run[k] + 1);
        row.after_line = static_cast<int64_t>(added_run[k] + 1);
        GK_ASSIGN_OR_RETURN(row.before, ItemCellsOf(before[removed_run[k]]));
        GK_ASSIGN_OR_RETURN(row.after, ItemCellsOf(after[added_run[k]]));
        row.changed = ChangedCells(row.before, row.after);
        ++diff.changed;
      } else if (k < removed_run.size()) {
        row.kind = RowChangeKind::kRemoved;
        row.before_line = static_cast<int64_t>(removed_run[k] + 1);
        GK_ASSIGN_OR_RETURN(row.before, ItemCellsOf(before[removed_run[k]]));
        ++diff.removed;
      } else {
        row.kind = RowChangeKind::kAdded;
        row.after_line = static_cast<int64_t>(added_run[k] + 1);
        GK_ASSIGN_OR_RETURN(row.after, ItemCellsOf(after[added_run[k]]));
        ++diff.added;
      }
      diff.rows.push_back(std::move(row));
    }
    removed_run.clear();
    added_run.clear();
    return Status::Ok();
  };
  auto same = [&](size_t i, size_t j) -> Status {
    GK_RETURN_IF_ERROR(flush());
    RowChange row;
    row.kind = RowChangeKind::kSame;
    row.before_line = static_cast<int64_t>(i + 1);
    row.after_line = static_cast<int64_t>(j + 1);
    GK_ASSIGN_OR_RETURN(row.after, ItemCellsOf(after[j]));
    row.before = row.after;
    diff.rows.push_back(std::move(row));
    return Status::Ok();
  };
  for (size_t k = 0; k < head; ++k) GK_RETURN_IF_ERROR(same(k, k));
  size_t i = 0;
  size_t j = 0;
  while (i < bn || j < am) {
    if (aligned && i < bn && j < am && before_keys[head + i] == after_keys[head + j]) {
      GK_RETURN_IF_ERROR(same(head + i, head + j));
      ++i;
      ++j;
    } else if (!aligned) {
      if (i < bn) removed_run.push_back(head + i++);
      if (j < am) added_run.push_back(head + j++);
    } else if (j < am && (i == bn || lcs[i][j + 1] >= lcs[i + 1][j])) {
      added_run.push_back(head + j++);
    } else {
      removed_run.push_back(head + i++);
    }
  }
  GK_RETURN_IF_ERROR(flush());
  for (size_t k = 0; k < tail; ++k) GK_RETURN_IF_ERROR(same(n - tail + k, m - tail + k));
  std::map<std::string, TotalChange> totals;
  AddTotals(before, false, totals);
  AddTotals(after, true, totals);
  for (auto& [key, total] : totals) diff.totals.push_back(total);
  return diff;
}

}  // namespace gongkai
