// The first worksheet of an XLSX workbook (Office Open XML, as written by Excel, WPS and
// LibreOffice) as an ImportSheet of text cells.
//
// What is read: xl/workbook.xml (the first <sheet> and the 1904 date flag), its relationships
// (where that sheet lives), xl/sharedStrings.xml, xl/styles.xml (which cell styles are date
// formats) and the worksheet itself, each streamed through a SAX parser (no DOM is built).
// Cells: shared strings, inline strings (rich-text runs joined, phonetic runs dropped),
// formula results, booleans (TRUE/FALSE), error values (#N/A) and numbers. A number in a
// date-formatted cell becomes "YYYY-MM-DD"; other numbers are written as Excel displays
// them in General format: up to 15 significant digits, integers below 10^15 in full, larger
// ones in scientific form ("4.10381199901011E+17", which the ID check then names). Cell
// references may skip cells and rows: missing cells are "", rows keep Excel's numbers.
//
// Limits (node/intake/import_limits.h): the file itself kMaxImportFileBytes (checked by the
// caller), kMaxXlsxEntries, each part's decompressed size kMaxXlsxPartBytes (the size the
// archive declares is checked before reading and the bytes are counted while reading, so a
// zip bomb is refused either way), kMaxXlsxSharedStrings, kMaxFieldBytes, kMaxColumns,
// kMaxReadRows. Errors: kErrImportXlsxFormat (not a zip, corrupt data, encrypted, missing
// workbook or worksheet, bad XML, bad cell reference), kErrImportXlsxTooLarge,
// kErrImportFieldTooLong, kErrImportTooManyColumns, kErrImportTooManyRows, kErrImportEmpty.
// Poco's exceptions do not escape: they become kErrImportXlsxFormat.
// Thread-safety: reentrant (no shared state).
#ifndef GONGKAI_NODE_INTAKE_XLSX_READER_H_
#define GONGKAI_NODE_INTAKE_XLSX_READER_H_

#include <cstdint>
#include <string_view>

#include "node/intake/import_error.h"
#include "node/intake/import_limits.h"
#include "node/intake/sheet.h"
#include "protocol/status.h"

namespace gongkai {

// Zip archives begin with a local file header, "PK\3\4".
inline constexpr std::string_view kZipMagic{"PK\x03\x04", 4};

// Reads the first worksheet of the XLSX file held in `bytes`. On failure *error (may be
// null) receives the ImportError, whose message the Status also carries. `max_part_bytes`
// overrides kMaxXlsxPartBytes (tests use a small value).
Result<ImportSheet> ReadXlsx(std::string_view bytes, std::string_view file_name,
                             ImportError* error = nullptr,
                             std::uint64_t max_part_bytes = kMaxXlsxPartBytes);

}  // namespace gongkai

#endif  // GONGKAI_NODE_INTAKE_XLSX_READER_H_
