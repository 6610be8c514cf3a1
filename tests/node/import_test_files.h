// Test helpers: files under the build tree, and valid synthetic ID numbers.
#ifndef GONGKAI_TESTS_NODE_IMPORT_TEST_FILES_H_
#define GONGKAI_TESTS_NODE_IMPORT_TEST_FILES_H_

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "node/intake/id_number.h"

namespace gongkai::testing {

// Writes `bytes` to <build>/test_files/node/<name> and returns the path.
inline std::string WriteTestFile(const std::string& name, const std::string& bytes) {
  std::filesystem::path dir = std::filesystem::path(GONGKAI_BINARY_DIR) / "test_files" / "node";
  std::filesystem::create_directories(dir);
  std::filesystem::path path = dir / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path.string();
}

// A valid 18-character ID number: area 410381, born 1980-01-01 plus `n` days' worth of
// sequence numbers (n < 365000).
inline std::string SyntheticId(int n) {
  char body[32];  // 17 characters for n >= 0; room for what the compiler cannot rule out
  std::snprintf(body, sizeof body, "410381%04d%02d%02d%03d", 1950 + (n / 1000) % 70,
                1 + (n / 1000 / 70) % 12, 1 + (n / 1000 / 70 / 12) % 28, n % 1000);
  std::string id(body, 17);
  return id + IdCheckCharacter(id);
}

inline std::string FixturePath(const std::string& name) {
  return std::string(GONGKAI_SOURCE_DIR) + "/tests/node/fixtures/" + name;
}

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_NODE_IMPORT_TEST_FILES_H_
