// Reading an import file from disk into an ImportSheet, whatever its kind: XLSX (recognised by
// its zip signature, not by its name), or CSV/TSV text in UTF-8 or GB18030. An old binary
// .xls workbook is refused with a hint to save it as .xlsx or CSV.
#ifndef GONGKAI_NODE_INTAKE_IMPORT_SOURCE_H_
#define GONGKAI_NODE_INTAKE_IMPORT_SOURCE_H_

#include <string>
#include <string_view>

#include "node/intake/import_error.h"
#include "node/intake/sheet.h"
#include "protocol/status.h"

namespace gongkai {

// The last path component, as the clerk knows the file ("/media/usb/补贴.csv" -> "补贴.csv").
std::string ImportFileName(std::string_view path);

// Reads the sheet held in `bytes` (a file named `file_name`). Errors: those of DecodeText,
// ParseCsv and ReadXlsx. On failure *error (may be null) receives the ImportError.
Result<ImportSheet> ReadSheetBytes(std::string_view bytes, std::string_view file_name,
                                   ImportError* error = nullptr);

// Reads the file at `path` (at most kMaxImportFileBytes, else kErrImportFileTooLarge; a
// file that cannot be opened or read is kErrImportIo) and then as ReadSheetBytes.
Result<ImportSheet> ReadSheetFile(const std::string& path, ImportError* error = nullptr);

}  // namespace gongkai

#endif  // GONGKAI_NODE_INTAKE_IMPORT_SOURCE_H_
