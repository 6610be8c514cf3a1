// Helpers for reading printed sheets back with independent tools (poppler-utils, zbar-tools).
#ifndef GONGKAI_TESTS_PRINTING_PDF_TOOLS_H_
#define GONGKAI_TESTS_PRINTING_PDF_TOOLS_H_

#include <stdio.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace gongkai::testing {

// Runs `command` through the shell and returns its standard output.
inline std::string Run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh directory under the build tree (or /tmp), removed at scope exit.
class TempDir {
 public:
  explicit TempDir(const std::string& name) {
    const char* build = getenv("GONGKAI_BUILD_DIR");
    path_ = std::filesystem::path(build ? build : "/tmp") / "test_tmp" /
            (name + "." + std::to_string(getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// pdftotext -layout (plus `extra_flags`, e.g. "-nodiag"), one string per page.
inline std::vector<std::string> PageTexts(const std::string& pdf,
                                          const std::string& extra_flags = "") {
  const std::string text = Run("pdftotext -layout " + extra_flags + " '" + pdf + "' -");
  std::vector<std::string> pages;
  std::string current;
  for (char ch : text) {
    if (ch == '\f') {
      pages.push_back(current);
      current.clear();
    } else {
      current += ch;
    }
  }
  if (!current.empty()) pages.push_back(current);
  return pages;
}

// Whitespace-separated words of `text`, counted.
inline std::map<std::string, int> CountTokens(const std::string& text) {
  std::map<std::string, int> counts;
  std::istringstream in(text);
  std::string token;
  while (in >> token) ++counts[token];
  return counts;
}

inline size_t CountOccurrences(const std::string& haystack, const std::string& needle) {
  size_t count = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++count;
  }
  return count;
}

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_PRINTING_PDF_TOOLS_H_
