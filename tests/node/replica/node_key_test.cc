#include "node/replica/node_key.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "protocol/temp_dir.h"

namespace gongkai {
namespace {

using testing::TempDir;

SecretKey KeyFromByte(uint8_t b) { return *SecretKey::FromSeed(Bytes(kSeedSize, b)); }

unsigned ModeOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// Writes `bytes` as a key file with mode 0600, as if SaveNodeKey had.
void WriteKeyFile(const std::string& path, ByteView bytes) {
  testing::WriteFile(path, bytes);
  REQUIRE(::chmod(path.c_str(), 0600) == 0);
}

std::string LoadCode(const std::string& path) { return LoadNodeKey(path).status().code(); }

TEST_CASE("a saved node key loads back as the same key") {
  TempDir dir;
  SecretKey key = SecretKey::Generate();
  REQUIRE(SaveNodeKey(dir.File("node.key"), key).ok());
  Result<SecretKey> back = LoadNodeKey(dir.File("node.key"));
  REQUIRE(back.ok());
  CHECK(back->public_key() == key.public_key());
  const Bytes message = {1, 2, 3};
  CHECK(back->Sign(message) == key.Sign(message));
  // Nothing but the key is left in the folder.
  size_t entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    CHECK(entry.path().filename() == "node.key");
    ++entries;
  }
  CHECK(entries == 1);
}

TEST_CASE("the node key file pins its layout") {
  TempDir dir;
  REQUIRE(SaveNodeKey(dir.File("node.key"), KeyFromByte(1)).ok());
  const Bytes bytes = testing::ReadFile(dir.File("node.key"));
  CHECK(bytes.size() == kNodeKeyFileSize);
  CHECK(HexEncode(bytes) ==
        "474b4e4b"                                                            // magic
        "01"                                                                  // version
        "0101010101010101010101010101010101010101010101010101010101010101"    // seed
        "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c");  // public key
}

TEST_CASE("the file is written with mode 0600 whatever the umask") {
  TempDir dir;
  const mode_t old = ::umask(0);
  Status saved = SaveNodeKey(dir.File("node.key"), SecretKey::Generate());
  ::umask(old);
  REQUIRE(saved.ok());
  CHECK(ModeOf(dir.File("node.key")) == 0600);
}

TEST_CASE("SaveNodeKey never replaces anything") {
  TempDir dir;
  SecretKey first = KeyFromByte(1);
  REQUIRE(SaveNodeKey(dir.File("node.key"), first).ok());
  const Bytes before = testing::ReadFile(dir.File("node.key"));
  Status again = SaveNodeKey(dir.File("node.key"), KeyFromByte(2));
  CHECK(again.code() == kErrNodeKeyExists);
  CHECK(again.kind() == StatusKind::kConflict);
  CHECK(testing::ReadFile(dir.File("node.key")) == before);

  std::filesystem::create_directory(dir.path() / "folder");
  CHECK(SaveNodeKey(dir.File("folder"), first).code() == kErrNodeKeyExists);
  std::filesystem::create_symlink(dir.path() / "nowhere", dir.path() / "dangling");
  CHECK(NodeKeyExists(dir.File("dangling")));
  CHECK(SaveNodeKey(dir.File("dangling"), first).code() == kErrNodeKeyExists);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "nowhere"));
}

TEST_CASE("NodeKeyExists") {
  TempDir dir;
  CHECK_FALSE(NodeKeyExists(dir.File("node.key")));
  REQUIRE(SaveNodeKey(dir.File("node.key"), SecretKey::Generate()).ok());
  CHECK(NodeKeyExists(dir.File("node.key")));
}

TEST_CASE("each node key error code") {
  TempDir dir;
  REQUIRE(SaveNodeKey(dir.File("good.key"), KeyFromByte(1)).ok());
  const Bytes good = testing::ReadFile(dir.File("good.key"));
  auto code_of = [&](const std::string& name, ByteView bytes) {
    WriteKeyFile(dir.File(name), bytes);
    return LoadCode(dir.File(name));
  };

  Result<SecretKey> missing = LoadNodeKey(dir.File("missing.key"));
  CHECK(missing.status().code() == kErrNodeKeyNotFound);
  CHECK(missing.status().kind() == StatusKind::kNotFound);
  std::filesystem::create_directory(dir.path() / "folder.key");
  CHECK(LoadCode(dir.File("folder.key")) == kErrNodeKeyIo);
  CHECK(SaveNodeKey(dir.path() / "no-such-folder" / "node.key", KeyFromByte(1)).code() ==
        kErrNodeKeyIo);

  CHECK(code_of("empty.key", {}) == kErrNodeKeySize);
  CHECK(code_of("short.key", ByteView(good).first(kNodeKeyFileSize - 1)) == kErrNodeKeySize);
  Bytes longer = good;
  longer.push_back(0);
  CHECK(code_of("long.key", longer) == kErrNodeKeySize);
  Bytes much_longer(4096, 0);
  CHECK(code_of("much_longer.key", much_longer) == kErrNodeKeySize);

  Bytes magic = good;
  magic[3] = 'X';
  CHECK(code_of("magic.key", magic) == kErrNodeKeyMagic);
  Bytes encrypted_root(kNodeKeyFileSize, 0);  // a key_file.h file starts "GKKEY"
  std::copy_n("GKKEY", 5, encrypted_root.begin());
  CHECK(code_of("root.key", encrypted_root) == kErrNodeKeyMagic);
  Bytes version = good;
  version[4] = 2;
  CHECK(code_of("version.key", version) == kErrNodeKeyVersion);
  Bytes seed = good;
  seed[5] ^= 0x01;
  CHECK(code_of("seed.key", seed) == kErrNodeKeyMismatch);
  Bytes public_key = good;
  public_key[kNodeKeyFileSize - 1] ^= 0x80;
  CHECK(code_of("public.key", public_key) == kErrNodeKeyMismatch);
}

TEST_CASE("a key file others may read or write is refused until chmod 600") {
  TempDir dir;
  const std::string path = dir.File("node.key");
  REQUIRE(SaveNodeKey(path, KeyFromByte(1)).ok());
  for (unsigned mode : {0644u, 0640u, 0604u, 0620u, 0602u, 0610u, 0601u, 0666u}) {
    CAPTURE(mode);
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    Result<SecretKey> refused = LoadNodeKey(path);
    CHECK(refused.status().code() == kErrNodeKeyPermissions);
    CHECK(refused.status().kind() == StatusKind::kDenied);
    CHECK(refused.status().message().find("chmod 600") != std::string::npos);
  }
  // Owner-only modes are fine, also read-only.
  for (unsigned mode : {0600u, 0400u, 0700u}) {
    CAPTURE(mode);
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    CHECK(LoadNodeKey(path).ok());
  }
  // The permission check comes before the contents are read.
  WriteKeyFile(dir.File("bad.key"), Bytes(3, 0));
  REQUIRE(::chmod(dir.File("bad.key").c_str(), 0644) == 0);
  CHECK(LoadCode(dir.File("bad.key")) == kErrNodeKeyPermissions);
}

}  // namespace
}  // namespace gongkai
