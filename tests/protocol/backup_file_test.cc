#include "protocol/backup_file.h"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "tests/protocol/temp_dir.h"

namespace gongkai {
namespace {

using testing::TempDir;

constexpr KdfParams kFast = {kKdfMinOpslimit, kKdfMinMemlimit};

std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
void Write(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

Bytes Pattern(size_t size, uint8_t seed) {
  Bytes out(size);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(seed + i * 131 + (i >> 9));
  return out;
}

// Writes a backup of entries of the given sizes (the data from Pattern).
void MakeBackup(const std::filesystem::path& file, const std::vector<size_t>& sizes) {
  auto writer = BackupWriter::Create(file.string(), BackupKind::kHub, "口令", kFast);
  REQUIRE(writer.ok());
  for (size_t i = 0; i < sizes.size(); ++i) {
    REQUIRE(writer->AddBytes("f" + std::to_string(i), 0640, Pattern(sizes[i], uint8_t(i))).ok());
  }
  REQUIRE(writer->Finish().ok());
}

// Reads every entry back; the first failure's Status, or OK with the data compared.
Status ReadBack(const std::filesystem::path& file, const std::vector<size_t>& sizes,
                std::string_view passphrase = "口令") {
  GK_ASSIGN_OR_RETURN(BackupReader reader, BackupReader::Open(file.string(), passphrase));
  CHECK(reader.kind() == BackupKind::kHub);
  for (size_t i = 0; i < sizes.size(); ++i) {
    GK_ASSIGN_OR_RETURN(std::optional<BackupEntry> entry, reader.Next());
    REQUIRE(entry.has_value());
    CHECK(entry->name == "f" + std::to_string(i));
    CHECK(entry->mode == 0640);
    CHECK(entry->size == sizes[i]);
    GK_ASSIGN_OR_RETURN(Bytes data, reader.ReadAll(1 << 24));
    CHECK(data == Pattern(sizes[i], uint8_t(i)));
  }
  GK_ASSIGN_OR_RETURN(std::optional<BackupEntry> end, reader.Next());
  CHECK_FALSE(end.has_value());
  return Status::Ok();
}

TEST_CASE("a backup round-trips entries of every size around the chunk boundary") {
  TempDir dir;
  for (const std::vector<size_t>& sizes :
       std::vector<std::vector<size_t>>{{},
                                        {0},
                                        {1, 2, 3},
                                        // around the entry that fills the first chunk
                                        // exactly (16 bytes of entry head), so that the end
                                        // marker lands in it, across, or in the next chunk
                                        {kBackupChunkSize - 19},
                                        {kBackupChunkSize - 18},
                                        {kBackupChunkSize - 17},
                                        {kBackupChunkSize - 16},
                                        {kBackupChunkSize - 15},
                                        {kBackupChunkSize},
                                        {3 * kBackupChunkSize + 5, 10, 0, kBackupChunkSize * 2}}) {
    CAPTURE(sizes.size());
    const auto file = dir.path() / "b";
    MakeBackup(file, sizes);
    CHECK(ReadBack(file, sizes).ok());
  }
}

TEST_CASE("a backup refuses a wrong passphrase, an edited header, a cut, an edit, a swap") {
  TempDir dir;
  const std::vector<size_t> sizes = {100, 2 * kBackupChunkSize + 7, 50};
  const auto file = dir.path() / "b";
  MakeBackup(file, sizes);
  const std::string good = Read(file);
  REQUIRE(ReadBack(file, sizes).ok());

  CHECK(ReadBack(file, sizes, "别的口令").code() == kErrBackupPassphrase);

  auto with = [&](const std::string& bytes) {
    const auto other = dir.path() / "x";
    Write(other, bytes);
    return ReadBack(other, sizes);
  };
  std::string header = good;
  header[13] = 2;  // the Argon2id opslimit, 1 -> 2: another key
  CHECK(with(header).code() == kErrBackupPassphrase);
  std::string huge = good;
  huge[10] = 1;  // an opslimit beyond the bounds: refused before any work
  CHECK(with(huge).code() == kErrKeyFileParams);
  std::string salt = good;
  salt[30] ^= 1;
  CHECK(with(salt).code() == kErrBackupPassphrase);
  std::string magic = good;
  magic[0] = 'X';
  CHECK(with(magic).code() == kErrBackupFormat);
  std::string version = good;
  version[4] = 9;
  CHECK(with(version).code() == kErrBackupVersion);

  CHECK(with(good.substr(0, good.size() - 1)).code() == kErrBackupDamaged);
  CHECK(with(good.substr(0, kBackupHeaderSize + 4 + kBackupChunkSize + 17)).code() ==
        kErrBackupDamaged);  // cut exactly after a whole chunk: no FINAL
  std::string edited = good;
  edited[good.size() / 2] ^= 0x40;
  CHECK(with(edited).code() == kErrBackupDamaged);
  // Two chunks swapped: each authenticates alone, not in that place.
  const size_t chunk = 4 + kBackupChunkSize + 17;
  std::string swapped = good;
  swapped.replace(kBackupHeaderSize, chunk, good.substr(kBackupHeaderSize + chunk, chunk));
  swapped.replace(kBackupHeaderSize + chunk, chunk, good.substr(kBackupHeaderSize, chunk));
  CHECK_FALSE(with(swapped).ok());
  std::string longer = good;
  longer[kBackupHeaderSize] = 0x7f;  // a chunk length beyond the limit
  CHECK(with(longer).code() == kErrBackupDamaged);
}

TEST_CASE("entry names must be plain file names") {
  TempDir dir;
  auto writer = BackupWriter::Create((dir.path() / "b").string(), BackupKind::kNode, "p", kFast);
  REQUIRE(writer.ok());
  for (const char* name : {"", ".", "..", "a/b", "../x"}) {
    CAPTURE(name);
    CHECK(writer->AddBytes(name, 0600, {}).code() == kErrBackupFormat);
  }
  CHECK(writer->AddBytes("a", 01000, {}).code() == kErrBackupFormat);
}

}  // namespace
}  // namespace gongkai
