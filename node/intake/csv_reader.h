// CSV as clerks' software writes it: RFC 4180 (quoted fields, doubled quotes, line breaks
// inside quotes) with CRLF or LF line ends, plus Excel's habits: a first line "sep=," (or
// "sep=;" / "sep=\t") naming the delimiter, which Excel hides and does not count as a row;
// trailing empty lines; trailing empty fields. A file whose first line holds tabs and no
// commas is read as tab-separated.
//
// Row numbers are those Excel shows when it opens the file: the n-th record is row n (a
// record with a line break inside quotes is still one row); blank records keep their number
// but are not returned. Cells are trimmed of surrounding spaces (ASCII, U+3000 and U+00A0).
//
// Limits (node/intake/import_limits.h): kMaxFieldBytes per cell, kMaxColumns, kMaxReadRows
// non-blank rows. Errors: kErrImportCsvQuote, kErrImportFieldTooLong,
// kErrImportTooManyColumns, kErrImportTooManyRows, kErrImportEmpty.
#ifndef GONGKAI_NODE_INTAKE_CSV_READER_H_
#define GONGKAI_NODE_INTAKE_CSV_READER_H_

#include <string_view>

#include "node/intake/import_error.h"
#include "node/intake/sheet.h"
#include "protocol/status.h"

namespace gongkai {

// Parses UTF-8 text (no BOM; see DecodeText). On failure *error (may be null) receives the
// ImportError, whose message the Status also carries. Thread-safe (no shared state).
Result<ImportSheet> ParseCsv(std::string_view text, std::string_view file_name,
                             ImportError* error = nullptr);

}  // namespace gongkai

#endif  // GONGKAI_NODE_INTAKE_CSV_READER_H_
