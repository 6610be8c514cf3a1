// A small JSON object writer for the published fields of imported rows
// (disclosure_item.data). Output is canonical so that the same row always gives the same
// bytes: keys sorted by their UTF-8 bytes, no white space, UTF-8 kept as is (only '"', '\\'
// and control characters are escaped: \b \f \n \r \t, others as \u00XX), integers in
// decimal. Thread-safety: a value; not safe to modify from two threads.
#ifndef GONGKAI_NODE_JSON_JSON_TEXT_H_
#define GONGKAI_NODE_JSON_JSON_TEXT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gongkai {

// `text` as a JSON string literal, quotes included. REQUIRES: valid UTF-8.
std::string JsonQuote(std::string_view text);

// A JSON array of values that are already JSON text: [a,b]. REQUIRES: each is valid JSON.
std::string JsonArray(const std::vector<std::string>& json_values);

// A JSON array of strings: ["a","b"]. REQUIRES: valid UTF-8.
std::string JsonStringArray(const std::vector<std::string>& items);

class JsonObject {
 public:
  // Setting a key again replaces its value.
  void Set(std::string_view key, std::string_view value);
  void Set(std::string_view key, const char* value) { Set(key, std::string_view(value)); }
  void Set(std::string_view key, int64_t value);
  // Sets a value that is already JSON text (an array or object written by this file or
  // json_value.h). REQUIRES: `json` is valid JSON.
  void SetRaw(std::string_view key, std::string json);
  // {"a":1,"b":"x"}
  std::string ToString() const;

 private:
  std::map<std::string, std::string> members_;  // key -> JSON text of the value
};

}  // namespace gongkai

#endif  // GONGKAI_NODE_JSON_JSON_TEXT_H_
