// A strict reader for the small JSON texts gongkai stores in synced rows
// (disclosure_version.body, disclosure_item.data) and reads back from other nodes.
//
// Accepts RFC 8259 JSON with these limits, so that a hostile row cannot exhaust memory or
// the stack: text at most kMaxJsonTextSize bytes, nesting at most kMaxJsonDepth, numbers
// only as integers that fit int64_t (no fraction or exponent: gongkai writes amounts as
// integer cents and decimals as strings). Strings must be valid UTF-8; \u escapes are
// decoded (surrogate pairs joined; a lone surrogate is refused). Duplicate object keys are
// refused. Nothing but white space may follow the value.
// Thread-safety: values are plain data.
#ifndef GONGKAI_NODE_JSON_JSON_VALUE_H_
#define GONGKAI_NODE_JSON_JSON_VALUE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/status.h"

namespace gongkai {

inline constexpr size_t kMaxJsonTextSize = size_t{1} << 20;  // 1 MiB
inline constexpr int kMaxJsonDepth = 16;

inline constexpr char kErrJsonSyntax[] = "json.syntax";
inline constexpr char kErrJsonTooLarge[] = "json.too_large";
inline constexpr char kErrJsonTooDeep[] = "json.too_deep";
inline constexpr char kErrJsonNumber[] = "json.number";
inline constexpr char kErrJsonUtf8[] = "json.utf8";
inline constexpr char kErrJsonDuplicateKey[] = "json.duplicate_key";
inline constexpr char kErrJsonType[] = "json.type";

class JsonValue {
 public:
  enum class Kind { kNull, kBool, kInteger, kString, kArray, kObject };

  JsonValue() = default;
  static JsonValue String(std::string text);
  static JsonValue Integer(int64_t value);

  Kind kind() const { return kind_; }
  bool is_object() const { return kind_ == Kind::kObject; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_integer() const { return kind_ == Kind::kInteger; }

  // Accessors for the value's own kind; REQUIRES the kind matches.
  bool boolean() const { return bool_; }
  int64_t integer() const { return integer_; }
  const std::string& string() const { return string_; }
  const std::vector<JsonValue>& array() const { return array_; }
  const std::map<std::string, JsonValue>& object() const { return object_; }

  // Object members: nullptr when absent (or when this is not an object).
  const JsonValue* Find(std::string_view key) const;
  // Typed member lookups with a default for an absent key; json.type when present with
  // another kind.
  Result<std::string> StringOr(std::string_view key, std::string_view fallback) const;
  Result<int64_t> IntegerOr(std::string_view key, int64_t fallback) const;
  // An array of strings; an absent key gives an empty list.
  Result<std::vector<std::string>> StringsOr(std::string_view key) const;

 private:
  friend class JsonParser;
  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  int64_t integer_ = 0;
  std::string string_;
  std::vector<JsonValue> array_;
  std::map<std::string, JsonValue> object_;
};

// Parses `text` (the limits and rules above). Errors: json.* with the byte offset.
Result<JsonValue> ParseJson(std::string_view text);

// Parses `text` and requires an object (json.type otherwise).
Result<JsonValue> ParseJsonObject(std::string_view text);


}  // namespace gongkai

#endif  // GONGKAI_NODE_JSON_JSON_VALUE_H_
