#include "printing/sheet.h"

#include <string>

namespace gongkai {

std::string_view SheetCategoryLabel(SheetCategory category) {
  switch (category) {
    case SheetCategory::kAffairs:
      return "村务公开";
    case SheetCategory::kFinance:
      return "财务公开";
    case SheetCategory::kSubsidy:
      return "惠农补贴公示";
  }
  return "";
}

std::string FormatScaled(int64_t scaled, int decimals) {
  uint64_t magnitude = static_cast<uint64_t>(scaled);
  if (scaled < 0) magnitude = 0 - magnitude;
  uint64_t divisor = 1;
  for (int i = 0; i < decimals; ++i) divisor *= 10;
  const std::string whole = std::to_string(magnitude / divisor);
  std::string out = scaled < 0 ? "-" : "";
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i != 0 && (whole.size() - i) % 3 == 0) out += ',';
    out += whole[i];
  }
  if (decimals > 0) {
    std::string fraction = std::to_string(magnitude % divisor);
    fraction.insert(0, static_cast<size_t>(decimals) - fraction.size(), '0');
    out += '.' + fraction;
  }
  return out;
}

Status ValidateSheet(const Sheet& sheet) {
  if (sheet.title.empty()) return Status::Invalid(kErrSheetNoTitle, "公开表缺少标题");
  if (sheet.columns.size() > kMaxSheetColumns) {
    return Status::TooLarge(kErrSheetTooManyColumns,
                            "表格有 " + std::to_string(sheet.columns.size()) + " 列，最多 " +
                                std::to_string(kMaxSheetColumns) + " 列");
  }
  if (sheet.rows.size() > kMaxSheetRows) {
    return Status::TooLarge(kErrSheetTooManyRows, "表格有 " + std::to_string(sheet.rows.size()) +
                                                      " 行，最多 " + std::to_string(kMaxSheetRows) +
                                                      " 行");
  }
  if (sheet.qr_payload.size() > kMaxQrPayloadBytes) {
    return Status::TooLarge(kErrSheetQrPayload,
                            "二维码内容 " + std::to_string(sheet.qr_payload.size()) +
                                " 字节，最多 " + std::to_string(kMaxQrPayloadBytes) + " 字节");
  }
  if (sheet.paragraphs.size() > kMaxParagraphs) {
    return Status::TooLarge(kErrSheetParagraph,
                            "正文段落过多：" + std::to_string(sheet.paragraphs.size()));
  }
  for (size_t i = 0; i < sheet.paragraphs.size(); ++i) {
    if (sheet.paragraphs[i].size() > kMaxParagraphBytes) {
      return Status::TooLarge(kErrSheetParagraph, "正文第 " + std::to_string(i + 1) + " 段过长");
    }
  }
  for (const Column& column : sheet.columns) {
    if (!(column.weight > 0) || column.decimals < 0 || column.decimals > kMaxDecimals ||
        (column.sum && !column.numeric) || column.header.size() > kMaxCellBytes) {
      return Status::Invalid(kErrSheetColumn, "列“" + column.header + "”的设置无效");
    }
  }
  for (size_t r = 0; r < sheet.rows.size(); ++r) {
    const Row& row = sheet.rows[r];
    const std::string where = "第 " + std::to_string(r + 1) + " 行";
    if (row.size() != sheet.columns.size()) {
      return Status::Invalid(kErrSheetRowWidth, where + "有 " + std::to_string(row.size()) +
                                                    " 格，表格有 " +
                                                    std::to_string(sheet.columns.size()) + " 列");
    }
    for (size_t c = 0; c < row.size(); ++c) {
      const Column& column = sheet.columns[c];
      if (row[c].text.size() > kMaxCellBytes) {
        return Status::TooLarge(kErrSheetCellTooLong, where + "“" + column.header + "”过长（" +
                                                          std::to_string(row[c].text.size()) +
                                                          " 字节）");
      }
      if (column.numeric ? !row[c].text.empty() : row[c].number.has_value()) {
        return Status::Invalid(kErrSheetNumericCell,
                               where + "“" + column.header + "”的数值与列类型不符");
      }
    }
  }
  return Status::Ok();
}

}  // namespace gongkai
