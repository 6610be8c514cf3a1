#include "node/sheets/sheet_payload.h"

#include <vector>

namespace gongkai {

namespace {

bool IsLowerHex(std::string_view text, size_t digits) {
  if (text.size() != digits) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Decimal without sign or leading zeros, at most kMaxSheetLogIndex.
std::optional<uint64_t> ParseLogIndex(std::string_view text) {
  if (text.empty() || text.size() > 19 || (text.size() > 1 && text[0] == '0')) {
    return std::nullopt;
  }
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');  // 19 digits cannot overflow
  }
  if (value > kMaxSheetLogIndex) return std::nullopt;
  return value;
}

Status CheckIds(std::string_view disclosure_id, std::string_view version_id) {
  if (!IsLowerHex(disclosure_id, kSheetPayloadIdDigits)) {
    return Status::Invalid(kErrSheetPayloadId, "公开事项编号不是 32 位小写十六进制数");
  }
  if (!IsLowerHex(version_id, kSheetPayloadIdDigits)) {
    return Status::Invalid(kErrSheetPayloadId, "版本编号不是 32 位小写十六进制数");
  }
  return Status::Ok();
}

Status LogIndexTooLarge() {
  return Status::Invalid(kErrSheetPayloadLogIndex, "县级日志序号超出范围");
}

}  // namespace

Result<SheetPayload> MakeSheetPayload(std::string_view disclosure_id, std::string_view version_id,
                                      std::string_view content_hash,
                                      std::optional<uint64_t> log_index) {
  GK_RETURN_IF_ERROR(CheckIds(disclosure_id, version_id));
  if (!IsLowerHex(content_hash, kContentHashDigits)) {
    return Status::Invalid(kErrSheetPayloadHash, "内容摘要不是 64 位小写十六进制数");
  }
  if (log_index && *log_index > kMaxSheetLogIndex) return LogIndexTooLarge();
  return SheetPayload{std::string(disclosure_id), std::string(version_id),
                      std::string(content_hash.substr(0, kSheetPayloadHashDigits)), log_index};
}

std::string FormatSheetPayload(const SheetPayload& payload) {
  std::string text = kSheetPayloadPrefix;
  text += payload.disclosure_id;
  text += '/';
  text += payload.version_id;
  text += '/';
  text += payload.hash16;
  if (payload.log_index) text += "/" + std::to_string(*payload.log_index);
  return text;
}

Result<SheetPayload> ParseSheetPayload(std::string_view text) {
  if (text.size() > kMaxSheetPayloadBytes) {
    return Status::TooLarge(kErrSheetPayloadTooLong,
                            "二维码内容过长（" + std::to_string(text.size()) + " 字节，最多 " +
                                std::to_string(kMaxSheetPayloadBytes) + " 字节）");
  }
  if (!text.starts_with("GK")) {
    return Status::Invalid(kErrSheetPayloadPrefix, "不是公开栏核验二维码（应以 GK 开头）");
  }
  if (!text.starts_with(kSheetPayloadPrefix)) {
    if (text.size() > 2 && text[2] >= '0' && text[2] <= '9') {
      return Status::Invalid(kErrSheetPayloadVersion, "二维码格式版本不是 1，请使用更新的软件核验");
    }
    return Status::Invalid(kErrSheetPayloadPrefix, "不是公开栏核验二维码（应以 GK1/ 开头）");
  }
  std::vector<std::string_view> fields;
  std::string_view rest = text.substr(sizeof(kSheetPayloadPrefix) - 1);
  while (true) {
    const size_t slash = rest.find('/');
    fields.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (fields.size() != 3 && fields.size() != 4) {
    return Status::Invalid(kErrSheetPayloadFields, "二维码应有 4 或 5 段，实有 " +
                                                       std::to_string(fields.size() + 1) + " 段");
  }
  GK_RETURN_IF_ERROR(CheckIds(fields[0], fields[1]));
  if (!IsLowerHex(fields[2], kSheetPayloadHashDigits)) {
    return Status::Invalid(kErrSheetPayloadHash, "内容摘要段不是 16 位小写十六进制数");
  }
  SheetPayload payload{std::string(fields[0]), std::string(fields[1]), std::string(fields[2]),
                       std::nullopt};
  if (fields.size() == 4) {
    payload.log_index = ParseLogIndex(fields[3]);
    if (!payload.log_index) {
      return Status::Invalid(kErrSheetPayloadLogIndex,
                             "县级日志序号段不是不带前导零的十进制数，或超出范围");
    }
  }
  return payload;
}

}  // namespace gongkai
