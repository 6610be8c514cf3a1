// A Table (node/cli/table_output.h) as an XLSX workbook, for the downloads a county office
// opens in Excel or WPS: one worksheet, the header row in bold and frozen, column widths from
// the widest cell.
//
// The cells are the same as FormatCsv's, but typed: a number cell is an XLSX number, a bool
// cell an XLSX boolean, a text cell an inline string (so it is never read as a formula and
// needs no apostrophe), an empty cell is left out. Characters XML 1.0 cannot hold (C0
// controls other than tab, LF and CR) are dropped. The zip's file times are fixed
// (1980-01-01), so the same table gives the same bytes.
// Thread-safety: pure function.
#ifndef GONGKAI_NODE_CLI_TABLE_XLSX_H_
#define GONGKAI_NODE_CLI_TABLE_XLSX_H_

#include <string>
#include <string_view>

#include "node/cli/table_output.h"

namespace gongkai {

inline constexpr char kXlsxContentType[] =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// The workbook's bytes. `sheet_name` is the worksheet's tab (at most 31 characters are kept;
// the characters Excel refuses in a sheet name, \ / ? * [ ] :, become "_").
std::string FormatXlsx(const Table& table, std::string_view sheet_name);

}  // namespace gongkai

#endif  // GONGKAI_NODE_CLI_TABLE_XLSX_H_
