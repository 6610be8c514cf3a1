#include "node/intake/text_encoding.h"

#include <errno.h>
#include <iconv.h>

#include <algorithm>
#include <utility>

namespace gongkai {
namespace {

// Owns one iconv_t; move-only.
class IconvHandle {
 public:
  static Result<IconvHandle> Open(const char* to, const char* from) {
    iconv_t handle = iconv_open(to, from);
    if (handle == reinterpret_cast<iconv_t>(-1)) {
      return Status::Internal(kErrImportEncoding,
                              std::string("iconv cannot convert ") + from + " to " + to);
    }
    return IconvHandle(handle);
  }
  IconvHandle(IconvHandle&& other) noexcept : handle_(std::exchange(other.handle_, kNone())) {}
  IconvHandle& operator=(IconvHandle&& other) noexcept {
    if (this != &other) {
      Reset();
      handle_ = std::exchange(other.handle_, kNone());
    }
    return *this;
  }
  IconvHandle(const IconvHandle&) = delete;
  IconvHandle& operator=(const IconvHandle&) = delete;
  ~IconvHandle() { Reset(); }

  iconv_t get() const { return handle_; }

 private:
  static iconv_t kNone() { return reinterpret_cast<iconv_t>(-1); }
  explicit IconvHandle(iconv_t handle) : handle_(handle) {}
  void Reset() {
    if (handle_ != kNone()) iconv_close(handle_);
    handle_ = kNone();
  }
  iconv_t handle_;
};

// Converts strictly; on an invalid or truncated sequence returns its offset in `in`.
Result<std::string> Convert(const char* to, const char* from, std::string_view in,
                            std::size_t* bad_offset) {
  GK_ASSIGN_OR_RETURN(IconvHandle cd, IconvHandle::Open(to, from));
  std::string out;
  out.resize(in.size() * 2 + 16);
  char* in_ptr = const_cast<char*>(in.data());  // iconv's signature; it does not write.
  std::size_t in_left = in.size();
  std::size_t out_used = 0;
  while (in_left > 0) {
    char* out_ptr = out.data() + out_used;
    std::size_t out_left = out.size() - out_used;
    std::size_t rc = iconv(cd.get(), &in_ptr, &in_left, &out_ptr, &out_left);
    out_used = out.size() - out_left;
    if (rc != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    std::size_t offset = in.size() - in_left;
    if (bad_offset != nullptr) *bad_offset = offset;
    return Status::Invalid(kErrImportEncoding,
                           std::string(errno == EINVAL ? "truncated " : "invalid ") + from +
                               " sequence at byte " + std::to_string(offset));
  }
  out.resize(out_used);
  return out;
}

int64_t LineOfOffset(std::string_view bytes, std::size_t offset) {
  return 1 + std::count(bytes.begin(), bytes.begin() + std::min(offset, bytes.size()), '\n');
}

Status Refuse(const char* code, std::string_view file_name, const std::string& detail,
              ImportError* error) {
  ImportError made = MakeImportError(code, file_name, 0, "", detail);
  Status status = Status::Invalid(code, made.message);
  if (error != nullptr) *error = std::move(made);
  return status;
}

}  // namespace

std::string_view TextEncodingName(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::kUtf8:
      return "UTF-8";
    case TextEncoding::kUtf8Bom:
      return "UTF-8 (BOM)";
    case TextEncoding::kGb18030:
      return "GB18030";
  }
  return "UTF-8";
}

std::size_t FindInvalidUtf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

Result<std::string> Gb18030ToUtf8(std::string_view bytes, std::size_t* bad_offset) {
  return Convert("UTF-8", "GB18030", bytes, bad_offset);
}

Result<std::string> Utf8ToGb18030(std::string_view utf8) {
  return Convert("GB18030", "UTF-8", utf8, nullptr);
}

Result<DecodedText> DecodeText(std::string_view bytes, std::string_view file_name,
                               ImportError* error) {
  if (bytes.empty()) return Refuse(kErrImportEmpty, file_name, "文件是空的", error);
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    return Refuse(kErrImportEncoding, file_name,
                  "文件是UTF-16（Unicode）编码，请在Excel中另存为“CSV UTF-8”或GBK编码的CSV", error);
  }
  // NUL never occurs in UTF-8 or GB18030 text: check it before decoding anything.
  if (std::size_t nul = bytes.find('\0'); nul != std::string_view::npos) {
    return Refuse(kErrImportBinary, file_name,
                  "第" + std::to_string(LineOfOffset(bytes, nul)) + "行（第" +
                      std::to_string(nul + 1) + "字节）含有空字节，这不是文本文件",
                  error);
  }
  DecodedText decoded;
  std::size_t invalid = FindInvalidUtf8(bytes);
  if (invalid == std::string_view::npos) {
    if (bytes.starts_with("\xEF\xBB\xBF")) {
      decoded.encoding = TextEncoding::kUtf8Bom;
      bytes.remove_prefix(3);
    }
    decoded.utf8 = std::string(bytes);
  } else {
    Result<std::string> gb = Gb18030ToUtf8(bytes);
    if (!gb.ok()) {
      return Refuse(kErrImportEncoding, file_name,
                    "第" + std::to_string(LineOfOffset(bytes, invalid)) + "行（第" +
                        std::to_string(invalid + 1) +
                        "字节）起既不是UTF-8也不是GBK/GB18030编码，请另存为UTF-8或GBK编码的CSV",
                    error);
    }
    decoded.utf8 = std::move(gb).value();
    decoded.encoding = TextEncoding::kGb18030;
  }
  for (std::size_t i = 0; i < decoded.utf8.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(decoded.utf8[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      return Refuse(kErrImportBinary, file_name,
                    "第" + std::to_string(LineOfOffset(decoded.utf8, i)) + "行含有控制字符（0x" +
                        "0123456789ABCDEF"[c >> 4] + "0123456789ABCDEF"[c & 15] +
                        "），这不是文本文件",
                    error);
    }
  }
  return decoded;
}

}  // namespace gongkai
