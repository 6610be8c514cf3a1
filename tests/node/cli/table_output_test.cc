#include "node/cli/table_output.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

Table Sample() {
  Table table;
  table.columns = {{"name", "名称"}, {"n", "数"}, {"note", "备注"}};
  table.AddRow({"石庙村", TableCell(int64_t{12}), "a,b"});
  table.AddRow({"x", TableCell(int64_t{-3}), TableCell::Null()});
  return table;
}

TEST_CASE("display width counts CJK characters as two columns") {
  CHECK(DisplayWidth("abc") == 3);
  CHECK(DisplayWidth("石庙村") == 6);
  CHECK(DisplayWidth("（合计）") == 8);
  CHECK(DisplayWidth("") == 0);
  CHECK(DisplayWidth("\xff") == 1);
}

TEST_CASE("terminal tables pad to the widest cell and right-align numbers") {
  CHECK(FormatTerminal(Sample()) ==
        "名称    数  备注\n"
        "石庙村  12  a,b\n"
        "x       -3\n");
}

TEST_CASE("CSV quotes what needs it and guards formulas in text cells") {
  CHECK(FormatCsv(Sample()) == "名称,数,备注\r\n石庙村,12,\"a,b\"\r\nx,-3,\r\n");
  CHECK(CsvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(CsvField("two\nlines") == "\"two\nlines\"");
  CHECK(CsvField(" padded") == "\" padded\"");
  CHECK(CsvField("=SUM(A1)") == "'=SUM(A1)");
  CHECK(CsvField("+86") == "'+86");
  CHECK(CsvField("@x") == "'@x");
  CHECK(CsvField("-5", true) == "-5");
  CHECK(CsvField("plain") == "plain");
}

TEST_CASE("JSON rows use the keys, numbers as numbers and null for empty cells") {
  CHECK(
      FormatJsonRows(Sample()) ==
      "[{\"n\":12,\"name\":\"石庙村\",\"note\":\"a,b\"},{\"n\":-3,\"name\":\"x\",\"note\":null}]");
  Table flags;
  flags.columns = {{"ok", "好"}, {"h", "小时"}};
  flags.AddRow({TableCell::Bool(true), TableCell(7)});
  CHECK(FormatJsonRows(flags) == "[{\"h\":7,\"ok\":true}]");
  CHECK(FormatTable(flags, TableFormat::kCsv) == "好,小时\r\ntrue,7\r\n");
  CHECK(FormatTable(Table{}, TableFormat::kJson) == "[]\n");
}

}  // namespace
}  // namespace gongkai
