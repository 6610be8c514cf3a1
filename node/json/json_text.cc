#include "node/json/json_text.h"

namespace gongkai {

std::string JsonQuote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out.push_back(kHex[u >> 4]);
          out.push_back(kHex[u & 15]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string JsonArray(const std::vector<std::string>& json_values) {
  std::string out = "[";
  for (size_t i = 0; i < json_values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += json_values[i];
  }
  out.push_back(']');
  return out;
}

std::string JsonStringArray(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  quoted.reserve(items.size());
  for (const std::string& item : items) quoted.push_back(JsonQuote(item));
  return JsonArray(quoted);
}

void JsonObject::Set(std::string_view key, std::string_view value) {
  members_[std::string(key)] = JsonQuote(value);
}

void JsonObject::Set(std::string_view key, int64_t value) {
  members_[std::string(key)] = std::to_string(value);
}

void JsonObject::SetRaw(std::string_view key, std::string json) {
  members_[std::string(key)] = std::move(json);
}

std::string JsonObject::ToString() const {
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : members_) {
    if (!first) out.push_back(',');
    first = false;
    out += JsonQuote(key);
    out.push_back(':');
    out += value;
  }
  out.push_back('}');
  return out;
}

}  // namespace gongkai
