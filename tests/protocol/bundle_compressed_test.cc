// Version 3 bundles: the envelopes as items (protocol/envelope_batch_item.h) in zstd frames
// of kBundleFrameSize, below the bundle and envelope signatures.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include <zstd.h>

#include "protocol/bundle.h"
#include "protocol/compress.h"
#include "tests/protocol/temp_dir.h"

namespace gongkai {
namespace {

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

BundleHeader Header(const SecretKey& key, uint8_t version = kBundleVersion) {
  BundleHeader h;
  h.version = version;
  h.maker_key = key.public_key();
  h.created_hlc = 0x0001926a3f4b5c07;
  h.for_region = "511303101";
  return h;
}

HaveSummary HaveOf(const SecretKey& key, uint64_t last) {
  HaveSummary h;
  h.AddRange(key.node_id(), {1, last});
  return h;
}

std::vector<Bytes> Raw(const BundleContents& c) {
  std::vector<Bytes> out;
  for (const Envelope& e : c.envelopes) out.emplace_back(e.raw().begin(), e.raw().end());
  return out;
}

std::string Code(ByteView bundle) {
  Result<BundleContents> r = ReadBundle(bundle);
  return r.ok() ? "ok" : r.status().code();
}

// Where the frames of a version 3 bundle start: after the header's count and codec.
size_t FramesOffset(const BundleHeader& h) {
  return kBundleRegionOffset + 1 + h.for_region.size() + 2 + h.maker_certificate.size() + 4 + 4;
}

uint32_t U32At(ByteView b, size_t at) {
  return static_cast<uint32_t>(b[at]) << 24 | static_cast<uint32_t>(b[at + 1]) << 16 |
         static_cast<uint32_t>(b[at + 2]) << 8 | b[at + 3];
}

struct Frames {
  std::vector<Bytes> contents;  // each frame decompressed
  size_t end = 0;               // offset of the have length
};

// The frames of a well-formed version 3 bundle holding items (count > 0).
Frames FramesOf(ByteView bundle, const BundleHeader& h) {
  Frames out;
  size_t at = FramesOffset(h);
  const size_t have_at = bundle.size() - kSignatureSize;
  // The frames end where a have length and its bytes end just before the signature.
  while (true) {
    const uint32_t length = U32At(bundle, at);
    out.contents.push_back(*Decompress(bundle.subspan(at + 4, length), kBundleFrameSize));
    at += 4 + length;
    if (at + 4 <= have_at && at + 4 + U32At(bundle, at) == have_at) break;
  }
  out.end = at;
  return out;
}

// The forms of the items in `items`.
std::vector<int> Forms(const Bytes& items) {
  std::vector<int> forms;
  size_t at = 0;
  while (at < items.size()) {
    const int form = items[at++];
    forms.push_back(form);
    if (form == kItemAsIs) {
      at += 4 + U32At(items, at);
      continue;
    }
    at += kEnvelopeRegionOffset - (form == kItemChained ? kHashSize : 0);
    const size_t region = items[at];
    at += 1 + region;
    at += 4 + U32At(items, at) + kSignatureSize;
  }
  return forms;
}

// A version 3 bundle by `key` whose frames hold `items` as given (cut into one frame each),
// declaring `count` envelopes: what a writer of any intent could sign.
Bytes SignedWithFrames(const SecretKey& key, uint32_t count, const std::vector<Bytes>& frames,
                       uint32_t codec = BatchCodec()) {
  const BundleHeader h = Header(key);
  ByteWriter w;
  w.Raw(kBundleMagic);
  w.U8(kBundleVersion);
  w.Raw(key.node_id());
  w.Raw(key.public_key());
  w.U64(h.created_hlc);
  w.String8(h.for_region);
  w.Bytes16(Bytes{});
  w.U32(count);
  w.U32(codec);
  for (const Bytes& frame : frames) w.Bytes32(frame);
  w.Bytes32(*HaveSummary().Encode());
  Bytes out = w.Take();
  Ed25519phStream signer;
  signer.Update(out);
  const Signature sig = signer.Sign(key);
  out.insert(out.end(), sig.begin(), sig.end());
  return out;
}

Bytes SignedWithItems(const SecretKey& key, uint32_t count, const Bytes& items) {
  return SignedWithFrames(key, count, {Compress(items, kBundleZstdLevel)});
}

// The items of `envelopes`, as the writer makes them.
Bytes ItemsOf(const std::vector<Bytes>& envelopes) {
  ItemWriter writer(true);
  ByteWriter out;
  for (const Bytes& e : envelopes) writer.Append(e, kMaxEnvelopeSize, out);
  return out.Take();
}

TEST_CASE("a version 3 bundle gives back every envelope byte for byte, in order") {
  const SecretKey a = SeededKey(1);
  const SecretKey b = SeededKey(2);
  const std::vector<Bytes> chain_a = Chain(a, 4, 0);
  const std::vector<Bytes> chain_b = Chain(b, 2, 50);
  // A payload that Compress would not write goes as it is, and is read back as it is.
  EnvelopeFields odd;
  odd.origin = b.node_id();
  odd.seq = 3;
  odd.prev = Sha256(chain_b[1]);
  odd.hlc = 2000;
  odd.region = "511303101201";
  odd.payload_size = 3;
  odd.payload = {0xaa, 0xbb, 0xcc};
  const Bytes odd_envelope = *SealEnvelope(odd, b);
  const Bytes b4 = *BuildEnvelope(4, Sha256(odd_envelope), 2001, "511303101201", Changeset(7), b);
  const std::vector<Bytes> envelopes = {chain_a[0], chain_b[0],   chain_a[1], chain_b[1],
                                        chain_a[3], odd_envelope, b4};
  const BundleHeader h = Header(a);
  HaveSummary have = HaveOf(a, 4);
  have.AddRange(b.node_id(), {1, 4});
  const Bytes v3 = *MakeBundle(h, envelopes, have, a);
  CHECK(v3[4] == kBundleVersion);
  const Result<BundleContents> read = ReadBundle(v3);
  INFO(read.status().ToString());
  REQUIRE(read.ok());
  CHECK(Raw(*read) == envelopes);
  CHECK(read->header.version == kBundleVersion);
  CHECK(read->header.codec == BatchCodec());
  CHECK(read->header.envelope_count == envelopes.size());
  CHECK(read->have == have);
  CHECK(read->envelopes[6].prev() == read->envelopes[5].id());
  const Frames frames = FramesOf(v3, h);
  REQUIRE(frames.contents.size() == 1);
  CHECK(Forms(frames.contents[0]) == std::vector<int>{1, 1, 2, 2, 1, 0, 2});

  // The same envelopes in version 2 read the same, and weigh more.
  const Bytes v2 = *MakeBundle(Header(a, kBundleVersionUncompressed), envelopes, have, a);
  CHECK(Raw(*ReadBundle(v2)) == envelopes);
  CHECK(v3.size() < v2.size());

  // An empty version 3 bundle has no frame at all.
  const Bytes empty = *MakeBundle(h, {}, HaveSummary(), a);
  CHECK(empty.size() == FramesOffset(h) + 4 + 4 + kSignatureSize);
  CHECK(ReadBundle(empty)->envelopes.empty());
}

TEST_CASE("items are cut into frames of kBundleFrameSize, read across the cuts") {
  // Changesets of random-looking text that zstd cannot shrink much: 320 envelopes of about
  // 20 kB open to well over one frame, and many items and fields cross a frame's end.
  const SecretKey key = SeededKey(3);
  std::vector<Bytes> envelopes;
  Hash256 prev{};
  uint64_t x = 88172645463325252ull;
  for (int seq = 1; seq <= 320; ++seq) {
    Bytes changeset(20000 + seq);
    for (uint8_t& c : changeset) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      c = static_cast<uint8_t>('a' + x % 26);
    }
    envelopes.push_back(*BuildEnvelope(seq, prev, seq, "511303101201", changeset, key));
    prev = Sha256(envelopes.back());
  }
  const BundleHeader h = Header(key);
  const Bytes bundle = *MakeBundle(h, envelopes, HaveOf(key, 320), key);
  const Frames frames = FramesOf(bundle, h);
  REQUIRE(frames.contents.size() == 2);
  CHECK(frames.contents[0].size() == kBundleFrameSize);
  CHECK(frames.contents[1].size() < kBundleFrameSize);
  Bytes items = frames.contents[0];
  items.insert(items.end(), frames.contents[1].begin(), frames.contents[1].end());
  CHECK(items == ItemsOf(envelopes));
  CHECK(Forms(items) == [] {
    std::vector<int> forms(320, kItemChained);
    forms[0] = kItemOpened;
    return forms;
  }());
  const Result<BundleContents> read = ReadBundle(bundle);
  INFO(read.status().ToString());
  REQUIRE(read.ok());
  CHECK(Raw(*read) == envelopes);

  // Written to a file by the streaming writer: the same bytes.
  testing::TempDir dir;
  const std::filesystem::path path = dir.File("large.gkb");
  BundleHeader counted = h;
  counted.envelope_count = static_cast<uint32_t>(envelopes.size());
  BundleWriter w = *BundleWriter::Create(path, counted);
  for (const Bytes& e : envelopes) REQUIRE(w.Add(e).ok());
  REQUIRE(w.Finish(HaveOf(key, 320), key).ok());
  CHECK(testing::ReadFile(path.string()) == bundle);
  CHECK(w.size() == bundle.size());

  // The decompressed total is held to the reader's limit, judged from each frame's declared
  // size before it is decoded.
  auto read_all = [&](uint64_t max_opened) {
    std::istringstream in(std::string(bundle.begin(), bundle.end()));
    BundleReader reader(in, kMaxBundleSize, max_opened);
    GK_RETURN_IF_ERROR(reader.Open());
    while (true) {
      Result<std::optional<Envelope>> next = reader.Next();
      if (!next.ok()) return next.status();
      if (!next->has_value()) break;
    }
    return reader.Finish().status();
  };
  CHECK(read_all(items.size()).ok());
  const Status over = read_all(items.size() - 1);
  CHECK(over.code() == kErrBundleTooLarge);
  CHECK(over.message().find("数据包压缩段 2") != std::string::npos);
  CHECK(read_all(kBundleFrameSize - 1).code() == kErrBundleTooLarge);  // the first frame
}

TEST_CASE("decompression bombs: declared sizes are refused before anything is decoded") {
  const SecretKey key = SeededKey(4);
  // One frame declaring a byte more than kBundleFrameSize: a few hundred bytes of zeros.
  const Bytes bomb = Compress(Bytes(kBundleFrameSize + 1, 0), kBundleZstdLevel);
  CHECK(bomb.size() < 1000);
  Result<BundleContents> r = ReadBundle(SignedWithFrames(key, 1, {bomb}));
  CHECK(r.status().code() == kErrZstdTooLarge);
  CHECK(r.status().message().find("数据包压缩段 1") != std::string::npos);
  // At the limit it is decoded, and then refused for what the items say.
  CHECK(Code(SignedWithFrames(key, 1, {Compress(Bytes(kBundleFrameSize, 0))})) == kErrBundleItem);
  // A frame length past the bound of any frame of kBundleFrameSize is refused unread; a frame
  // that streams without declaring its size is refused from its header.
  Bytes bundle = SignedWithItems(key, 2, ItemsOf(Chain(key, 2, 0)));
  REQUIRE(Code(bundle) == "ok");
  const size_t frames_at = FramesOffset(Header(key));
  for (const uint32_t length : {uint32_t{kMaxBundleFrameLength + 1}, uint32_t{0}, 0xffffffffu}) {
    Bytes b = bundle;
    for (int i = 0; i < 4; ++i) b[frames_at + i] = static_cast<uint8_t>(length >> (24 - 8 * i));
    CHECK(Code(b) == kErrBundleFrame);
  }
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  const Bytes items = ItemsOf(Chain(key, 2, 0));
  Bytes streamed(ZSTD_compressBound(items.size()) + 32);
  ZSTD_outBuffer out{streamed.data(), streamed.size(), 0};
  ZSTD_inBuffer in{items.data(), items.size(), 0};
  // Fed in two calls, zstd cannot know the size when it writes the header.
  REQUIRE(!ZSTD_isError(ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_continue)));
  ZSTD_inBuffer none{nullptr, 0, 0};
  REQUIRE(ZSTD_compressStream2(cctx, &out, &none, ZSTD_e_end) == 0);
  ZSTD_freeCCtx(cctx);
  streamed.resize(out.pos);
  CHECK(Code(SignedWithFrames(key, 2, {streamed})) == kErrZstdSizeUnknown);
  // An opened changeset or an as-is envelope past kMaxEnvelopeSize, before it is read.
  Bytes huge_item = ItemsOf({Chain(key, 1, 0)[0]});
  REQUIRE(huge_item[0] == kItemOpened);
  const size_t size_at = 1 + kEnvelopeRegionOffset + 1 + 12;
  for (const uint32_t size : {uint32_t{kMaxEnvelopeSize + 1}, 0xffffffffu}) {
    for (int i = 0; i < 4; ++i) huge_item[size_at + i] = static_cast<uint8_t>(size >> (24 - 8 * i));
    CHECK(Code(SignedWithItems(key, 1, huge_item)) == kErrBundleEnvelopeTooLarge);
  }
  ByteWriter as_is;
  as_is.U8(kItemAsIs);
  as_is.U32(kMaxEnvelopeSize + 1);
  CHECK(Code(SignedWithItems(key, 1, as_is.Take())) == kErrBundleEnvelopeTooLarge);
  // An empty frame is refused too: nothing in a frame is never written.
  CHECK(Code(SignedWithFrames(key, 1, {Compress(Bytes{})})) == kErrBundleFrame);
}

TEST_CASE("a truncated or corrupt version 3 bundle is refused, in Chinese") {
  const SecretKey key = SeededKey(5);
  const BundleHeader h = Header(key);
  const Bytes bundle = *MakeBundle(h, Chain(key, 3, 0), HaveOf(key, 3), key);
  REQUIRE(Code(bundle) == "ok");
  const size_t frames_at = FramesOffset(h);
  const size_t frame_length = U32At(bundle, frames_at);
  for (size_t n = 0; n < bundle.size(); ++n) {
    CAPTURE(n);
    const Result<BundleContents> r = ReadBundle(ByteView(bundle).first(n));
    CHECK(r.status().code() == kErrBundleTruncated);
    if (n >= frames_at && n < frames_at + 4 + frame_length) {
      CHECK(r.status().message().find("数据包压缩段 1（文件第 " + std::to_string(frames_at) +
                                      " 字节起）不完整") != std::string::npos);
    }
  }
  for (size_t bit = 0; bit < bundle.size() * 8; ++bit) {
    CAPTURE(bit);
    Bytes bad = bundle;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    CHECK(Code(bad) != "ok");
  }
  // A changed byte inside the frame's blocks: zstd's checksum or the blocks refuse it.
  Bytes corrupt = bundle;
  corrupt[frames_at + 4 + frame_length / 2] ^= 0x40;
  const Result<BundleContents> r = ReadBundle(corrupt);
  CHECK(r.status().code().starts_with("zstd."));
  CHECK(r.status().message().find("无法解压, 文件已损坏或被改动") != std::string::npos);
  // Bytes after the last item, in its frame; items that end before the count.
  Bytes items = ItemsOf(Chain(key, 2, 0));
  items.push_back(0);
  const Result<BundleContents> trailing = ReadBundle(SignedWithItems(key, 2, items));
  CHECK(trailing.status().code() == kErrBundleTrailing);
  CHECK(trailing.status().message().find("最后一个数据包之后还有 1 字节") != std::string::npos);
  items.pop_back();
  CHECK(Code(SignedWithItems(key, 3, items)) != "ok");
  // The file ends where a third item's frame would start.
  Bytes cut = SignedWithItems(key, 3, items);
  CHECK(Code(ByteView(cut).first(cut.size() - kSignatureSize - 8)) == kErrBundleTruncated);
}

TEST_CASE("version 3 items: unknown forms, broken chains and another zstd are refused") {
  const SecretKey key = SeededKey(6);
  const std::vector<Bytes> chain = Chain(key, 2, 0);
  Bytes items = ItemsOf(chain);
  REQUIRE(Forms(items) == std::vector<int>{1, 2});
  Bytes unknown = items;
  unknown[0] = 3;
  CHECK(Code(SignedWithItems(key, 2, unknown)) == kErrBundleItem);
  // The chained second item alone names a prev nothing before it gives.
  const Bytes second = ItemsOf({chain[1]});
  REQUIRE(second[0] == kItemOpened);
  const size_t first_size = items.size() - (second.size() - kHashSize);
  const Bytes lone(items.begin() + static_cast<std::ptrdiff_t>(first_size), items.end());
  REQUIRE(lone[0] == kItemChained);
  CHECK(Code(SignedWithItems(key, 1, lone)) == kErrBundleItem);
  // Opened items under another codec are refused, not rebuilt; as-is items read under any.
  const Result<BundleContents> other =
      ReadBundle(SignedWithFrames(key, 2, {Compress(items, kBundleZstdLevel)}, BatchCodec() + 1));
  CHECK(other.status().code() == kErrBundleCodec);
  CHECK(other.status().message().find("请对方改写第 2 版数据包") != std::string::npos);
  ByteWriter as_is;
  for (const Bytes& e : chain) {
    as_is.U8(kItemAsIs);
    as_is.Bytes32(e);
  }
  const Result<BundleContents> anywhere =
      ReadBundle(SignedWithFrames(key, 2, {Compress(as_is.Take())}, BatchCodec() + 1));
  REQUIRE(anywhere.ok());
  CHECK(Raw(*anywhere) == chain);
  // An altered changeset rebuilds into another envelope, which its own signature refuses; the
  // chained one after it names the altered one as prev, so its signature fails too.
  Bytes altered = items;
  altered[1 + kEnvelopeRegionOffset + 1 + 12 + 4] ^= 1;
  const Result<BundleContents> rebuilt = ReadBundle(SignedWithItems(key, 2, altered));
  REQUIRE(rebuilt.ok());
  CHECK(rebuilt->envelopes[1].prev() == rebuilt->envelopes[0].id());
  for (const Envelope& e : rebuilt->envelopes) {
    CHECK(VerifyEnvelopeSignature(e, key.public_key()).code() == kErrEnvelopeSignature);
  }
  // A rebuilt envelope is decoded as any other: a bad region is its envelope.* code.
  Bytes region = items;
  region[1 + kEnvelopeRegionOffset + 1] = 'x';
  const Result<BundleContents> bad_region = ReadBundle(SignedWithItems(key, 2, region));
  CHECK(bad_region.status().code() == kErrEnvelopeRegion);
  CHECK(bad_region.status().message().find("bundle envelope 1 of 2") != std::string::npos);
}

TEST_CASE("the version 3 vector (zstd 1.5.4, codec 10504) reads and is written alike") {
  // Two chained envelopes of the key with seed 32 x 0x05, each of the changeset below (the
  // envelopes of the compressed batch vector), in a bundle by the same key for 511303101
  // with no maker certificate, its have summary {key: 1-2}: header, codec 10504, one frame
  // holding a form-1 and a form-2 item, the have summary, the signature.
  // protocol/README.md "Bundle".
  constexpr char kVectorHex[] =
      "474b424e037599776c3085e3f9da0d13071eb0b4ab6e7a1cdd29b0b78fd13af4c5598feff4ef2a97166e3ca6"
      "f2e4fbfccd80505bf1000000000000000909353131333033313031000000000002000029080000010128b52f"
      "fd648c009d0700d40d01474b4556017599776c3085e3f9da0d13071eb0b4ab000100010c3531313330333130"
      "313230310000003f494e5345525420737562736964795f6974656d2020e88095e59cb08a9be4bf9de68aa4e8"
      "a1a5e8b4b4203132302e35788eaa2fe9600b09c3450783a5b40ed242214ff64fff594438c960ba5c151a09d7"
      "7518adca172cfabd77e43de3479fb2187d3d6ec095ef198a7561cba20cde0a020202cd663a96fb439b0366f6"
      "e2058742fbd666c8101ebd8af1ce35ce2b722d6324456b24c870b08bb22f04feb1013c8d817f9ba29750e93f"
      "fb137b84f52f7ccbc90a07009d3348c0bd2a6bf8e882eda3b8173c7c004dd8987a5800000028000000017599"
      "776c3085e3f9da0d13071eb0b4ab00000001000000000000000100000000000000026ee040a82cd12fa1a07a"
      "503984d072b5894dcde5810329a2bfe974a1db27e9ed809d12195f5d9960b19cb1b2a71ef843bbfa9ea69d5f"
      "736fdcdfbb645e0c7805";
  const SecretKey key = SeededKey(5);
  const ByteView changeset =
      AsBytes(std::string_view("INSERT subsidy_item 511303101201 耕地地力保护补贴 120.5"));
  const Bytes first = *BuildEnvelope(1, Hash256{}, 1, "511303101201", changeset, key);
  const Bytes second = *BuildEnvelope(2, Sha256(first), 2, "511303101201", changeset, key);
  BundleHeader h = Header(key);
  h.created_hlc = 9;
  const Bytes written = *MakeBundle(h, {first, second}, HaveOf(key, 2), key);
  const Bytes vector = *HexDecode(kVectorHex);
  CHECK(HexEncode(ByteView(vector).first(FramesOffset(h))) ==
        std::string("474b424e") + "03" + NodeIdHex(key.node_id()) + HexEncode(key.public_key()) +
            "0000000000000009" + "09" + HexEncode(AsBytes("511303101")) + "0000" + "00000002" +
            "00002908");
  const Result<BundleContents> read = ReadBundle(vector);
  if (BatchCodec() != 10504) {
    // zstd promises equal output only for equal versions: another one must refuse, not guess.
    CHECK(read.status().code() == kErrBundleCodec);
    return;
  }
  INFO(read.status().ToString());
  REQUIRE(read.ok());
  CHECK(Raw(*read) == std::vector<Bytes>{first, second});
  CHECK(HexEncode(read->envelopes[0].id()) ==
        "23c4308a0a86294b71978b57677209b94e4839da6c8bcc218184d89ef4322da1");
  CHECK(HexEncode(read->envelopes[1].id()) ==
        "ac3c7a8ee79b06ee9a1cc72c1b3c8178e0451f4e8406e03b656a3b4df754a0b6");
  for (const Envelope& e : read->envelopes) {
    CHECK(VerifyEnvelopeSignature(e, key.public_key()).ok());
    CHECK(*OpenPayload(e) == Bytes(changeset.begin(), changeset.end()));
  }
  CHECK(Forms(FramesOf(vector, h).contents.at(0)) == std::vector<int>{1, 2});
  CHECK(read->have == HaveOf(key, 2));
  CHECK(written == vector);
}

// Seeds for tests/fuzz/bundle_fuzz.cc in version 3 (the corpus test of bundle_test.cc checks
// that every committed file reads). Written when GONGKAI_WRITE_FUZZ_CORPUS is set.
std::map<std::string, Bytes> CompressedSeeds() {
  const SecretKey a = SeededKey(7);
  const SecretKey b = SeededKey(8);
  std::vector<Bytes> two_origins = Chain(a, 3, 0);
  for (const Bytes& e : Chain(b, 2, 10)) two_origins.push_back(e);
  HaveSummary have = HaveOf(a, 3);
  have.AddRange(b.node_id(), {1, 2});
  BundleHeader anyone = Header(a);
  anyone.for_region = "";
  return {{"v3_two_origins.gkb", *MakeBundle(Header(a), two_origins, have, a)},
          {"v3_empty_for_anyone.gkb", *MakeBundle(anyone, {}, HaveSummary(), a)}};
}

TEST_CASE("fuzz seed corpus: the version 3 seeds are committed as written") {
  const std::filesystem::path dir =
      std::filesystem::path(GONGKAI_SOURCE_DIR) / "tests/fuzz/corpus/bundle";
  const std::map<std::string, Bytes> seeds = CompressedSeeds();
  if (std::getenv("GONGKAI_WRITE_FUZZ_CORPUS") != nullptr) {
    for (const auto& [name, bytes] : seeds) testing::WriteFile((dir / name).string(), bytes);
  }
  // Seeds with opened items were written by zstd 1.5.4; another version writes other frames.
  if (BatchCodec() != 10504) return;
  for (const auto& [name, bytes] : seeds) {
    CAPTURE(name);
    CHECK(testing::ReadFile((dir / name).string()) == bytes);
  }
}

}  // namespace
}  // namespace gongkai
