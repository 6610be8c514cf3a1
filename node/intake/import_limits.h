// The named limits of CSV/XLSX imports, in one place. Every limit has a test at the limit and
// one past it (tests/node/*_test.cc). A file past any limit is refused as a whole.
#ifndef GONGKAI_NODE_INTAKE_IMPORT_LIMITS_H_
#define GONGKAI_NODE_INTAKE_IMPORT_LIMITS_H_

#include <cstddef>
#include <cstdint>

#include "protocol/disclosure_limits.h"

namespace gongkai {

// Data rows of one imported list (not counting title, header, blank and 合计 rows): the rows
// of one disclosure (protocol/disclosure_limits.h), so that a list that imports also submits
// and prints.
inline constexpr int64_t kMaxImportRows = kMaxDisclosureItems;

// Rows at the top of a sheet searched for the header row (title rows may sit above it).
inline constexpr int64_t kHeaderSearchRows = 10;

// Rows a reader keeps before it refuses the file: the data rows plus room for the title,
// header and totals rows. Readers stop here so memory stays bounded; the importer then
// applies the exact kMaxImportRows to the data rows.
inline constexpr int64_t kMaxReadRows = kMaxImportRows + kHeaderSearchRows + 16;

// Size of the file on disk (CSV or XLSX).
inline constexpr std::size_t kMaxImportFileBytes = 64u << 20;

// One cell, in bytes of UTF-8.
inline constexpr std::size_t kMaxFieldBytes = 4096;

// Columns of a sheet. Empty cells past the limit (Excel's trailing commas) are ignored; a
// non-empty cell past it refuses the file.
inline constexpr std::size_t kMaxColumns = 64;

// XLSX: the decompressed size of one part (worksheet, shared strings, styles, workbook).
// Checked against the size the archive declares before reading, and counted while reading.
inline constexpr std::uint64_t kMaxXlsxPartBytes = 256u << 20;

// XLSX: entries in the zip archive.
inline constexpr std::size_t kMaxXlsxEntries = 4096;

// XLSX: shared strings kept (each at most kMaxFieldBytes).
inline constexpr std::size_t kMaxXlsxSharedStrings = 2000000;

// Errors kept per file; past this only the count grows, so a broken 100,000-row file does
// not hold 100,000 messages. The summary says how many were left out.
inline constexpr std::size_t kMaxReportedErrors = 1000;

}  // namespace gongkai

#endif  // GONGKAI_NODE_INTAKE_IMPORT_LIMITS_H_
