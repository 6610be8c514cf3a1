#include "node/intake/column_headers.h"

#include <algorithm>
#include <utility>

#include "node/intake/import_limits.h"

namespace gongkai {
namespace {

struct Replacement {
  std::string_view from;
  std::string_view to;
};

constexpr Replacement kReplacements[] = {
    {"（", "("}, {"）", ")"}, {"［", "["}, {"］", "]"},    {"【", "["},
    {"】", "]"}, {"：", ":"}, {"／", "/"}, {"\u3000", ""}, {"\u00A0", ""},
};

bool Matches(std::string_view normalized, const ColumnSpec& spec) {
  if (normalized == spec.canonical) return true;
  return std::find(spec.aliases.begin(), spec.aliases.end(), normalized) != spec.aliases.end();
}

}  // namespace

std::string NormalizeHeader(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    bool replaced = false;
    for (const Replacement& r : kReplacements) {
      if (text.substr(i).starts_with(r.from)) {
        out += r.to;
        i += r.from.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out.push_back(text[i++]);
  }
  while (!out.empty() && (out.back() == ':' || out.back() == '*')) out.pop_back();
  while (!out.empty() && out.front() == '*') out.erase(out.begin());
  return out;
}

int MatchHeader(std::string_view cell, std::span<const ColumnSpec> specs) {
  std::string normalized = NormalizeHeader(cell);
  if (normalized.empty()) return -1;
  for (const ColumnSpec& spec : specs) {
    if (Matches(normalized, spec)) return spec.field;
  }
  // "收入(元)", "账号(一卡通)": drop one trailing parenthesised part and try again.
  if (normalized.back() == ')') {
    std::size_t open = normalized.rfind('(');
    if (open != std::string::npos && open > 0) {
      std::string base = normalized.substr(0, open);
      for (const ColumnSpec& spec : specs) {
        if (Matches(base, spec)) return spec.field;
      }
    }
  }
  return -1;
}

std::string_view HeaderMap::Cell(const SheetRow& row, int field) const {
  int index = column[static_cast<std::size_t>(field)];
  if (index < 0 || static_cast<std::size_t>(index) >= row.cells.size()) return {};
  return row.cells[static_cast<std::size_t>(index)];
}

std::string_view HeaderMap::Name(int field, std::span<const ColumnSpec> specs) const {
  const std::string& written = text[static_cast<std::size_t>(field)];
  return written.empty() ? specs[static_cast<std::size_t>(field)].canonical : written;
}

std::optional<HeaderMap> FindHeaderRow(const ImportSheet& sheet, std::span<const ColumnSpec> specs,
                                       std::string_view file_name, ImportErrorList* errors) {
  std::size_t best_index = 0;
  std::size_t best_score = 0;
  std::size_t limit = std::min<std::size_t>(sheet.rows.size(), kHeaderSearchRows);
  for (std::size_t r = 0; r < limit; ++r) {
    std::vector<bool> seen(specs.size(), false);
    std::size_t score = 0;
    for (const std::string& cell : sheet.rows[r].cells) {
      int field = MatchHeader(cell, specs);
      if (field >= 0 && !seen[static_cast<std::size_t>(field)]) {
        seen[static_cast<std::size_t>(field)] = true;
        ++score;
      }
    }
    if (score > best_score) {
      best_score = score;
      best_index = r;
    }
  }
  if (best_score < 2) {
    std::string names;
    for (const ColumnSpec& spec : specs) {
      if (!spec.required) continue;
      if (!names.empty()) names += "、";
      names += "“" + std::string(spec.canonical) + "”";
    }
    errors->Add(
        kErrImportMissingColumn, file_name, 0, "",
        "在前" + std::to_string(kHeaderSearchRows) + "行中找不到表头，表头应包含" + names + "等列");
    return std::nullopt;
  }
  const SheetRow& header = sheet.rows[best_index];
  HeaderMap map;
  map.header_index = best_index;
  map.header_row = header.number;
  map.column.assign(specs.size(), -1);
  map.text.assign(specs.size(), "");
  bool ok = true;
  for (std::size_t c = 0; c < header.cells.size(); ++c) {
    int field = MatchHeader(header.cells[c], specs);
    if (field < 0) continue;
    auto f = static_cast<std::size_t>(field);
    if (map.column[f] >= 0) {
      errors->Add(kErrImportDuplicateColumn, file_name, header.number, header.cells[c],
                  "与" + ExcelColumnName(static_cast<std::size_t>(map.column[f])) + "列“" +
                      map.text[f] + "”是同一项（" + std::string(specs[f].canonical) +
                      "），请只保留一列");
      ok = false;
      continue;
    }
    map.column[f] = static_cast<int>(c);
    map.text[f] = header.cells[c];
  }
  for (const ColumnSpec& spec : specs) {
    if (spec.required && map.column[static_cast<std::size_t>(spec.field)] < 0) {
      errors->Add(kErrImportMissingColumn, file_name, header.number, spec.canonical,
                  "表头缺少这一列");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return map;
}

}  // namespace gongkai
