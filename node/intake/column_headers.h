// Column headers as clerks write them, mapped to the canonical fields of a list.
//
// A header cell is normalised before matching: all white space (ASCII, U+3000, U+00A0, line
// breaks from wrapped cells) is removed, full-width （）［］【】：／ become ( ) [ ] [ ] : /, a
// trailing ':' and leading/trailing '*' (required-field marks) are dropped. It then
// matches a field when it equals the field's canonical name or an alias, or — failing that
// — when it does after removing one trailing parenthesised unit ("收入(元)" -> "收入").
// Cells that match no field are ignored.
//
// The header row need not be the first: title rows ("××村2024年耕地地力保护补贴发放表")
// may sit above it. Among the first kHeaderSearchRows rows the one matching the most
// distinct fields (at least two) is the header; ties go to the earlier row.
// Thread-safety: pure functions.
#ifndef GONGKAI_NODE_INTAKE_COLUMN_HEADERS_H_
#define GONGKAI_NODE_INTAKE_COLUMN_HEADERS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "node/intake/import_error.h"
#include "node/intake/sheet.h"

namespace gongkai {

struct ColumnSpec {
  int field;                              // the caller's enum value, 0..n-1
  std::string_view canonical;             // the name used in messages when absent
  std::vector<std::string_view> aliases;  // normalised forms, canonical not repeated
  bool required;
};

std::string NormalizeHeader(std::string_view text);

// The field a header cell names, or -1.
int MatchHeader(std::string_view cell, std::span<const ColumnSpec> specs);

struct HeaderMap {
  std::size_t header_index = 0;   // index of the header row in sheet.rows
  int64_t header_row = 0;         // its Excel row number
  std::vector<int> column;        // per field: 0-based column index, or -1 when absent
  std::vector<std::string> text;  // per field: the header as written (trimmed), or ""

  bool has(int field) const { return column[static_cast<std::size_t>(field)] >= 0; }
  // The cell of `field` in `row`, "" when the field or the cell is absent.
  std::string_view Cell(const SheetRow& row, int field) const;
  // The header as written, or the canonical name when absent.
  std::string_view Name(int field, std::span<const ColumnSpec> specs) const;
};

// Finds the header row of `sheet`. Adds kErrImportMissingColumn (one per absent required
// field, or one naming them all when no header row is found) and kErrImportDuplicateColumn
// errors to `errors` and returns nullopt when any was added.
// REQUIRES: specs[i].field == i.
std::optional<HeaderMap> FindHeaderRow(const ImportSheet& sheet, std::span<const ColumnSpec> specs,
                                       std::string_view file_name, ImportErrorList* errors);

}  // namespace gongkai

#endif  // GONGKAI_NODE_INTAKE_COLUMN_HEADERS_H_
