#include "node/intake/import_error.h"

#include <utility>

#include "node/intake/import_limits.h"

namespace gongkai {

ImportError MakeImportError(std::string_view code, std::string_view file, int64_t row,
                            std::string_view column, std::string_view detail) {
  ImportError error;
  error.code = std::string(code);
  error.file = std::string(file);
  error.row = row;
  error.column = std::string(column);
  std::string message(file);
  if (row > 0) message += " 第" + std::to_string(row) + "行";
  if (!column.empty()) message += " “" + std::string(column) + "”列";
  message += "：";
  message += detail;
  error.message = std::move(message);
  return error;
}

void ImportErrorList::Add(ImportError error) {
  ++total_;
  if (errors_.size() < kMaxReportedErrors) errors_.push_back(std::move(error));
}

namespace {

bool IsLimitCode(std::string_view code) {
  return code == kErrImportFileTooLarge || code == kErrImportTooManyRows ||
         code == kErrImportFieldTooLong || code == kErrImportTooManyColumns ||
         code == kErrImportXlsxTooLarge;
}

}  // namespace

Status ImportErrorList::ToStatus() const {
  if (empty()) return Status::Ok();
  std::string code = errors_.front().code;
  for (const ImportError& error : errors_) {
    if (error.code != code) {
      code = kErrImportRejected;
      break;
    }
  }
  // The first few sentences are enough to start fixing; the full list is in errors().
  constexpr std::size_t kQuoted = 3;
  std::string message = "共" + std::to_string(total_) + "处错误：";
  for (std::size_t i = 0; i < errors_.size() && i < kQuoted; ++i) {
    if (i > 0) message += "；";
    message += errors_[i].message;
  }
  if (total_ > kQuoted) message += "；另有" + std::to_string(total_ - kQuoted) + "处";
  if (code == kErrImportIo) return Status::IoError(code, message);
  if (IsLimitCode(code)) return Status::TooLarge(code, message);
  return Status::Invalid(code, message);
}

}  // namespace gongkai
