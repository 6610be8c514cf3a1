#include "node/intake/import_source.h"

#include <algorithm>
#include <fstream>
#include <utility>

#include "node/intake/csv_reader.h"
#include "node/intake/import_limits.h"
#include "node/intake/text_encoding.h"
#include "node/intake/xlsx_reader.h"

namespace gongkai {
namespace {

// The OLE2 compound file signature of .xls (Excel 97-2003) workbooks.
constexpr std::string_view kOle2Magic{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8};

Status Refuse(Status status, ImportError made, ImportError* error) {
  if (error != nullptr) *error = std::move(made);
  return status;
}

}  // namespace

std::string ImportFileName(std::string_view path) {
  std::size_t slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

Result<ImportSheet> ReadSheetBytes(std::string_view bytes, std::string_view file_name,
                                   ImportError* error) {
  if (bytes.size() > kMaxImportFileBytes) {
    ImportError made = MakeImportError(
        kErrImportFileTooLarge, file_name, 0, "",
        "文件超过" + std::to_string(kMaxImportFileBytes >> 20) + "MB，请拆分成几个文件");
    return Refuse(Status::TooLarge(kErrImportFileTooLarge, made.message), made, error);
  }
  if (bytes.starts_with(kZipMagic)) return ReadXlsx(bytes, file_name, error);
  if (bytes.starts_with(kOle2Magic)) {
    ImportError made =
        MakeImportError(kErrImportXlsxFormat, file_name, 0, "",
                        "这是旧版Excel（.xls）文件，请在Excel中另存为.xlsx或CSV后再导入");
    return Refuse(Status::Invalid(kErrImportXlsxFormat, made.message), made, error);
  }
  GK_ASSIGN_OR_RETURN(DecodedText text, DecodeText(bytes, file_name, error));
  return ParseCsv(text.utf8, file_name, error);
}

Result<ImportSheet> ReadSheetFile(const std::string& path, ImportError* error) {
  std::string file_name = ImportFileName(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ImportError made = MakeImportError(kErrImportIo, file_name, 0, "", "无法打开文件");
    return Refuse(Status::IoError(kErrImportIo, made.message + "（" + path + "）"), made, error);
  }
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0 || !in) {
    ImportError made = MakeImportError(kErrImportIo, file_name, 0, "", "读取文件失败");
    return Refuse(Status::IoError(kErrImportIo, made.message), made, error);
  }
  // A larger file is refused before it is read (ReadSheetBytes names the limit).
  std::string bytes(std::min<std::size_t>(static_cast<std::size_t>(size), kMaxImportFileBytes + 1),
                    '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.bad() || static_cast<std::size_t>(in.gcount()) != bytes.size()) {
    ImportError made = MakeImportError(kErrImportIo, file_name, 0, "", "读取文件失败");
    return Refuse(Status::IoError(kErrImportIo, made.message), made, error);
  }
  return ReadSheetBytes(bytes, file_name, error);
}

}  // namespace gongkai
