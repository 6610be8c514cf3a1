#include "protocol/envelope_batch.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include <zstd.h>

#include "protocol/compress.h"
#include "protocol/envelope.h"
#include "protocol/sha256.h"
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

// Compressed batches (version 2).

SecretKey SeededKey(uint8_t fill) { return *SecretKey::FromSeed(Bytes(32, fill)); }

Bytes Changeset(int n) {
  std::string text;
  for (int row = 0; row < 20; ++row)
    text += "INSERT subsidy_item 511303101201 张三 耕地地力保护补贴 " + std::to_string(n * 100 + row);
  return Bytes(text.begin(), text.end());
}

// `count` chained envelopes of the key's origin, starting at seq 1.
std::vector<Bytes> Chain(const SecretKey& key, int count, int salt) {
  std::vector<Bytes> out;
  Hash256 prev{};
  for (int seq = 1; seq <= count; ++seq) {
    out.push_back(*BuildEnvelope(seq, prev, 1000 + seq, "511303101201", Changeset(salt + seq), key));
    prev = Sha256(out.back());
  }
  return out;
}

// The forms of a compressed batch's items, read from its decompressed frame.
std::vector<int> Forms(const Bytes& batch) {
  const Bytes items = *Decompress(ByteView(batch).subspan(kCompressedBatchHeaderSize),
                                  kMaxOpenedBatchSize);
  std::vector<int> forms;
  size_t at = 0;
  while (at < items.size()) {
    const int form = items[at++];
    forms.push_back(form);
    if (form == 0) {
      const size_t length = (size_t{items[at]} << 24) | (size_t{items[at + 1]} << 16) |
                            (size_t{items[at + 2]} << 8) | items[at + 3];
      at += 4 + length;
      continue;
    }
    at += kEnvelopeRegionOffset - (form == 2 ? kHashSize : 0);
    const size_t region = items[at];
    at += 1 + region;
    const size_t size = (size_t{items[at]} << 24) | (size_t{items[at + 1]} << 16) |
                        (size_t{items[at + 2]} << 8) | items[at + 3];
    at += 4 + size + kSignatureSize;
  }
  return forms;
}

std::vector<Bytes> Copies(const OpenedBatch& batch) {
  std::vector<Bytes> out;
  for (ByteView envelope : batch.envelopes) out.emplace_back(envelope.begin(), envelope.end());
  return out;
}

// Replaces the items of a compressed batch (count and codec kept) with `items`.
Bytes WithItems(const Bytes& batch, const Bytes& items) {
  Bytes out(batch.begin(), batch.begin() + kCompressedBatchHeaderSize);
  const Bytes frame = Compress(items);
  out.insert(out.end(), frame.begin(), frame.end());
  return out;
}

Bytes ItemsOf(const Bytes& batch) {
  return *Decompress(ByteView(batch).subspan(kCompressedBatchHeaderSize), kMaxOpenedBatchSize);
}

TEST_CASE("a compressed batch gives back every envelope byte for byte, in order") {
  const SecretKey a = SeededKey(1);
  const SecretKey b = SeededKey(2);
  const std::vector<Bytes> chain_a = Chain(a, 4, 0);
  const std::vector<Bytes> chain_b = Chain(b, 2, 50);
  // A payload that Compress would not write (level 1, no checksum) goes as it is.
  const Bytes text = Changeset(99);
  Bytes frame(ZSTD_compressBound(text.size()));
  frame.resize(ZSTD_compress(frame.data(), frame.size(), text.data(), text.size(), 1));
  EnvelopeFields odd;
  odd.origin = b.node_id();
  odd.seq = 3;
  odd.prev = Sha256(chain_b[1]);
  odd.hlc = 2000;
  odd.region = "511303101201";
  odd.payload_size = static_cast<uint32_t>(text.size());
  odd.payload = frame;
  const Bytes odd_envelope = *SealEnvelope(odd, b);
  REQUIRE(OpenPayload(*DecodeEnvelope(ByteView(odd_envelope))).ok());
  // Interleaved origins; b's seq 4 follows its as-is seq 3; a's seq 4 comes without seq 3.
  const Bytes b4 = *BuildEnvelope(4, Sha256(odd_envelope), 2001, "511303101201", Changeset(7), b);
  const std::vector<Bytes> envelopes = {chain_a[0], chain_b[0],   chain_a[1], chain_b[1],
                                        chain_a[3], odd_envelope, b4,         Bytes{0xee, 0xff}};
  const Result<Bytes> batch = EncodeCompressedBatch(envelopes, BatchCodec());
  REQUIRE(batch.ok());
  CHECK(std::equal(kBatchMagic.begin(), kBatchMagic.end(), batch->begin()));
  CHECK((*batch)[4] == kBatchVersionCompressed);
  CHECK(Forms(*batch) == std::vector<int>{1, 1, 2, 2, 1, 0, 2, 0});
  const Result<OpenedBatch> opened = OpenBatch(*batch);
  REQUIRE(opened.ok());
  CHECK(Copies(*opened) == envelopes);
  CHECK(opened->rebuilt.size() == 6);
  size_t v1_size = EncodeBatch(envelopes)->size();
  CHECK(batch->size() < v1_size);

  // For a reader of another codec, or none, everything goes as is and still reads.
  for (const uint32_t codec : {uint32_t{0}, BatchCodec() + 1}) {
    const Bytes as_is = *EncodeCompressedBatch(envelopes, codec);
    CHECK(Forms(as_is) == std::vector<int>(envelopes.size(), 0));
    Bytes other_codec = as_is;
    other_codec[12] ^= 1;  // what a writer of another zstd would say
    CHECK(Copies(*OpenBatch(other_codec)) == envelopes);
  }
  // OpenBatch reads version 1 as well.
  CHECK(Copies(*OpenBatch(*EncodeBatch(envelopes))) == envelopes);
  CHECK(OpenBatch(*EncodeBatch(envelopes))->rebuilt.empty());
}

TEST_CASE("opened items are refused by a reader of another zstd version") {
  const std::vector<Bytes> envelopes = Chain(SeededKey(3), 2, 0);
  Bytes batch = *EncodeCompressedBatch(envelopes, BatchCodec());
  batch[12] ^= 1;
  CHECK(OpenBatch(batch).status().code() == kErrBatchCodec);
}

TEST_CASE("a malformed compressed batch is refused with its code") {
  const std::vector<Bytes> envelopes = Chain(SeededKey(4), 2, 0);
  const Bytes good = *EncodeCompressedBatch(envelopes, BatchCodec());
  const Bytes items = ItemsOf(good);
  REQUIRE(OpenBatch(WithItems(good, items)).ok());

  CHECK(OpenBatch(ByteView(good).first(11)).status().code() == kErrBatchTruncated);
  CHECK(OpenBatch(ByteView(good).first(good.size() - 1)).status().code() == kErrZstdCorrupt);
  // The chained second item without the first: nothing before it names its prev.
  const size_t first_item = 1 + kEnvelopeRegionOffset + 1 + 12 + 4 + Changeset(1).size() +
                            kSignatureSize;
  Bytes lone(items.begin() + first_item, items.end());
  REQUIRE(lone[0] == 2);
  Bytes lone_batch = WithItems(good, lone);
  lone_batch[8] = 1;  // count 1
  CHECK(OpenBatch(lone_batch).status().code() == kErrBatchItem);
  Bytes unknown = items;
  unknown[0] = 3;
  CHECK(OpenBatch(WithItems(good, unknown)).status().code() == kErrBatchItem);
  CHECK(OpenBatch(WithItems(good, Bytes(items.begin(), items.end() - 1))).status().code() ==
        kErrBatchTruncated);
  Bytes trailing = items;
  trailing.push_back(0);
  CHECK(OpenBatch(WithItems(good, trailing)).status().code() == kErrBatchTrailing);
  // A rebuilt envelope is decoded as any other: a bad region is its envelope.* code.
  Bytes region = items;
  region[1 + kEnvelopeRegionOffset + 1] = 'x';
  const Result<OpenedBatch> bad_region = OpenBatch(WithItems(good, region));
  CHECK(bad_region.status().code() == kErrEnvelopeRegion);
  CHECK(bad_region.status().message().find("batch item 0") != std::string::npos);
  // An altered changeset rebuilds into another envelope, which its signature then refuses.
  Bytes altered = items;
  altered[1 + kEnvelopeRegionOffset + 1 + 12 + 4] ^= 1;
  const Result<OpenedBatch> rebuilt = OpenBatch(WithItems(good, altered));
  REQUIRE(rebuilt.ok());
  const Envelope changed = *DecodeEnvelope(rebuilt->envelopes[0]);
  CHECK(VerifyEnvelopeSignature(changed, SeededKey(4).public_key()).code() ==
        kErrEnvelopeSignature);
  // Counts: over the limit before the frame is opened; fewer items than declared.
  Bytes too_many = good;
  too_many[7] = 0x10;
  too_many[8] = 0x01;  // 4097
  CHECK(OpenBatch(too_many).status().code() == kErrBatchTooMany);
  Bytes short_count = good;
  short_count[8] = 3;
  CHECK(OpenBatch(short_count).status().code() == kErrBatchTruncated);
  CHECK(EncodeCompressedBatch(std::vector<Bytes>(kMaxCompressedBatchEnvelopes + 1, Bytes{1}), 0)
            .status()
            .code() == kErrBatchTooMany);
  CHECK(EncodeCompressedBatch({Bytes{}}, 0).status().code() == kErrBatchEmptyEnvelope);
}

TEST_CASE("a compressed batch's frame may not declare more than kMaxOpenedBatchSize") {
  const Bytes good = *EncodeCompressedBatch({Bytes{1}}, 0);
  // 1 GiB of zeros as one frame is a few kB; the declared size is refused before any output.
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, 23);
  const size_t size = size_t{kMaxOpenedBatchSize} + 1;
  ZSTD_CCtx_setPledgedSrcSize(cctx, size);
  const Bytes zeros(size_t{1} << 20, 0);
  Bytes buffer(ZSTD_CStreamOutSize());
  Bytes out;
  size_t left = size;
  for (bool done = false; !done;) {
    const size_t piece = std::min(left, zeros.size());
    left -= piece;
    const ZSTD_EndDirective mode = left == 0 ? ZSTD_e_end : ZSTD_e_continue;
    ZSTD_inBuffer in{zeros.data(), piece, 0};
    for (;;) {
      ZSTD_outBuffer o{buffer.data(), buffer.size(), 0};
      const size_t rest = ZSTD_compressStream2(cctx, &o, &in, mode);
      REQUIRE(!ZSTD_isError(rest));
      out.insert(out.end(), buffer.begin(), buffer.begin() + o.pos);
      if (mode == ZSTD_e_end ? rest == 0 : in.pos == in.size) break;
    }
    done = mode == ZSTD_e_end;
  }
  ZSTD_freeCCtx(cctx);
  Bytes bomb(good.begin(), good.begin() + kCompressedBatchHeaderSize);
  bomb.insert(bomb.end(), out.begin(), out.end());
  CHECK(bomb.size() < 200000);
  CHECK(OpenBatch(bomb).status().code() == kErrZstdTooLarge);
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
                         testing::ReadFile((envelopes / "seq3_empty.gkev").string())})},
          {"compressed_as_is.gkbt",
           *EncodeCompressedBatch({testing::ReadFile((envelopes / "seq1_county.gkev").string()),
                                   testing::ReadFile((envelopes / "seq3_empty.gkev").string())},
                                  0)},
          {"compressed_chain.gkbt", *EncodeCompressedBatch(Chain(SeededKey(6), 3, 0), 10504)}};
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
    // Compressed seeds were written by zstd 1.5.4; another version writes other frames.
    if (name.starts_with("compressed_") && BatchCodec() != 10504) continue;
    CHECK(testing::ReadFile((dir / name).string()) == bytes);
  }
  size_t envelopes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    CAPTURE(entry.path().string());
    const Bytes stored = testing::ReadFile(entry.path().string());
    const Result<OpenedBatch> batch = OpenBatch(stored);
    if (BatchCodec() != 10504 && batch.status().code() == kErrBatchCodec) continue;
    REQUIRE(batch.ok());
    for (ByteView envelope : batch->envelopes) {
      if (DecodeEnvelope(envelope).ok()) ++envelopes;
    }
  }
  CHECK(envelopes == (BatchCodec() == 10504 ? 7 : 4));
}

TEST_CASE("the compressed batch vector (zstd 1.5.4, codec 10504) reads and is written alike") {
  // Two chained envelopes of the key with seed 32 x 0x05, each of the changeset below, as
  // EncodeCompressedBatch wrote them for a reader of codec 10504: header, then one frame
  // holding a form-1 item and a form-2 item (no prev). protocol/README.md "Envelope batch".
  constexpr char kVectorHex[] =
    "474b425402000000020000290828b52ffd648c009d0700d40d01474b4556017599776c3085e3f9da0d13071e"
    "b0b4ab000100010c3531313330333130313230310000003f494e5345525420737562736964795f6974656d20"
    "20e88095e59cb08a9be4bf9de68aa4e8a1a5e8b4b4203132302e35788eaa2fe9600b09c3450783a5b40ed242"
    "214ff64fff594438c960ba5c151a09d77518adca172cfabd77e43de3479fb2187d3d6ec095ef198a7561cba2"
    "0cde0a020202cd663a96fb439b0366f6e2058742fbd666c8101ebd8af1ce35ce2b722d6324456b24c870b08b"
    "b22f04feb1013c8d817f9ba29750e93ffb137b84f52f7ccbc90a07009d3348c0bd2a6bf8e882eda3b8173c7c"
    "004dd8987a58";
  const Bytes vector = *HexDecode(kVectorHex);
  CHECK(HexEncode(ByteView(vector).first(kCompressedBatchHeaderSize)) ==
        "474b4254" "02" "00000002" "00002908");
  const Result<OpenedBatch> opened = OpenBatch(vector);
  if (BatchCodec() != 10504) {
    // zstd promises equal output only for equal versions: another one must refuse, not guess.
    CHECK(opened.status().code() == kErrBatchCodec);
    return;
  }
  REQUIRE(opened.ok());
  REQUIRE(opened->envelopes.size() == 2);
  CHECK(HexEncode(Sha256(opened->envelopes[0])) ==
        "23c4308a0a86294b71978b57677209b94e4839da6c8bcc218184d89ef4322da1");
  CHECK(HexEncode(Sha256(opened->envelopes[1])) ==
        "ac3c7a8ee79b06ee9a1cc72c1b3c8178e0451f4e8406e03b656a3b4df754a0b6");
  const SecretKey key = *SecretKey::FromSeed(Bytes(32, 5));
  const ByteView changeset =
      AsBytes(std::string_view("INSERT subsidy_item 511303101201 耕地地力保护补贴 120.5"));
  for (size_t n = 0; n < 2; ++n) {
    const Envelope envelope = *DecodeEnvelope(opened->envelopes[n]);
    CHECK(envelope.seq() == n + 1);
    CHECK(VerifyEnvelopeSignature(envelope, key.public_key()).ok());
    CHECK(*OpenPayload(envelope) == Bytes(changeset.begin(), changeset.end()));
  }
  CHECK(Forms(vector) == std::vector<int>{1, 2});
  CHECK(*EncodeCompressedBatch(Copies(*opened), 10504) == vector);
}

}  // namespace
}  // namespace gongkai
