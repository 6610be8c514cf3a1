#include "protocol/bytes.h"

#include <sodium.h>

namespace gongkai {

std::string HexEncode(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

static int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<Bytes> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return Status::Invalid("hex.length", "odd number of hex digits");
  Bytes out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return Status::Invalid("hex.digit", "not a hex digit at position " + std::to_string(2 * i));
    }
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string Base64Encode(ByteView bytes) {
  const size_t len = sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(len, '\0');
  sodium_bin2base64(out.data(), len, bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(len - 1);  // drop the terminating NUL
  return out;
}

Result<Bytes> Base64Decode(std::string_view text) {
  // libsodium 1.0.18 folds every byte >= 0x80 into some alphabet value instead of refusing
  // it, so the alphabet is checked here first.
  for (char c : text) {
    const bool in_alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                             (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
    if (!in_alphabet) return Status::Invalid("base64.invalid", "not valid base64");
  }
  Bytes out(text.size() / 4 * 3 + 3);
  size_t out_len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &out_len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return Status::Invalid("base64.invalid", "not valid base64");
  }
  out.resize(out_len);
  return out;
}

void ByteWriter::U16(uint16_t v) {
  U8(static_cast<uint8_t>(v >> 8));
  U8(static_cast<uint8_t>(v));
}
void ByteWriter::U32(uint32_t v) {
  U16(static_cast<uint16_t>(v >> 16));
  U16(static_cast<uint16_t>(v));
}
void ByteWriter::U64(uint64_t v) {
  U32(static_cast<uint32_t>(v >> 32));
  U32(static_cast<uint32_t>(v));
}
void ByteWriter::Bytes8(ByteView bytes) {
  if (bytes.size() > 0xff) {
    overflowed_ = true;
    U8(0);
    return;
  }
  U8(static_cast<uint8_t>(bytes.size()));
  Raw(bytes);
}
void ByteWriter::Bytes16(ByteView bytes) {
  if (bytes.size() > 0xffff) {
    overflowed_ = true;
    U16(0);
    return;
  }
  U16(static_cast<uint16_t>(bytes.size()));
  Raw(bytes);
}
void ByteWriter::Bytes32(ByteView bytes) {
  if (bytes.size() > 0xffffffffu) {
    overflowed_ = true;
    U32(0);
    return;
  }
  U32(static_cast<uint32_t>(bytes.size()));
  Raw(bytes);
}

Status ByteReader::Short(std::string_view what, size_t need) const {
  return Status::Invalid(error_code_, "input ends inside field '" + std::string(what) + "' at byte " +
                                          std::to_string(pos_) + " (needs " + std::to_string(need) +
                                          ", has " + std::to_string(remaining()) + ")");
}

Result<ByteView> ByteReader::Raw(size_t n, std::string_view what) {
  if (n > remaining()) return Short(what, n);
  ByteView v = data_.subspan(pos_, n);
  pos_ += n;
  return v;
}
Result<uint8_t> ByteReader::U8(std::string_view what) {
  GK_ASSIGN_OR_RETURN(ByteView v, Raw(1, what));
  return v[0];
}
Result<uint16_t> ByteReader::U16(std::string_view what) {
  GK_ASSIGN_OR_RETURN(ByteView v, Raw(2, what));
  return static_cast<uint16_t>(v[0] << 8 | v[1]);
}
Result<uint32_t> ByteReader::U32(std::string_view what) {
  GK_ASSIGN_OR_RETURN(ByteView v, Raw(4, what));
  return static_cast<uint32_t>(v[0]) << 24 | static_cast<uint32_t>(v[1]) << 16 |
         static_cast<uint32_t>(v[2]) << 8 | v[3];
}
Result<uint64_t> ByteReader::U64(std::string_view what) {
  GK_ASSIGN_OR_RETURN(uint32_t hi, U32(what));
  GK_ASSIGN_OR_RETURN(uint32_t lo, U32(what));
  return static_cast<uint64_t>(hi) << 32 | lo;
}
Result<ByteView> ByteReader::Bytes8(std::string_view what) {
  GK_ASSIGN_OR_RETURN(uint8_t n, U8(what));
  return Raw(n, what);
}
Result<ByteView> ByteReader::Bytes16(std::string_view what, size_t max,
                                     std::string_view too_large_code) {
  GK_ASSIGN_OR_RETURN(uint16_t n, U16(what));
  if (n > max) {
    return Status::TooLarge(std::string(too_large_code),
                            "field '" + std::string(what) + "' declares " + std::to_string(n) +
                                " bytes, limit " + std::to_string(max));
  }
  return Raw(n, what);
}
Result<ByteView> ByteReader::Bytes32(std::string_view what, size_t max,
                                     std::string_view too_large_code) {
  GK_ASSIGN_OR_RETURN(uint32_t n, U32(what));
  if (n > max) {
    return Status::TooLarge(std::string(too_large_code),
                            "field '" + std::string(what) + "' declares " + std::to_string(n) +
                                " bytes, limit " + std::to_string(max));
  }
  return Raw(n, what);
}

}  // namespace gongkai
