#include "node/intake/import_source.h"

#include <doctest/doctest.h>

#include "node/intake/import_limits.h"
#include "tests/node/import_test_files.h"
#include "tests/node/xlsx_builder.h"

namespace gongkai {
namespace {

TEST_CASE("the kind of file is found from its bytes, not its name") {
  std::string xlsx = testing::XlsxFromRows({{"a", "b"}});
  Result<ImportSheet> as_csv_name = ReadSheetFile(testing::WriteTestFile("really_xlsx.csv", xlsx));
  REQUIRE(as_csv_name.ok());
  CHECK(as_csv_name->source == SheetSource::kXlsx);
  Result<ImportSheet> text = ReadSheetFile(testing::WriteTestFile("t.xlsx", "a,b\n"));
  REQUIRE(text.ok());
  CHECK(text->source == SheetSource::kCsv);
}

TEST_CASE("old .xls workbooks are refused with a hint") {
  ImportError error;
  Result<ImportSheet> xls = ReadSheetBytes(
      std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") + std::string(100, '\0'), "old.xls", &error);
  CHECK(xls.status().code() == kErrImportXlsxFormat);
  CHECK(error.message.find(".xlsx") != std::string::npos);
}

TEST_CASE("file size limit: at the limit read, one past refused before parsing") {
  std::string at(kMaxImportFileBytes, 'a');
  at[kMaxImportFileBytes - 1] = '\n';
  CHECK(ReadSheetFile(testing::WriteTestFile("big.csv", at)).status().code() ==
        kErrImportFieldTooLong);  // read in full, then a cell is too long
  at.push_back('\n');
  Result<ImportSheet> past = ReadSheetFile(testing::WriteTestFile("big.csv", at));
  CHECK(past.status().code() == kErrImportFileTooLarge);
  CHECK(past.status().kind() == StatusKind::kTooLarge);
}

TEST_CASE("a missing file is an I/O error naming the file") {
  ImportError error;
  Result<ImportSheet> missing = ReadSheetFile("/nonexistent/财务.xlsx", &error);
  CHECK(missing.status().code() == kErrImportIo);
  CHECK(error.file == "财务.xlsx");
  CHECK(ImportFileName("/a/b/补贴.csv") == "补贴.csv");
  CHECK(ImportFileName("补贴.csv") == "补贴.csv");
}

}  // namespace
}  // namespace gongkai
