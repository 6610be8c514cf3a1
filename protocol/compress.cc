#include "protocol/compress.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader: read the header before decoding
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>
#include <utility>

namespace gongkai {
namespace {

constexpr uint32_t kZstdMagic = 0xFD2FB528;
constexpr size_t kZstdMinWindowLog = 10;  // a window descriptor's exponent counts from 2^10

class CCtxOwner {
 public:
  CCtxOwner() : ctx_(ZSTD_createCCtx()) {
    if (ctx_ == nullptr) std::abort();  // out of memory: nothing sensible to do
  }
  CCtxOwner(const CCtxOwner&) = delete;
  CCtxOwner& operator=(const CCtxOwner&) = delete;
  ~CCtxOwner() { ZSTD_freeCCtx(ctx_); }
  ZSTD_CCtx* get() const { return ctx_; }

 private:
  ZSTD_CCtx* ctx_;
};

class DCtxOwner {
 public:
  DCtxOwner() : ctx_(ZSTD_createDCtx()) {
    if (ctx_ == nullptr) std::abort();
  }
  DCtxOwner(const DCtxOwner&) = delete;
  DCtxOwner& operator=(const DCtxOwner&) = delete;
  ~DCtxOwner() { ZSTD_freeDCtx(ctx_); }
  ZSTD_DCtx* get() const { return ctx_; }

 private:
  ZSTD_DCtx* ctx_;
};

Status Corrupt(const std::string& what) {
  return Status::Invalid(kErrZstdCorrupt, "zstd frame: " + what);
}

// The same frame header without its content size, so that zstd decodes without judging
// the declared size itself: zstd reports a size mismatch only as generic corruption, after
// the last block, and we must name it (kErrZstdSizeMismatch) and stop a longer frame early.
// The window becomes the smallest power of two not below the original window (a frame that
// is valid under a window is valid under any larger one); the caller has checked it against
// kZstdWindowLogMax. Returns the header's length in `out`.
size_t HeaderWithoutContentSize(const ZSTD_frameHeader& header, std::array<uint8_t, 6>& out) {
  size_t window_log = kZstdMinWindowLog;
  while ((uint64_t{1} << window_log) < header.windowSize) ++window_log;
  for (size_t i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(kZstdMagic >> (8 * i));
  // Frame_Header_Descriptor: no content size, not single-segment, checksum flag kept.
  out[4] = header.checksumFlag ? 0x04 : 0x00;
  // Window_Descriptor: exponent (window_log - 10) in the top five bits, mantissa 0.
  out[5] = static_cast<uint8_t>((window_log - kZstdMinWindowLog) << 3);
  return 6;
}

}  // namespace

Bytes Compress(ByteView data) { return Compress(data, kZstdLevel); }

Bytes Compress(ByteView data, int level) {
  CCtxOwner cctx;
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_contentSizeFlag, 1);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1);
  // Never ask a receiver for a window it would refuse.
  const ZSTD_compressionParameters params = ZSTD_getCParams(level, data.size(), 0);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_windowLog,
                         std::min<int>(static_cast<int>(params.windowLog), kZstdWindowLogMax));
  Bytes out(ZSTD_compressBound(data.size()));
  const size_t written =
      ZSTD_compress2(cctx.get(), out.data(), out.size(), data.data(), data.size());
  // With a buffer of ZSTD_compressBound bytes and valid parameters zstd cannot fail.
  if (ZSTD_isError(written)) std::abort();
  out.resize(written);
  return out;
}

Result<Bytes> Decompress(ByteView frame, size_t max_output) {
  // Cheapest checks first: sizes and the frame header, before any allocation.
  const size_t max_input = ZSTD_compressBound(max_output);
  if (frame.size() > max_input) {
    return Status::TooLarge(kErrZstdTooLarge, "zstd frame of " + std::to_string(frame.size()) +
                                                  " bytes is larger than any frame of at most " +
                                                  std::to_string(max_output) + " bytes (" +
                                                  std::to_string(max_input) + ")");
  }
  ZSTD_frameHeader header{};
  const size_t header_result = ZSTD_getFrameHeader(&header, frame.data(), frame.size());
  if (ZSTD_isError(header_result)) {
    return Corrupt(std::string("bad header: ") + ZSTD_getErrorName(header_result));
  }
  if (header_result != 0) return Corrupt("truncated header");
  if (header.frameType != ZSTD_frame) return Corrupt("a skippable frame holds no data");
  if (header.dictID != 0) return Corrupt("needs a dictionary");
  if (header.frameContentSize == ZSTD_CONTENTSIZE_UNKNOWN) {
    return Status::Invalid(kErrZstdSizeUnknown, "zstd frame does not declare its content size");
  }
  const uint64_t declared = header.frameContentSize;
  if (declared > max_output) {
    return Status::TooLarge(kErrZstdTooLarge, "zstd frame declares " + std::to_string(declared) +
                                                  " bytes, limit " + std::to_string(max_output));
  }
  if (header.windowSize > (uint64_t{1} << kZstdWindowLogMax)) {
    return Status::TooLarge(kErrZstdWindow,
                            "zstd frame needs a window of " + std::to_string(header.windowSize) +
                                " bytes, limit 2^" + std::to_string(kZstdWindowLogMax));
  }
  const size_t frame_size = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
  if (ZSTD_isError(frame_size)) {
    return Corrupt(std::string("blocks: ") + ZSTD_getErrorName(frame_size));
  }
  if (frame_size != frame.size()) {
    return Status::Invalid(kErrZstdTrailing, std::to_string(frame.size() - frame_size) +
                                                 " bytes after the zstd frame");
  }

  // One context per thread, reset for every frame: creating a context costs more than
  // decoding a small changeset, and receivers decode one per envelope.
  thread_local DCtxOwner dctx;
  ZSTD_DCtx_reset(dctx.get(), ZSTD_reset_session_and_parameters);
  ZSTD_DCtx_setParameter(dctx.get(), ZSTD_d_windowLogMax, kZstdWindowLogMax);
  std::array<uint8_t, 6> new_header{};
  const size_t new_header_size = HeaderWithoutContentSize(header, new_header);
  const std::array<ByteView, 2> inputs = {ByteView(new_header.data(), new_header_size),
                                          frame.subspan(header.headerSize)};

  Bytes out(static_cast<size_t>(declared));
  ZSTD_outBuffer output{out.data(), out.size(), 0};
  size_t piece = 0;
  ZSTD_inBuffer input{inputs[0].data(), inputs[0].size(), 0};
  while (true) {
    if (input.pos == input.size && piece + 1 < inputs.size()) {
      ++piece;
      input = ZSTD_inBuffer{inputs[piece].data(), inputs[piece].size(), 0};
    }
    // Once the declared size is filled, decode into a one-byte probe: any byte that lands
    // there means the frame is longer than it declared.
    uint8_t probe = 0;
    ZSTD_outBuffer probe_out{&probe, 1, 0};
    ZSTD_outBuffer* target = output.pos == output.size ? &probe_out : &output;
    const size_t before_in = input.pos;
    const size_t before_out = target->pos;
    const size_t hint = ZSTD_decompressStream(dctx.get(), target, &input);
    if (ZSTD_isError(hint)) {
      if (ZSTD_getErrorCode(hint) == ZSTD_error_frameParameter_windowTooLarge) {
        return Status::TooLarge(kErrZstdWindow, "zstd frame needs too large a window");
      }
      return Corrupt(ZSTD_getErrorName(hint));
    }
    if (probe_out.pos > 0) {
      return Status::Invalid(
          kErrZstdSizeMismatch,
          "zstd frame holds more than the " + std::to_string(declared) + " bytes it declares");
    }
    if (hint == 0) break;  // the frame is complete
    if (input.pos == before_in && target->pos == before_out) {
      return Corrupt("frame ends early");
    }
  }
  if (output.pos != out.size()) {
    return Status::Invalid(kErrZstdSizeMismatch, "zstd frame holds " + std::to_string(output.pos) +
                                                     " bytes but declares " +
                                                     std::to_string(declared));
  }
  return out;
}

}  // namespace gongkai
