// A strict reader of the flat JSON objects that disclosure rows hold (disclosure_version.body,
// disclosure_item.data; written by json_text.h and node/workflow). These texts arrive in
// envelopes from other nodes, so they are read as outside bytes.
//
// Accepted: one JSON object (RFC 8259) whose member values are strings, integers, or arrays
// of strings; white space around tokens. Refused, each with its code:
//   kErrJsonTooLarge   text longer than kMaxFlatJsonBytes (checked first);
//   kErrJsonSyntax     not JSON, or JSON text after the object (the message gives the byte
//                      offset);
//   kErrJsonValue      a value of another kind: number with fraction or exponent, true,
//                      false, null, a nested object, an array holding anything but strings;
//   kErrJsonInteger    an integer outside int64_t, or "-0", or with leading zeros;
//   kErrJsonString     a string with a raw control character, a bad escape, a lone
//                      surrogate (\ud800 without its pair) or bytes that are not UTF-8;
//   kErrJsonDuplicate  a key given twice;
//   kErrJsonLimit      more than kMaxFlatJsonMembers members or kMaxFlatJsonArrayItems
//                      strings in one array.
// Reading members: kErrJsonMissing (no such key), kErrJsonType (another kind of value),
// kErrJsonUnknownKey (OnlyKeys: a key the format does not have).
// Thread-safety: a value; const methods may be called from several threads.
#ifndef GONGKAI_NODE_FLAT_JSON_H_
#define GONGKAI_NODE_FLAT_JSON_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/status.h"

namespace gongkai {

// The largest text read: an affairs body holds at most kMaxParagraphs paragraphs of
// kMaxParagraphBytes (printing/sheet.h), 3.2 MB, with room for escapes.
inline constexpr size_t kMaxFlatJsonBytes = 8 * 1024 * 1024;
inline constexpr size_t kMaxFlatJsonMembers = 64;
inline constexpr size_t kMaxFlatJsonArrayItems = 4096;

inline constexpr char kErrJsonTooLarge[] = "json.too_large";
inline constexpr char kErrJsonSyntax[] = "json.syntax";
inline constexpr char kErrJsonValue[] = "json.value";
inline constexpr char kErrJsonInteger[] = "json.integer";
inline constexpr char kErrJsonString[] = "json.string";
inline constexpr char kErrJsonDuplicate[] = "json.duplicate";
inline constexpr char kErrJsonLimit[] = "json.limit";
inline constexpr char kErrJsonMissing[] = "json.missing";
inline constexpr char kErrJsonType[] = "json.type";
inline constexpr char kErrJsonUnknownKey[] = "json.unknown_key";

class FlatJsonObject {
 public:
  // Parses `text` (see the file comment for what is refused).
  static Result<FlatJsonObject> Parse(std::string_view text);

  bool Has(std::string_view key) const;
  // The value of `key`; kErrJsonMissing when absent, kErrJsonType when of another kind.
  Result<std::string> String(std::string_view key) const;
  Result<int64_t> Integer(std::string_view key) const;
  Result<std::vector<std::string>> Strings(std::string_view key) const;

  // kErrJsonUnknownKey naming the first key (in byte order) that is not in `allowed`.
  Status OnlyKeys(std::initializer_list<std::string_view> allowed) const;

 private:
  enum class Kind { kString, kInteger, kStrings };
  struct Value {
    Kind kind = Kind::kString;
    std::string text;
    int64_t integer = 0;
    std::vector<std::string> strings;
  };
  friend class FlatJsonParser;

  Result<const Value*> Find(std::string_view key, Kind kind) const;

  std::map<std::string, Value, std::less<>> members_;
};

}  // namespace gongkai

#endif  // GONGKAI_NODE_FLAT_JSON_H_
