#include "node/flat_json.h"

#include <limits>
#include <utility>

#include "protocol/utf8.h"

namespace gongkai {

namespace {

// Keys are echoed in messages; a hostile key must not make them long.
std::string ShortKey(std::string_view key) {
  constexpr size_t kShown = 40;
  if (key.size() <= kShown) return std::string(key);
  size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(key[cut]) & 0xC0) == 0x80) --cut;
  return std::string(key.substr(0, cut)) + "…";
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

class FlatJsonParser {
 public:
  explicit FlatJsonParser(std::string_view text) : text_(text) {}

  Result<FlatJsonObject> Run() {
    FlatJsonObject object;
    SkipSpace();
    if (!Eat('{')) return Syntax("expected '{'");
    SkipSpace();
    if (!Eat('}')) {
      while (true) {
        SkipSpace();
        if (Peek() != '"') return Syntax("expected a key in quotes");
        GK_ASSIGN_OR_RETURN(std::string key, ReadString());
        SkipSpace();
        if (!Eat(':')) return Syntax("expected ':'");
        SkipSpace();
        GK_ASSIGN_OR_RETURN(FlatJsonObject::Value value, ReadValue(key));
        if (object.members_.size() == kMaxFlatJsonMembers) {
          return Status::TooLarge(kErrJsonLimit,
                                  "more than " + std::to_string(kMaxFlatJsonMembers) + " members");
        }
        if (!object.members_.emplace(key, std::move(value)).second) {
          return Status::Invalid(kErrJsonDuplicate, "key \"" + ShortKey(key) + "\" given twice");
        }
        SkipSpace();
        if (Eat('}')) break;
        if (!Eat(',')) return Syntax("expected ',' or '}'");
      }
    }
    SkipSpace();
    if (pos_ != text_.size()) return Syntax("text after the object");
    return object;
  }

 private:
  Status Syntax(std::string_view what) const {
    return Status::Invalid(kErrJsonSyntax, std::string(what) + " at byte " + std::to_string(pos_));
  }

  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool Eat(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  Result<FlatJsonObject::Value> ReadValue(const std::string& key) {
    FlatJsonObject::Value value;
    const char c = Peek();
    if (c == '"') {
      value.kind = FlatJsonObject::Kind::kString;
      GK_ASSIGN_OR_RETURN(value.text, ReadString());
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      value.kind = FlatJsonObject::Kind::kInteger;
      GK_ASSIGN_OR_RETURN(value.integer, ReadInteger(key));
    } else if (c == '[') {
      value.kind = FlatJsonObject::Kind::kStrings;
      GK_ASSIGN_OR_RETURN(value.strings, ReadStrings(key));
    } else if (c == '{' || c == 't' || c == 'f' || c == 'n') {
      return Status::Invalid(kErrJsonValue, "\"" + ShortKey(key) +
                                                "\": only strings, integers and arrays of "
                                                "strings are allowed");
    } else {
      return Syntax("expected a value");
    }
    return value;
  }

  Result<std::vector<std::string>> ReadStrings(const std::string& key) {
    std::vector<std::string> items;
    ++pos_;  // '['
    SkipSpace();
    if (Eat(']')) return items;
    while (true) {
      SkipSpace();
      if (Peek() != '"') {
        if (Peek() == '\0') return Syntax("unterminated array");
        return Status::Invalid(kErrJsonValue,
                               "\"" + ShortKey(key) + "\": an array may hold only strings");
      }
      if (items.size() == kMaxFlatJsonArrayItems) {
        return Status::TooLarge(kErrJsonLimit, "\"" + ShortKey(key) + "\": more than " +
                                                   std::to_string(kMaxFlatJsonArrayItems) +
                                                   " items");
      }
      GK_ASSIGN_OR_RETURN(std::string item, ReadString());
      items.push_back(std::move(item));
      SkipSpace();
      if (Eat(']')) return items;
      if (!Eat(',')) return Syntax("expected ',' or ']'");
    }
  }

  Result<int64_t> ReadInteger(const std::string& key) {
    const size_t start = pos_;
    const bool negative = Eat('-');
    const size_t digits_start = pos_;
    while (Peek() >= '0' && Peek() <= '9') ++pos_;
    const size_t digits = pos_ - digits_start;
    if (digits == 0) return Syntax("expected digits");
    if (Peek() == '.' || Peek() == 'e' || Peek() == 'E') {
      return Status::Invalid(kErrJsonValue, "\"" + ShortKey(key) + "\": only integers are allowed");
    }
    const std::string_view text = text_.substr(start, pos_ - start);
    if (digits > 1 && text_[digits_start] == '0') {
      return Status::Invalid(kErrJsonInteger, "\"" + ShortKey(key) + "\": leading zero");
    }
    if (negative && digits == 1 && text_[digits_start] == '0') {
      return Status::Invalid(kErrJsonInteger, "\"" + ShortKey(key) + "\": -0");
    }
    // Accumulate negatively: the magnitude of INT64_MIN does not fit in int64_t.
    int64_t value = 0;
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
    for (size_t i = digits_start; i < pos_; ++i) {
      const int digit = text_[i] - '0';
      if (value < (kMin + digit) / 10) {
        return Status::Invalid(kErrJsonInteger, "\"" + ShortKey(key) +
                                                    "\": " + std::string(text.substr(0, 24)) +
                                                    " is outside 64-bit integers");
      }
      value = value * 10 - digit;
    }
    if (!negative) {
      if (value == kMin) {
        return Status::Invalid(kErrJsonInteger, "\"" + ShortKey(key) + "\": " + std::string(text) +
                                                    " is outside 64-bit integers");
      }
      value = -value;
    }
    return value;
  }

  Result<uint32_t> ReadHex4() {
    if (text_.size() - pos_ < 4) return Status::Invalid(kErrJsonString, "short \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return Status::Invalid(kErrJsonString,
                               "bad \\u escape at byte " + std::to_string(pos_ - 1));
      }
    }
    return v;
  }

  // REQUIRES: Peek() == '"'.
  Result<std::string> ReadString() {
    const size_t start = pos_;
    ++pos_;
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) {
        pos_ = start;
        return Syntax("unterminated string starting");
      }
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        break;
      }
      if (c < 0x20) {
        return Status::Invalid(kErrJsonString,
                               "raw control character at byte " + std::to_string(pos_));
      }
      if (c != '\\') {
        out += static_cast<char>(c);
        ++pos_;
        continue;
      }
      ++pos_;
      const char e = Peek();
      ++pos_;
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          GK_ASSIGN_OR_RETURN(uint32_t cp, ReadHex4());
          if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Status::Invalid(kErrJsonString, "lone low surrogate \\u escape");
          }
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (text_.substr(pos_, 2) != "\\u") {
              return Status::Invalid(kErrJsonString, "lone high surrogate \\u escape");
            }
            pos_ += 2;
            GK_ASSIGN_OR_RETURN(uint32_t low, ReadHex4());
            if (low < 0xDC00 || low > 0xDFFF) {
              return Status::Invalid(kErrJsonString, "lone high surrogate \\u escape");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          return Status::Invalid(kErrJsonString, "bad escape at byte " + std::to_string(pos_ - 2));
      }
    }
    if (!IsValidUtf8(out)) {
      return Status::Invalid(kErrJsonString,
                             "string at byte " + std::to_string(start) + " is not UTF-8");
    }
    return out;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

Result<FlatJsonObject> FlatJsonObject::Parse(std::string_view text) {
  if (text.size() > kMaxFlatJsonBytes) {
    return Status::TooLarge(kErrJsonTooLarge, std::to_string(text.size()) +
                                                  " bytes, more than the limit of " +
                                                  std::to_string(kMaxFlatJsonBytes));
  }
  return FlatJsonParser(text).Run();
}

bool FlatJsonObject::Has(std::string_view key) const { return members_.contains(key); }

Result<const FlatJsonObject::Value*> FlatJsonObject::Find(std::string_view key, Kind kind) const {
  auto it = members_.find(key);
  if (it == members_.end()) {
    return Status::Invalid(kErrJsonMissing, "no \"" + ShortKey(key) + "\"");
  }
  if (it->second.kind != kind) {
    static constexpr const char* kNames[] = {"a string", "an integer", "an array of strings"};
    return Status::Invalid(kErrJsonType,
                           "\"" + ShortKey(key) + "\" is not " + kNames[static_cast<int>(kind)]);
  }
  return &it->second;
}

Result<std::string> FlatJsonObject::String(std::string_view key) const {
  GK_ASSIGN_OR_RETURN(const Value* value, Find(key, Kind::kString));
  return value->text;
}

Result<int64_t> FlatJsonObject::Integer(std::string_view key) const {
  GK_ASSIGN_OR_RETURN(const Value* value, Find(key, Kind::kInteger));
  return value->integer;
}

Result<std::vector<std::string>> FlatJsonObject::Strings(std::string_view key) const {
  GK_ASSIGN_OR_RETURN(const Value* value, Find(key, Kind::kStrings));
  return value->strings;
}

Status FlatJsonObject::OnlyKeys(std::initializer_list<std::string_view> allowed) const {
  for (const auto& [key, value] : members_) {
    bool known = false;
    for (std::string_view name : allowed) known = known || name == key;
    if (!known) {
      return Status::Invalid(kErrJsonUnknownKey, "unexpected key \"" + ShortKey(key) + "\"");
    }
  }
  return Status::Ok();
}

}  // namespace gongkai
