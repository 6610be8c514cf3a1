#include "protocol/file_io.h"

#include <doctest/doctest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace gongkai {
namespace {

struct TempDir {
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gk_file_XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string File(const std::string& name) const { return path + "/" + name; }
  std::string path;
};

size_t EntriesIn(const std::string& folder) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(folder)) ++n;
  return n;
}

TEST_CASE("write atomically, read back, replace") {
  TempDir dir;
  const std::string path = dir.File("node.key");
  REQUIRE(WriteFileAtomically(path, AsBytes("first"), 0600).ok());
  CHECK(*ReadFileLimited(path, 100) == Bytes{'f', 'i', 'r', 's', 't'});
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  REQUIRE(WriteFileAtomically(path, AsBytes("second, longer"), 0644).ok());
  CHECK(AsChars(*ReadFileLimited(path, 100)) == "second, longer");
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
  CHECK(EntriesIn(dir.path) == 1);  // no temporary file left behind

  REQUIRE(WriteFileAtomically(path, {}, 0600).ok());
  CHECK(ReadFileLimited(path, 0)->empty());
}

TEST_CASE("a failed write leaves the old file and no temporary") {
  TempDir dir;
  CHECK(WriteFileAtomically(dir.File("missing/x"), AsBytes("x"), 0600).code() == kErrFileIo);
  // Renaming over a non-empty folder fails after the temporary was written.
  std::filesystem::create_directory(dir.File("busy"));
  std::ofstream(dir.File("busy/inside")) << "keep";
  Status s = WriteFileAtomically(dir.File("busy"), AsBytes("x"), 0600);
  CHECK(s.code() == kErrFileIo);
  CHECK(s.kind() == StatusKind::kIoError);
  CHECK(EntriesIn(dir.path) == 1);
  CHECK(AsChars(*ReadFileLimited(dir.File("busy/inside"), 10)) == "keep");
}

TEST_CASE("read limit: at the limit and one past") {
  TempDir dir;
  const std::string path = dir.File("bundle");
  REQUIRE(WriteFileAtomically(path, Bytes(1000, 7), 0600).ok());
  CHECK(ReadFileLimited(path, 1000)->size() == 1000);
  Result<Bytes> over = ReadFileLimited(path, 999);
  CHECK(over.status().code() == kErrFileTooLarge);
  CHECK(over.status().kind() == StatusKind::kTooLarge);
}

TEST_CASE("read refusals: missing file, a folder, a device that never ends") {
  TempDir dir;
  Result<Bytes> missing = ReadFileLimited(dir.File("none"), 10);
  CHECK(missing.status().code() == kErrFileNotFound);
  CHECK(missing.status().kind() == StatusKind::kNotFound);
  CHECK(ReadFileLimited(dir.path, 10).status().code() == kErrFileIo);
  CHECK(ReadFileLimited("/dev/zero", 10).status().code() == kErrFileIo);
}

TEST_CASE("flush a streamed file and its folder; refusals name the path") {
  TempDir dir;
  const std::string path = dir.File("bundle");
  REQUIRE(WriteFileAtomically(path, Bytes(10, 1), 0600).ok());
  CHECK(FlushFileToDisk(path).ok());
  CHECK(FlushFolderOf(path).ok());
  const Status missing = FlushFileToDisk(dir.File("none"));
  CHECK(missing.code() == kErrFileIo);
  CHECK(missing.message().find(dir.File("none")) != std::string::npos);
  CHECK(FlushFolderOf(dir.File("no-such-folder") + "/file").code() == kErrFileIo);
}

}  // namespace
}  // namespace gongkai
