// Tables for command output, printed three ways: aligned columns for a terminal, CSV for a
// spreadsheet, and JSON for scripts. Used by `gongkai` and `gongkai-hub` reports alike.
//
// Terminal: one header line, then one line per row; columns are separated by two spaces and
// padded to the widest cell, counting a CJK (East Asian wide) character as two columns.
// CSV (RFC 4180): the header line, then the rows; lines end in CRLF; a cell is quoted when it
// holds a comma, a double quote, CR or LF, or starts or ends with a space, and a double
// quote inside is doubled. A text cell that starts with = + - @ or a tab is written with a
// leading apostrophe, so a spreadsheet shows it as text instead of running it as a formula
// (the text comes from village nodes and must not run on the county's PC); number cells are
// written as they are. No BOM: Excel users open it with 数据 → 自文本 (UTF-8).
// JSON: an array with one object per row, keyed by the columns' keys; number cells are JSON
// integers, empty optional cells are null.
// Thread-safety: values; pure functions.
#ifndef GONGKAI_NODE_CLI_TABLE_OUTPUT_H_
#define GONGKAI_NODE_CLI_TABLE_OUTPUT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gongkai {

struct TableColumn {
  std::string key;    // JSON key, e.g. "node_id"
  std::string title;  // terminal and CSV header, e.g. "节点编号"
};

// One cell: text, an integer, or nothing (JSON null; empty in the terminal and CSV).
class TableCell {
 public:
  TableCell() = default;
  TableCell(std::string text) : text_(std::move(text)), kind_(Kind::kText) {}         // NOLINT
  TableCell(const char* text) : TableCell(std::string(text)) {}                       // NOLINT
  TableCell(std::string_view text) : TableCell(std::string(text)) {}                  // NOLINT
  TableCell(int64_t number) : text_(std::to_string(number)), kind_(Kind::kNumber) {}  // NOLINT
  TableCell(int number) : TableCell(int64_t{number}) {}                               // NOLINT
  static TableCell Null() { return TableCell(); }
  static TableCell Bool(bool value) {
    TableCell cell(value ? "true" : "false");
    cell.kind_ = Kind::kBool;
    return cell;
  }

  const std::string& text() const { return text_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_bool() const { return kind_ == Kind::kBool; }

 private:
  enum class Kind { kNull, kText, kNumber, kBool };
  std::string text_;
  Kind kind_ = Kind::kNull;
};

struct Table {
  std::vector<TableColumn> columns;
  std::vector<std::vector<TableCell>> rows;  // each exactly columns.size() cells

  // Appends a row. REQUIRES: cells.size() == columns.size().
  void AddRow(std::vector<TableCell> cells);
};

enum class TableFormat { kTerminal, kCsv, kJson };

// Columns a string takes on a terminal: 2 for East Asian wide characters, 1 otherwise.
// REQUIRES: valid UTF-8 (an invalid byte counts as one column).
size_t DisplayWidth(std::string_view text);

std::string FormatTerminal(const Table& table);
std::string FormatCsv(const Table& table);
std::string FormatJsonRows(const Table& table);  // [{"key":value,...},...]
std::string FormatTable(const Table& table, TableFormat format);

// One CSV field as written by FormatCsv (see the file comment); `number` cells are not
// guarded against formulas.
std::string CsvField(std::string_view text, bool number = false);

}  // namespace gongkai

#endif  // GONGKAI_NODE_CLI_TABLE_OUTPUT_H_
