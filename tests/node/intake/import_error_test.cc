#include "node/intake/import_error.h"

#include <doctest/doctest.h>

#include "node/intake/import_limits.h"

namespace gongkai {
namespace {

TEST_CASE("messages name file, row and column") {
  CHECK(MakeImportError(kErrImportIdCheckDigit, "subsidy.csv", 12, "身份证号", "校验位错误，应为X")
            .message == "subsidy.csv 第12行 “身份证号”列：校验位错误，应为X");
  CHECK(MakeImportError(kErrImportEmpty, "a.csv", 0, "", "文件是空的").message ==
        "a.csv：文件是空的");
}

TEST_CASE("summary status: shared code, mixed codes, kinds") {
  ImportErrorList list;
  CHECK(list.ToStatus().ok());
  list.Add(kErrImportIdFormat, "a.csv", 2, "身份证号", "x");
  list.Add(kErrImportIdFormat, "a.csv", 3, "身份证号", "y");
  CHECK(list.ToStatus().code() == kErrImportIdFormat);
  CHECK(list.ToStatus().message().starts_with("共2处错误"));
  list.Add(kErrImportAmountFormat, "a.csv", 4, "金额", "z");
  list.Add(kErrImportAmountFormat, "a.csv", 5, "金额", "w");
  Status status = list.ToStatus();
  CHECK(status.code() == kErrImportRejected);
  CHECK(status.kind() == StatusKind::kInvalid);
  CHECK(status.message().find("另有1处") != std::string::npos);
  ImportErrorList big;
  big.Add(kErrImportTooManyRows, "a.csv", 0, "", "x");
  CHECK(big.ToStatus().kind() == StatusKind::kTooLarge);
}

TEST_CASE("errors kept are capped; all are counted") {
  ImportErrorList list;
  for (std::size_t i = 0; i < kMaxReportedErrors + 5; ++i) {
    list.Add(kErrImportIdFormat, "a.csv", static_cast<int64_t>(i + 2), "身份证号", "x");
  }
  CHECK(list.errors().size() == kMaxReportedErrors);
  CHECK(list.total() == kMaxReportedErrors + 5);
  CHECK(list.ToStatus().message().starts_with("共1005处错误"));
}

}  // namespace
}  // namespace gongkai
