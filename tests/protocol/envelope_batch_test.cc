#include "protocol/envelope_batch.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "protocol/envelope.h"
#include "protocol/temp_dir.h"

namespace gongkai {
namespace {

TEST_CASE("an envelope batch has the documented bytes") {
  Result<Bytes> batch = EncodeBatch({Bytes{0xaa}, Bytes{0xbb, 0xcc}});
  REQUIRE(batch.ok());
  CHECK(HexEncode(*batch) ==
        "474b4254"
        "01"
        "00000002"
        "00000001aa"
        "00000002bbcc");
  Result<std::vector<ByteView>> decoded = DecodeBatch(*batch);
  REQUIRE(decoded.ok());
  REQUIRE(decoded->size() == 2);
  CHECK(Bytes((*decoded)[1].begin(), (*decoded)[1].end()) == Bytes{0xbb, 0xcc});
  Result<Bytes> empty = EncodeBatch({});
  REQUIRE(empty.ok());
  CHECK(DecodeBatch(*empty)->empty());
}

TEST_CASE("a batch holds at most kMaxBatchEnvelopes envelopes") {
  std::vector<Bytes> at_limit(kMaxBatchEnvelopes, Bytes{1});
  Result<Bytes> batch = EncodeBatch(at_limit);
  REQUIRE(batch.ok());
  CHECK(DecodeBatch(*batch)->size() == kMaxBatchEnvelopes);
  at_limit.push_back(Bytes{1});
  CHECK(EncodeBatch(at_limit).status().code() == kErrBatchTooMany);
  // A declared count one past the limit is refused before any envelope is read.
  Bytes header = *EncodeBatch({});
  header[8] = static_cast<uint8_t>(kMaxBatchEnvelopes + 1);
  header[7] = static_cast<uint8_t>((kMaxBatchEnvelopes + 1) >> 8);
  CHECK(DecodeBatch(header).status().code() == kErrBatchTooMany);
}

TEST_CASE("a batch larger than kMaxBatchSize is refused before reading") {
  Bytes huge(kMaxBatchSize + 1, 0);
  CHECK(DecodeBatch(huge).status().code() == kErrBatchTooLarge);
  Bytes at_limit(kMaxBatchSize, 0);
  CHECK(DecodeBatch(at_limit).status().code() == kErrBatchMagic);
}

TEST_CASE("every malformed batch is refused with its code") {
  const Bytes good = *EncodeBatch({Bytes{0xaa, 0xbb}});
  CHECK(DecodeBatch(ByteView(good).first(3)).status().code() == kErrBatchTruncated);
  CHECK(DecodeBatch(ByteView(good).first(good.size() - 1)).status().code() == kErrBatchTruncated);
  Bytes magic = good;
  magic[0] = 'X';
  CHECK(DecodeBatch(magic).status().code() == kErrBatchMagic);
  Bytes version = good;
  version[4] = 2;
  CHECK(DecodeBatch(version).status().code() == kErrBatchVersion);
  Bytes trailing = good;
  trailing.push_back(0);
  CHECK(DecodeBatch(trailing).status().code() == kErrBatchTrailing);
  const Bytes empty_envelope = {'G', 'K', 'B', 'T', 1, 0, 0, 0, 1, 0, 0, 0, 0};
  CHECK(DecodeBatch(empty_envelope).status().code() == kErrBatchEmptyEnvelope);
  CHECK(EncodeBatch({Bytes{}}).status().code() == kErrBatchEmptyEnvelope);
  // An envelope length over kMaxEnvelopeSize is refused before its bytes are looked for.
  Bytes long_envelope = {'G', 'K', 'B', 'T', 1, 0, 0, 0, 1};
  const uint32_t too_long = static_cast<uint32_t>(kMaxEnvelopeSize + 1);
  for (int shift = 24; shift >= 0; shift -= 8)
    long_envelope.push_back(static_cast<uint8_t>(too_long >> shift));
  CHECK(DecodeBatch(long_envelope).status().code() == kErrBatchTooLarge);
}

// The seed corpus of tests/fuzz/envelope_batch_fuzz.cc: an empty batch, the documented
// vector, and a batch of the envelope target's seeds (real signed envelopes). Set
// GONGKAI_WRITE_FUZZ_CORPUS=1 to write it again.
std::map<std::string, Bytes> BatchSeeds() {
  const std::filesystem::path envelopes =
      std::filesystem::path(GONGKAI_SOURCE_DIR) / "tests/fuzz/corpus/envelope";
  return {{"empty.gkbt", *EncodeBatch({})},
          {"fixed_vector.gkbt", *EncodeBatch({Bytes{0xaa}, Bytes{0xbb, 0xcc}})},
          {"two_envelopes.gkbt",
           *EncodeBatch({testing::ReadFile((envelopes / "seq1_county.gkev").string()),
                         testing::ReadFile((envelopes / "seq3_empty.gkev").string())})}};
}

TEST_CASE("fuzz seed corpus: every committed batch decodes and its envelopes decode") {
  const std::filesystem::path dir =
      std::filesystem::path(GONGKAI_SOURCE_DIR) / "tests/fuzz/corpus/envelope_batch";
  const std::map<std::string, Bytes> seeds = BatchSeeds();
  if (std::getenv("GONGKAI_WRITE_FUZZ_CORPUS") != nullptr) {
    std::filesystem::create_directories(dir);
    for (const auto& [name, bytes] : seeds) testing::WriteFile((dir / name).string(), bytes);
  }
  for (const auto& [name, bytes] : seeds) {
    CAPTURE(name);
    CHECK(testing::ReadFile((dir / name).string()) == bytes);
  }
  size_t envelopes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    CAPTURE(entry.path().string());
    const Bytes stored = testing::ReadFile(entry.path().string());
    const Result<std::vector<ByteView>> batch = DecodeBatch(stored);
    REQUIRE(batch.ok());
    for (ByteView envelope : *batch) {
      if (DecodeEnvelope(envelope).ok()) ++envelopes;
    }
  }
  CHECK(envelopes == 2);
}

}  // namespace
}  // namespace gongkai
