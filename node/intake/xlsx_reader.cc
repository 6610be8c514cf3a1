#include "node/intake/xlsx_reader.h"

#include <Poco/Exception.h>
#include <Poco/MemoryStream.h>
#include <Poco/SAX/InputSource.h>
#include <Poco/SAX/SAXParser.h>
#include <Poco/SAX/XMLReader.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>

#include <istream>
#include <streambuf>
#include <string>
#include <utility>

#include "node/intake/import_limits.h"
#include "node/intake/xlsx_parts.h"

namespace gongkai {
namespace {

// Passes a decompressing stream through, counting bytes: past `limit` it reports the end
// of input and remembers why, so the XML parser stops and the caller names the real cause.
class BoundedStreamBuf : public std::streambuf {
 public:
  BoundedStreamBuf(std::istream& in, std::uint64_t limit) : in_(in), limit_(limit) {}
  bool exceeded() const { return exceeded_; }
  bool corrupt() const { return corrupt_; }

 protected:
  int_type underflow() override {
    if (exceeded_ || corrupt_) return traits_type::eof();
    in_.read(buffer_, sizeof buffer_);
    std::streamsize got = in_.gcount();
    // A corrupt deflate stream or CRC makes Poco throw inside read(); the istream turns
    // that into badbit.
    if (in_.bad()) corrupt_ = true;
    if (got <= 0) return traits_type::eof();
    total_ += static_cast<std::uint64_t>(got);
    if (total_ > limit_) {
      exceeded_ = true;
      return traits_type::eof();
    }
    setg(buffer_, buffer_, buffer_ + got);
    return traits_type::to_int_type(buffer_[0]);
  }

 private:
  std::istream& in_;
  std::uint64_t limit_;
  std::uint64_t total_ = 0;
  bool exceeded_ = false;
  bool corrupt_ = false;
  char buffer_[1 << 16];
};

struct Failure {
  std::string code;
  int64_t row = 0;
  std::string detail;
};

class XlsxFile {
 public:
  explicit XlsxFile(std::string_view bytes, std::uint64_t max_part_bytes)
      : bytes_(bytes), stream_(bytes.data(), bytes.size()), max_part_bytes_(max_part_bytes) {}

  // Poco may throw here; the caller catches.
  std::optional<Failure> Open() {
    // Poco allocates what a Zip64 end-of-central-directory record says it holds before
    // checking it against the file: a record claiming more bytes than the file has is refused
    // here, wherever its signature stands.
    static constexpr std::string_view kZip64End("PK\x06\x06", 4);
    for (size_t at = bytes_.find(kZip64End); at != std::string_view::npos;
         at = bytes_.find(kZip64End, at + 1)) {
      std::uint64_t declared = 0;
      if (at + 12 <= bytes_.size()) {
        for (int i = 7; i >= 0; --i) {
          declared = (declared << 8) | static_cast<unsigned char>(bytes_[at + 4 + i]);
        }
      }
      if (at + 12 > bytes_.size() || declared > bytes_.size() - at - 12) {
        return Failure{kErrImportXlsxFormat, 0, "压缩包的 Zip64 目录记录长度不对，这不是有效的XLSX工作簿"};
      }
    }
    archive_.emplace(stream_);
    std::size_t entries = 0;
    for (auto it = archive_->headerBegin(); it != archive_->headerEnd(); ++it) ++entries;
    if (entries > kMaxXlsxEntries) {
      return Failure{kErrImportXlsxTooLarge, 0,
                     "压缩包内文件超过" + std::to_string(kMaxXlsxEntries) + "个"};
    }
    return std::nullopt;
  }

  bool Has(const std::string& name) const {
    return archive_->findHeader(name) != archive_->headerEnd();
  }

  // Streams one part through `handler`.
  std::optional<Failure> Parse(const std::string& name, XlsxHandler* handler) {
    auto header = archive_->findHeader(name);
    if (header == archive_->headerEnd()) {
      return Failure{kErrImportXlsxFormat, 0, "缺少" + name + "，这不是有效的XLSX工作簿"};
    }
    std::uint64_t declared = header->second.getUncompressedSize();
    for (auto info = archive_->fileInfoBegin(); info != archive_->fileInfoEnd(); ++info) {
      if (info->first == name) declared = std::max(declared, info->second.getUncompressedSize());
    }
    if (declared > max_part_bytes_) {
      return TooLarge(name);
    }
    if (header->second.isEncrypted()) {
      return Failure{kErrImportXlsxFormat, 0, "工作簿已加密，请去掉密码后另存再导入"};
    }
    if (!header->second.isFile() ||
        (header->second.getCompressionMethod() != Poco::Zip::ZipCommon::CM_DEFLATE &&
         header->second.getCompressionMethod() != Poco::Zip::ZipCommon::CM_STORE)) {
      return Failure{kErrImportXlsxFormat, 0, name + "的压缩方式不受支持"};
    }
    stream_.clear();
    Poco::Zip::ZipInputStream zip_in(stream_, header->second, true);
    BoundedStreamBuf bounded(zip_in, max_part_bytes_);
    std::istream in(&bounded);
    Poco::XML::InputSource source(in);
    Poco::XML::SAXParser parser;
    parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, true);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
    parser.setContentHandler(handler);
    std::string xml_error;
    try {
      parser.parse(&source);
    } catch (const Poco::Exception& e) {
      xml_error = e.displayText();
    } catch (const std::exception& e) {
      xml_error = e.what();
    }
    if (bounded.exceeded()) return TooLarge(name);
    if (bounded.corrupt()) {
      return Failure{kErrImportXlsxFormat, 0, name + "的压缩数据已损坏"};
    }
    if (handler->failed()) {
      return Failure{handler->fail_code(), handler->fail_row(), handler->fail_detail()};
    }
    if (!xml_error.empty()) {
      return Failure{kErrImportXlsxFormat, 0, name + "不是有效的XML（" + xml_error + "）"};
    }
    return std::nullopt;
  }

 private:
  Failure TooLarge(const std::string& name) const {
    return Failure{
        kErrImportXlsxTooLarge, 0,
        name + "解压后超过" + std::to_string(max_part_bytes_) + "字节，拒绝读取（可能是压缩炸弹）"};
  }

  std::string_view bytes_;
  Poco::MemoryInputStream stream_;
  std::uint64_t max_part_bytes_;
  std::optional<Poco::Zip::ZipArchive> archive_;
};

std::optional<Failure> ReadInto(std::string_view bytes, std::uint64_t max_part_bytes,
                                ImportSheet* sheet) {
  XlsxFile file(bytes, max_part_bytes);
  if (auto failure = file.Open()) return failure;
  WorkbookHandler workbook;
  if (auto failure = file.Parse("xl/workbook.xml", &workbook)) return failure;
  std::string sheet_path = "xl/worksheets/sheet1.xml";
  if (file.Has("xl/_rels/workbook.xml.rels") && !workbook.first_sheet_rel_id.empty()) {
    RelsHandler rels;
    if (auto failure = file.Parse("xl/_rels/workbook.xml.rels", &rels)) return failure;
    auto target = rels.targets.find(workbook.first_sheet_rel_id);
    if (target != rels.targets.end()) sheet_path = target->second;
  }
  if (!file.Has(sheet_path)) {
    return Failure{kErrImportXlsxFormat, 0, "工作簿中没有工作表"};
  }
  SharedStringsHandler shared;
  if (file.Has("xl/sharedStrings.xml")) {
    if (auto failure = file.Parse("xl/sharedStrings.xml", &shared)) return failure;
  }
  StylesHandler styles;
  if (file.Has("xl/styles.xml")) {
    if (auto failure = file.Parse("xl/styles.xml", &styles)) return failure;
  }
  WorksheetHandler worksheet(&shared.strings, &styles.xf_is_date, workbook.date1904);
  if (auto failure = file.Parse(sheet_path, &worksheet)) return failure;
  sheet->source = SheetSource::kXlsx;
  sheet->date1904 = workbook.date1904;
  sheet->rows = std::move(worksheet.rows);
  return std::nullopt;
}

}  // namespace

Result<ImportSheet> ReadXlsx(std::string_view bytes, std::string_view file_name, ImportError* error,
                             std::uint64_t max_part_bytes) {
  std::optional<Failure> failure;
  ImportSheet sheet;
  if (!bytes.starts_with(kZipMagic)) {
    failure = Failure{kErrImportXlsxFormat, 0, "不是XLSX文件（文件头不是ZIP格式）"};
  } else {
    try {
      failure = ReadInto(bytes, max_part_bytes, &sheet);
    } catch (const Poco::Exception& e) {
      failure = Failure{kErrImportXlsxFormat, 0, "XLSX文件已损坏（" + e.displayText() + "）"};
    } catch (const std::exception& e) {
      failure = Failure{kErrImportXlsxFormat, 0, std::string("XLSX文件已损坏（") + e.what() + "）"};
    }
  }
  if (!failure && sheet.rows.empty()) {
    failure = Failure{kErrImportEmpty, 0, "第一个工作表中没有任何内容"};
  }
  if (!failure) return sheet;
  ImportError made = MakeImportError(failure->code, file_name, failure->row, "", failure->detail);
  bool too_large =
      failure->code == kErrImportXlsxTooLarge || failure->code == kErrImportTooManyRows ||
      failure->code == kErrImportTooManyColumns || failure->code == kErrImportFieldTooLong;
  Status status = too_large ? Status::TooLarge(failure->code, made.message)
                            : Status::Invalid(failure->code, made.message);
  if (error != nullptr) *error = std::move(made);
  return status;
}

}  // namespace gongkai
