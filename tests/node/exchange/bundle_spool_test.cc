#include "node/exchange/bundle_spool.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "node/exchange/exchange.h"
#include "node/exchange_fixture.h"

namespace gongkai {
namespace {

using testing::TempDir;

struct Sample {
  TempDir dir;
  SecretKey key = SecretKey::Generate();
  std::vector<Bytes> envelopes;
  HaveSummary have;
  std::filesystem::path path = dir.path() / "sample.gkb";

  Sample() {
    Hash256 prev{};
    const Bytes changeset = {1, 2, 3};
    for (uint64_t seq = 1; seq <= 3; ++seq) {
      auto e = BuildEnvelope(seq, prev, seq, testing::kVillage, changeset, key);
      REQUIRE(e.ok());
      prev = Sha256(*e);
      envelopes.push_back(*e);
    }
    have.AddRange(key.node_id(), {1, 3});
    testing::WriteBundle(path, key, envelopes, have, testing::kVillage);
  }
};

size_t FilesIn(const std::filesystem::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST_CASE("a spool gives back the header, the have summary and every envelope's bytes") {
  Sample s;
  size_t calls = 0;
  auto spool = BundleSpool::Read(s.path, s.dir.path(), [&](size_t done, size_t total) {
    ++calls;
    CHECK(done == calls);
    CHECK(total == 3);
  });
  REQUIRE(spool.ok());
  CHECK(calls == 3);
  CHECK(spool->header().maker() == s.key.node_id());
  CHECK(spool->header().for_region == testing::kVillage);
  CHECK(spool->have() == s.have);
  CHECK(spool->file_size() == std::filesystem::file_size(s.path));
  REQUIRE(spool->size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    auto bytes = spool->Envelope(i);
    REQUIRE(bytes.ok());
    CHECK(*bytes == s.envelopes[i]);
  }
  // The temporary file is unlinked: only the bundle is in the folder.
  CHECK(FilesIn(s.dir.path()) == 1);
}

TEST_CASE("the spool keeps what was verified when the bundle file changes afterwards") {
  Sample s;
  auto spool = BundleSpool::Read(s.path, s.dir.path());
  REQUIRE(spool.ok());
  std::filesystem::resize_file(s.path, 10);
  auto bytes = spool->Envelope(2);
  REQUIRE(bytes.ok());
  CHECK(*bytes == s.envelopes[2]);
}

TEST_CASE("a spool is refused with the reader's codes and leaves no file") {
  Sample s;
  const Bytes original = testing::ReadFile(s.path.string());
  auto bad = s.dir.path() / "bad.gkb";
  SUBCASE("signature") {
    Bytes altered = original;
    altered.back() ^= 1;
    testing::WriteFile(bad.string(), altered);
    auto refused = BundleSpool::Read(bad, s.dir.path());
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == kErrBundleSignature);
    CHECK(refused.status().message().find(bad.string()) != std::string::npos);
  }
  SUBCASE("truncated") {
    testing::WriteFile(bad.string(), ByteView(original).first(original.size() - 1));
    auto refused = BundleSpool::Read(bad, s.dir.path());
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == kErrBundleTruncated);
  }
  SUBCASE("missing") {
    auto refused = BundleSpool::Read(bad, s.dir.path());
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == kErrBundleIo);
  }
  SUBCASE("no spool folder") {
    auto refused = BundleSpool::Read(s.path, s.dir.path() / "none");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == kErrExchangeSpool);
  }
  const size_t expected = std::filesystem::exists(bad) ? 2 : 1;
  CHECK(FilesIn(s.dir.path()) == expected);
}

TEST_CASE("file size limit: at kMaxBundleSize it is read, one past it refused unread") {
  // Sparse files: their zeros take no disk space.
  TempDir dir;
  auto path = dir.path() / "big.gkb";
  testing::WriteFile(path.string(), "");
  SUBCASE("at the limit: opened, and refused for what it holds") {
    std::filesystem::resize_file(path, kMaxBundleSize);
    auto refused = BundleSpool::Read(path, dir.path());
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == kErrBundleMagic);
  }
  SUBCASE("one past it") {
    std::filesystem::resize_file(path, kMaxBundleSize + 1);
    auto refused = BundleSpool::Read(path, dir.path());
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == kErrBundleTooLarge);
  }
}

}  // namespace
}  // namespace gongkai
