#include "node/cli/table_output.h"

#include <cassert>

#include "node/json/json_text.h"

namespace gongkai {

namespace {

bool IsWide(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
         (cp >= 0x20000 && cp <= 0x3FFFD);
}

}  // namespace

void Table::AddRow(std::vector<TableCell> cells) {
  assert(cells.size() == columns.size());
  cells.resize(columns.size());
  rows.push_back(std::move(cells));
}

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
    if (i + len > text.size()) len = 1;
    uint32_t cp = len == 1 ? b : b & (0xFF >> (len + 1));
    for (size_t k = 1; k < len; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    width += IsWide(cp) ? 2 : 1;
    i += len;
  }
  return width;
}

std::string FormatTerminal(const Table& table) {
  std::vector<size_t> widths;
  for (const TableColumn& column : table.columns) widths.push_back(DisplayWidth(column.title));
  for (const auto& row : table.rows) {
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c].text()));
    }
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells, const std::vector<bool>& right) {
    std::string text;
    for (size_t c = 0; c < cells.size(); ++c) {
      const size_t pad = widths[c] - DisplayWidth(cells[c]);
      const bool last = c + 1 == cells.size();
      if (c > 0) text += "  ";
      if (right[c]) text += std::string(pad, ' ');
      text += cells[c];
      if (!right[c] && !last) text += std::string(pad, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  };
  std::vector<std::string> titles;
  for (const TableColumn& column : table.columns) titles.push_back(column.title);
  line(titles, std::vector<bool>(titles.size(), false));
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    std::vector<bool> right;
    for (const TableCell& cell : row) {
      cells.push_back(cell.text());
      right.push_back(cell.is_number());
    }
    line(cells, right);
  }
  return out;
}

std::string CsvField(std::string_view text, bool number) {
  std::string value(text);
  if (!number && !value.empty() &&
      (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
       value[0] == '\t')) {
    value.insert(value.begin(), '\'');
  }
  const bool quote = value.find_first_of(",\"\r\n") != std::string::npos ||
                     (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!quote) return value;
  std::string out = "\"";
  for (char ch : value) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string FormatCsv(const Table& table) {
  std::string out;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (c > 0) out += ',';
    out += CsvField(table.columns[c].title);
  }
  out += "\r\n";
  for (const auto& row : table.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out += ',';
      out += CsvField(row[c].text(), row[c].is_number() || row[c].is_bool());
    }
    out += "\r\n";
  }
  return out;
}

std::string FormatJsonRows(const Table& table) {
  std::vector<std::string> rows;
  for (const auto& row : table.rows) {
    JsonObject object;
    for (size_t c = 0; c < row.size(); ++c) {
      const TableCell& cell = row[c];
      const std::string& key = table.columns[c].key;
      if (cell.is_null()) {
        object.SetRaw(key, "null");
      } else if (cell.is_number() || cell.is_bool()) {
        object.SetRaw(key, cell.text());
      } else {
        object.Set(key, cell.text());
      }
    }
    rows.push_back(object.ToString());
  }
  return JsonArray(rows);
}

std::string FormatTable(const Table& table, TableFormat format) {
  switch (format) {
    case TableFormat::kCsv:
      return FormatCsv(table);
    case TableFormat::kJson:
      return FormatJsonRows(table) + "\n";
    case TableFormat::kTerminal:
      break;
  }
  return FormatTerminal(table);
}

}  // namespace gongkai
