#include "node/json/json_value.h"

#include <limits>

#include "node/json/json_text.h"
#include "protocol/utf8.h"

namespace gongkai {

JsonValue JsonValue::String(std::string text) {
  JsonValue value;
  value.kind_ = Kind::kString;
  value.string_ = std::move(text);
  return value;
}

JsonValue JsonValue::Integer(int64_t number) {
  JsonValue value;
  value.kind_ = Kind::kInteger;
  value.integer_ = number;
  return value;
}

const JsonValue* JsonValue::Find(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  auto it = object_.find(std::string(key));
  return it == object_.end() ? nullptr : &it->second;
}

Result<std::string> JsonValue::StringOr(std::string_view key, std::string_view fallback) const {
  const JsonValue* member = Find(key);
  if (member == nullptr) return std::string(fallback);
  if (!member->is_string()) {
    return Status::Invalid(kErrJsonType, "member \"" + std::string(key) + "\" is not a string");
  }
  return member->string();
}

Result<int64_t> JsonValue::IntegerOr(std::string_view key, int64_t fallback) const {
  const JsonValue* member = Find(key);
  if (member == nullptr) return fallback;
  if (!member->is_integer()) {
    return Status::Invalid(kErrJsonType, "member \"" + std::string(key) + "\" is not an integer");
  }
  return member->integer();
}

Result<std::vector<std::string>> JsonValue::StringsOr(std::string_view key) const {
  std::vector<std::string> out;
  const JsonValue* member = Find(key);
  if (member == nullptr) return out;
  if (!member->is_array()) {
    return Status::Invalid(kErrJsonType, "member \"" + std::string(key) + "\" is not an array");
  }
  for (const JsonValue& item : member->array()) {
    if (!item.is_string()) {
      return Status::Invalid(kErrJsonType,
                             "member \"" + std::string(key) + "\" holds a non-string");
    }
    out.push_back(item.string());
  }
  return out;
}

class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : text_(text) {}

  Result<JsonValue> ParseDocument() {
    GK_ASSIGN_OR_RETURN(JsonValue value, ParseValue(0));
    SkipSpace();
    if (pos_ != text_.size()) return Error(kErrJsonSyntax, "text after the value");
    return value;
  }

 private:
  Status Error(const char* code, std::string_view what) const {
    return Status::Invalid(code, std::string(what) + " at byte " + std::to_string(pos_));
  }

  void SkipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
            text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Result<JsonValue> ParseValue(int depth) {
    SkipSpace();
    if (pos_ >= text_.size()) return Error(kErrJsonSyntax, "value expected");
    JsonValue value;
    const char c = text_[pos_];
    // `depth` containers enclose this value; opening one more must stay within the limit.
    if ((c == '{' || c == '[') && depth >= kMaxJsonDepth) {
      return Error(kErrJsonTooDeep, "nesting too deep");
    }
    if (c == '{') return ParseObject(depth);
    if (c == '[') return ParseArray(depth);
    if (c == '"') {
      GK_ASSIGN_OR_RETURN(std::string text, ParseString());
      return JsonValue::String(std::move(text));
    }
    if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber();
    if (Consume("true")) {
      value.kind_ = JsonValue::Kind::kBool;
      value.bool_ = true;
      return value;
    }
    if (Consume("false")) {
      value.kind_ = JsonValue::Kind::kBool;
      return value;
    }
    if (Consume("null")) return value;
    return Error(kErrJsonSyntax, "unexpected character");
  }

  Result<JsonValue> ParseObject(int depth) {
    JsonValue value;
    value.kind_ = JsonValue::Kind::kObject;
    ++pos_;  // '{'
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return value;
    }
    while (true) {
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') return Error(kErrJsonSyntax, "key expected");
      GK_ASSIGN_OR_RETURN(std::string key, ParseString());
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != ':') return Error(kErrJsonSyntax, "':' expected");
      ++pos_;
      GK_ASSIGN_OR_RETURN(JsonValue member, ParseValue(depth + 1));
      if (!value.object_.emplace(std::move(key), std::move(member)).second) {
        return Error(kErrJsonDuplicateKey, "duplicate key");
      }
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return value;
      }
      return Error(kErrJsonSyntax, "',' or '}' expected");
    }
  }

  Result<JsonValue> ParseArray(int depth) {
    JsonValue value;
    value.kind_ = JsonValue::Kind::kArray;
    ++pos_;  // '['
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return value;
    }
    while (true) {
      GK_ASSIGN_OR_RETURN(JsonValue item, ParseValue(depth + 1));
      value.array_.push_back(std::move(item));
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return value;
      }
      return Error(kErrJsonSyntax, "',' or ']' expected");
    }
  }

  Result<JsonValue> ParseNumber() {
    const size_t start = pos_;
    bool negative = false;
    if (text_[pos_] == '-') {
      negative = true;
      ++pos_;
    }
    if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9') {
      return Error(kErrJsonSyntax, "digit expected");
    }
    if (text_[pos_] == '0' && pos_ + 1 < text_.size() && text_[pos_ + 1] >= '0' &&
        text_[pos_ + 1] <= '9') {
      return Error(kErrJsonSyntax, "leading zero");
    }
    // Accumulate as a negative number so that INT64_MIN fits.
    int64_t value = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      const int digit = text_[pos_] - '0';
      if (value < (std::numeric_limits<int64_t>::min() + digit) / 10) {
        return Error(kErrJsonNumber, "integer out of range");
      }
      value = value * 10 - digit;
      ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
      return Error(kErrJsonNumber, "only integers are accepted");
    }
    if (!negative) {
      if (value == std::numeric_limits<int64_t>::min()) {
        pos_ = start;
        return Error(kErrJsonNumber, "integer out of range");
      }
      value = -value;
    }
    return JsonValue::Integer(value);
  }

  Result<uint32_t> ParseHex4() {
    if (pos_ + 4 > text_.size()) return Error(kErrJsonSyntax, "short \\u escape");
    uint32_t code = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      code <<= 4;
      if (h >= '0' && h <= '9') {
        code |= static_cast<uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        code |= static_cast<uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        code |= static_cast<uint32_t>(h - 'A' + 10);
      } else {
        return Error(kErrJsonSyntax, "bad \\u escape");
      }
    }
    return code;
  }

  static void AppendUtf8(uint32_t code, std::string& out) {
    if (code < 0x80) {
      out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (code >> 6)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (code >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (code >> 18)));
      out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
  }

  Result<std::string> ParseString() {
    ++pos_;  // '"'
    std::string out;
    const size_t start = pos_;
    while (true) {
      if (pos_ >= text_.size()) return Error(kErrJsonSyntax, "unterminated string");
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        break;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return Error(kErrJsonSyntax, "control character in string");
      }
      if (c != '\\') {
        out.push_back(c);
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= text_.size()) return Error(kErrJsonSyntax, "unterminated escape");
      const char e = text_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.push_back(e);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          GK_ASSIGN_OR_RETURN(uint32_t code, ParseHex4());
          if (code >= 0xDC00 && code <= 0xDFFF) return Error(kErrJsonUtf8, "lone low surrogate");
          if (code >= 0xD800 && code <= 0xDBFF) {
            if (!Consume("\\u")) return Error(kErrJsonUtf8, "lone high surrogate");
            GK_ASSIGN_OR_RETURN(uint32_t low, ParseHex4());
            if (low < 0xDC00 || low > 0xDFFF) return Error(kErrJsonUtf8, "bad surrogate pair");
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(code, out);
          break;
        }
        default:
          return Error(kErrJsonSyntax, "unknown escape");
      }
    }
    if (!IsValidUtf8(out)) {
      pos_ = start;
      return Error(kErrJsonUtf8, "string is not valid UTF-8");
    }
    return out;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

Result<JsonValue> ParseJson(std::string_view text) {
  if (text.size() > kMaxJsonTextSize) {
    return Status::TooLarge(kErrJsonTooLarge, "JSON text of " + std::to_string(text.size()) +
                                                  " bytes is over the limit of " +
                                                  std::to_string(kMaxJsonTextSize));
  }
  return JsonParser(text).ParseDocument();
}

Result<JsonValue> ParseJsonObject(std::string_view text) {
  GK_ASSIGN_OR_RETURN(JsonValue value, ParseJson(text));
  if (!value.is_object()) return Status::Invalid(kErrJsonType, "a JSON object was expected");
  return value;
}

}  // namespace gongkai
