#include "protocol/compress.h"

#include <zstd.h>
#include <zstd_errors.h>

#include <cstdlib>
#include <memory>

namespace gongkai {
namespace {

constexpr int kZstdLevel = 3;

struct DCtxFree {
  void operator()(ZSTD_DCtx* ctx) const { ZSTD_freeDCtx(ctx); }
};

}  // namespace

Bytes Compress(ByteView data) {
  Bytes out(ZSTD_compressBound(data.size()));
  // The simple API writes the content size into the frame header.
  const size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), kZstdLevel);
  if (ZSTD_isError(n)) std::abort();  // only on out-of-memory with a bound-sized buffer
  out.resize(n);
  return out;
}

Result<Bytes> Decompress(ByteView frame, size_t max_output) {
  const size_t frame_size = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
  if (ZSTD_isError(frame_size)) {
    return Status::Invalid(kErrZstdCorrupt, "not one complete zstd frame");
  }
  if (frame_size != frame.size()) {
    return Status::Invalid(kErrZstdTrailing, "bytes after the zstd frame");
  }
  const unsigned long long declared = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR) {
    return Status::Invalid(kErrZstdCorrupt, "unreadable zstd frame header");
  }
  if (declared == ZSTD_CONTENTSIZE_UNKNOWN) {
    return Status::Invalid(kErrZstdSizeUnknown, "zstd frame does not declare its size");
  }
  if (declared > max_output) {
    return Status::TooLarge(kErrZstdTooLarge, "zstd frame declares " + std::to_string(declared) +
                                                  " bytes, limit " + std::to_string(max_output));
  }
  std::unique_ptr<ZSTD_DCtx, DCtxFree> ctx(ZSTD_createDCtx());
  if (!ctx) std::abort();
  ZSTD_DCtx_setParameter(ctx.get(), ZSTD_d_windowLogMax, kZstdWindowLogMax);
  Bytes out(static_cast<size_t>(declared));
  const size_t n =
      ZSTD_decompressDCtx(ctx.get(), out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(n)) {
    if (ZSTD_getErrorCode(n) == ZSTD_error_frameParameter_windowTooLarge) {
      return Status::Invalid(kErrZstdWindow, "zstd window larger than allowed");
    }
    return Status::Invalid(kErrZstdCorrupt, std::string("zstd: ") + ZSTD_getErrorName(n));
  }
  if (n != out.size()) {
    return Status::Invalid(kErrZstdSizeMismatch,
                           "zstd frame output differs from its declared size");
  }
  return out;
}

}  // namespace gongkai
