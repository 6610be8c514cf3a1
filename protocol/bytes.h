// Byte buffers, and a writer and a bounds-checked reader for the big-endian layouts that
// every gongkai wire format uses (envelope, certificate, bundle, receipt).
//
// All integers on the wire are unsigned and big-endian ("network order"). Variable-length
// fields are preceded by their length. A ByteReader never reads past its end: every read
// either succeeds or returns a Status with the caller-supplied error code, naming the field.
#ifndef GONGKAI_PROTOCOL_BYTES_H_
#define GONGKAI_PROTOCOL_BYTES_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/status.h"

namespace gongkai {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
inline std::string_view AsChars(ByteView b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

// Lowercase hexadecimal.
std::string HexEncode(ByteView bytes);
// Accepts upper or lower case; fails on odd length or a non-hex character.
Result<Bytes> HexDecode(std::string_view hex);
// Decodes exactly N bytes into an array; fails when the text is not 2*N hex digits.
template <size_t N>
Result<std::array<uint8_t, N>> HexDecodeFixed(std::string_view hex) {
  if (hex.size() != 2 * N) {
    return Status::Invalid("hex.length", "expected " + std::to_string(2 * N) +
                                             " hex digits, got " + std::to_string(hex.size()));
  }
  GK_ASSIGN_OR_RETURN(Bytes bytes, HexDecode(hex));
  std::array<uint8_t, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = bytes[i];
  return out;
}

// Standard base64 with padding (RFC 4648 §4), as used by C2SP checkpoints.
std::string Base64Encode(ByteView bytes);
// Strict: rejects missing padding, whitespace and non-alphabet characters.
Result<Bytes> Base64Decode(std::string_view text);

// Appends big-endian fields to a growing buffer. Never fails.
class ByteWriter {
 public:
  ByteWriter() = default;
  void U8(uint8_t v) { out_.push_back(v); }
  void U16(uint16_t v);
  void U32(uint32_t v);
  void U64(uint64_t v);
  void Raw(ByteView bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }
  void Raw(std::string_view s) { Raw(AsBytes(s)); }
  // Length-prefixed fields. REQUIRES: the length fits the prefix (checked by callers
  // against the format's named limits; an overlong field is truncated to nothing and
  // flagged by overflowed()).
  void Bytes8(ByteView bytes);
  void Bytes16(ByteView bytes);
  void Bytes32(ByteView bytes);
  void String8(std::string_view s) { Bytes8(AsBytes(s)); }
  void String16(std::string_view s) { Bytes16(AsBytes(s)); }

  // True when some length-prefixed field did not fit its prefix.
  bool overflowed() const { return overflowed_; }
  size_t size() const { return out_.size(); }
  const Bytes& bytes() const { return out_; }
  Bytes Take() { return std::move(out_); }

 private:
  Bytes out_;
  bool overflowed_ = false;
};

// Reads big-endian fields from a borrowed span. `error_code` is the Status code used for a
// short read (e.g. "envelope.truncated"); `what` names the field in the message.
// The span must outlive the reader.
class ByteReader {
 public:
  ByteReader(ByteView data, std::string error_code)
      : data_(data), error_code_(std::move(error_code)) {}

  Result<uint8_t> U8(std::string_view what);
  Result<uint16_t> U16(std::string_view what);
  Result<uint32_t> U32(std::string_view what);
  Result<uint64_t> U64(std::string_view what);
  // A view of the next n bytes (borrowed from the input).
  Result<ByteView> Raw(size_t n, std::string_view what);
  template <size_t N>
  Result<std::array<uint8_t, N>> Fixed(std::string_view what) {
    GK_ASSIGN_OR_RETURN(ByteView v, Raw(N, what));
    std::array<uint8_t, N> out{};
    for (size_t i = 0; i < N; ++i) out[i] = v[i];
    return out;
  }
  // Length-prefixed fields; `max` is the format's limit for this field (a longer
  // declared length fails with `too_large_code` before anything is read).
  Result<ByteView> Bytes8(std::string_view what);
  Result<ByteView> Bytes16(std::string_view what, size_t max, std::string_view too_large_code);
  Result<ByteView> Bytes32(std::string_view what, size_t max, std::string_view too_large_code);

  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }

 private:
  Status Short(std::string_view what, size_t need) const;

  ByteView data_;
  size_t pos_ = 0;
  std::string error_code_;
};

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_BYTES_H_
