#include "protocol/compress.h"

#define ZSTD_STATIC_LINKING_ONLY
#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>
#include <zstd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

namespace gongkai {
namespace {

// Text like a changeset of subsidy rows: repeated column values, numbers, random hex ids.
Bytes ChangesetLike(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  const char* names[] = {"王建国", "李秀英", "张伟", "刘芳", "陈志强", "杨桂英"};
  const char* items[] = {"耕地地力保护补贴", "玉米生产者补贴", "农机购置补贴"};
  std::string text;
  while (text.size() < size) {
    char row[160];
    std::snprintf(row, sizeof row, "%08x%08x|511303101201|%s|511303********%04u|%s|%u.%02u\n",
                  static_cast<unsigned>(rng()), static_cast<unsigned>(rng()), names[rng() % 6],
                  static_cast<unsigned>(rng() % 10000), items[rng() % 3],
                  static_cast<unsigned>(rng() % 2000), static_cast<unsigned>(rng() % 100));
    text += row;
  }
  text.resize(size);
  return Bytes(text.begin(), text.end());
}

Bytes RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes out(size);
  for (auto& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

// A frame of `total` zero bytes made by streaming compression in 1 MiB pieces, so the
// input is never held whole. `pledge` declares the size in the header; without it the
// frame's size is unknown, as when zstd compresses a pipe.
Bytes StreamedZeros(uint64_t total, bool pledge) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1);
  if (pledge) ZSTD_CCtx_setPledgedSrcSize(cctx, total);
  const Bytes zeros(size_t{1} << 20, 0);
  Bytes frame;
  Bytes buffer(ZSTD_CStreamOutSize());
  uint64_t fed = 0;
  while (true) {
    const size_t piece = static_cast<size_t>(std::min<uint64_t>(zeros.size(), total - fed));
    fed += piece;
    const ZSTD_EndDirective mode = fed == total ? ZSTD_e_end : ZSTD_e_continue;
    ZSTD_inBuffer in{zeros.data(), piece, 0};
    size_t left = 0;
    do {
      ZSTD_outBuffer out{buffer.data(), buffer.size(), 0};
      left = ZSTD_compressStream2(cctx, &out, &in, mode);
      REQUIRE_FALSE(ZSTD_isError(left));
      frame.insert(frame.end(), buffer.begin(), buffer.begin() + out.pos);
    } while (mode == ZSTD_e_end ? left != 0 : in.pos < in.size);
    if (mode == ZSTD_e_end) break;
  }
  ZSTD_freeCCtx(cctx);
  return frame;
}

// A hand-made frame: single segment, a one-byte declared size, one raw block.
Bytes RawFrame(uint8_t declared, const Bytes& content) {
  Bytes frame = {0x28, 0xB5, 0x2F, 0xFD, 0x20, declared};
  const uint32_t block_header = 1u | (static_cast<uint32_t>(content.size()) << 3);  // last, raw
  for (int i = 0; i < 3; ++i) frame.push_back(static_cast<uint8_t>(block_header >> (8 * i)));
  frame.insert(frame.end(), content.begin(), content.end());
  return frame;
}

std::string Code(const Result<Bytes>& r) { return r.status().code(); }

struct TempDir {
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gk_zstd_XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::filesystem::path path;
};

void WriteAll(const std::filesystem::path& path, ByteView data) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

Bytes ReadAll(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

TEST_CASE("round trip: empty, small, 10 MB") {
  for (const Bytes& data :
       {Bytes{}, Bytes{'a'}, ChangesetLike(1000, 1), ChangesetLike(10 << 20, 2)}) {
    Bytes frame = Compress(data);
    ZSTD_frameHeader header{};
    REQUIRE(ZSTD_getFrameHeader(&header, frame.data(), frame.size()) == 0);
    CHECK(header.frameContentSize == data.size());
    CHECK(header.checksumFlag == 1);
    CHECK(header.windowSize <= (uint64_t{1} << kZstdWindowLogMax));
    Result<Bytes> back = Decompress(frame);
    REQUIRE(back.ok());
    CHECK(*back == data);
  }
}

TEST_CASE("a 1 GiB bomb is refused from its header") {
  SUBCASE("streamed without a declared size") {
    Bytes frame = StreamedZeros(uint64_t{1} << 30, false);
    CHECK(frame.size() < 100000);
    CHECK(Code(Decompress(frame)) == kErrZstdSizeUnknown);
  }
  SUBCASE("declaring 1 GiB") {
    Bytes frame = StreamedZeros(uint64_t{1} << 30, true);
    CHECK(frame.size() < 100000);
    CHECK(ZSTD_getFrameContentSize(frame.data(), frame.size()) == uint64_t{1} << 30);
    CHECK(Code(Decompress(frame)) == kErrZstdTooLarge);
  }
}

TEST_CASE("max_output: at the limit and one past") {
  const Bytes data = ChangesetLike(5000, 3);
  const Bytes frame = Compress(data);
  CHECK(Decompress(frame, 5000).ok());
  CHECK(Code(Decompress(frame, 4999)) == kErrZstdTooLarge);
}

TEST_CASE("kMaxDecompressedSize: at the limit and one past") {
  const Bytes at_limit = StreamedZeros(kMaxDecompressedSize, true);
  Result<Bytes> back = Decompress(at_limit);
  REQUIRE(back.ok());
  CHECK(back->size() == kMaxDecompressedSize);
  CHECK(Code(Decompress(StreamedZeros(kMaxDecompressedSize + 1, true))) == kErrZstdTooLarge);
}

TEST_CASE("a frame longer than any frame of max_output bytes is refused before its header") {
  const Bytes frame = Compress(RandomBytes(300, 4));
  CHECK(frame.size() > ZSTD_compressBound(0));
  CHECK(Code(Decompress(frame, 0)) == kErrZstdTooLarge);
}

TEST_CASE("window: 2^23 accepted, larger refused") {
  // 9 MiB of varied data: our frames keep the window within 2^23.
  const Bytes data = ChangesetLike(9 << 20, 5);
  const Bytes ours = Compress(data);
  ZSTD_frameHeader header{};
  REQUIRE(ZSTD_getFrameHeader(&header, ours.data(), ours.size()) == 0);
  CHECK(header.windowSize <= (uint64_t{1} << kZstdWindowLogMax));
  CHECK(Decompress(ours).ok());

  // zstd with a 2^24 window writes a single-segment frame whose window is the whole 9 MiB.
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, 24);
  Bytes wide(ZSTD_compressBound(data.size()));
  const size_t n = ZSTD_compress2(cctx, wide.data(), wide.size(), data.data(), data.size());
  ZSTD_freeCCtx(cctx);
  REQUIRE_FALSE(ZSTD_isError(n));
  wide.resize(n);
  CHECK(Code(Decompress(wide)) == kErrZstdWindow);

  // Hand-made: window descriptor 2^24 (exponent 14), four-byte content size 3, raw block.
  const Bytes crafted = {0x28, 0xB5, 0x2F, 0xFD, 0x80, 14 << 3, 3,   0,
                         0,    0,    0x19, 0,    0,    'a',     'b', 'c'};
  CHECK(Code(Decompress(crafted)) == kErrZstdWindow);
  Bytes fine = crafted;
  fine[5] = 13 << 3;  // 2^23
  Result<Bytes> back = Decompress(fine);
  REQUIRE(back.ok());
  CHECK(*back == Bytes{'a', 'b', 'c'});
}

TEST_CASE("real output must equal the declared size") {
  CHECK(*Decompress(RawFrame(3, {'x', 'y', 'z'})) == Bytes{'x', 'y', 'z'});
  CHECK(Code(Decompress(RawFrame(5, {'x', 'y', 'z'}))) == kErrZstdSizeMismatch);  // shorter
  CHECK(Code(Decompress(RawFrame(2, {'x', 'y', 'z'}))) == kErrZstdSizeMismatch);  // longer
  CHECK(Code(Decompress(RawFrame(0, {'x'}))) == kErrZstdSizeMismatch);
}

TEST_CASE("trailing bytes and a second frame are refused") {
  Bytes frame = Compress(ChangesetLike(100, 6));
  Bytes extra = frame;
  extra.push_back(0);
  CHECK(Code(Decompress(extra)) == kErrZstdTrailing);
  Bytes two = frame;
  two.insert(two.end(), frame.begin(), frame.end());
  CHECK(Code(Decompress(two)) == kErrZstdTrailing);
}

TEST_CASE("corrupt frames are refused") {
  const Bytes data = ChangesetLike(4000, 7);
  const Bytes frame = Compress(data);
  CHECK(Code(Decompress(Bytes{})) == kErrZstdCorrupt);
  CHECK(Code(Decompress(Bytes{0x28, 0xB5, 0x2F})) == kErrZstdCorrupt);
  Bytes bad_magic = frame;
  bad_magic[0] ^= 1;
  CHECK(Code(Decompress(bad_magic)) == kErrZstdCorrupt);
  // Every truncation is refused.
  for (size_t n = 0; n < frame.size(); ++n) {
    CAPTURE(n);
    CHECK(Code(Decompress(ByteView(frame).first(n))) == kErrZstdCorrupt);
  }
  // A flipped bit anywhere is refused, or (in a few bits the decoder ignores) changes
  // nothing: it never yields other data, thanks to the decoder and the XXH64 checksum.
  size_t refused = 0;
  for (size_t i = 0; i < frame.size(); ++i) {
    Bytes flipped = frame;
    flipped[i] ^= 0x10;
    Result<Bytes> r = Decompress(flipped);
    if (r.ok()) {
      CHECK(*r == data);
    } else {
      ++refused;
    }
  }
  CHECK(refused > frame.size() * 9 / 10);
  // A skippable frame, and a frame that needs a dictionary.
  CHECK(Code(Decompress(Bytes{0x50, 0x2A, 0x4D, 0x18, 0, 0, 0, 0})) == kErrZstdCorrupt);
  CHECK(Code(Decompress(Bytes{0x28, 0xB5, 0x2F, 0xFD, 0x21, 7, 0, 0x19, 0, 0, 'a'})) ==
        kErrZstdCorrupt);
}

TEST_CASE("the zstd command agrees") {
  TempDir dir;
  const Bytes data = ChangesetLike(300000, 8);
  WriteAll(dir.path / "ours.zst", Compress(data));
  const std::string out = (dir.path / "out").string();
  const std::string in = (dir.path / "ours.zst").string();
  REQUIRE(std::system(("zstd -q -d -c '" + in + "' > '" + out + "'").c_str()) == 0);
  CHECK(ReadAll(out) == data);

  // A file compressed by the command declares its size and is accepted; the same data piped
  // through it does not, and is refused.
  WriteAll(dir.path / "plain", data);
  const std::string plain = (dir.path / "plain").string();
  const std::string theirs = (dir.path / "theirs.zst").string();
  REQUIRE(std::system(("zstd -q -19 -c '" + plain + "' > '" + theirs + "'").c_str()) == 0);
  Result<Bytes> back = Decompress(ReadAll(theirs));
  REQUIRE(back.ok());
  CHECK(*back == data);
  const std::string piped = (dir.path / "piped.zst").string();
  REQUIRE(std::system(("cat '" + plain + "' | zstd -q -c > '" + piped + "'").c_str()) == 0);
  CHECK(Code(Decompress(ReadAll(piped))) == kErrZstdSizeUnknown);
}

}  // namespace
}  // namespace gongkai
