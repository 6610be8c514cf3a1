// Bounded zstd: the compression of envelope payloads (changesets).
//
// Compress writes a single zstd frame that declares its content size. Decompress refuses:
// a frame larger than its input limit, a frame that does not declare its content size, a
// declared size above `max_output`, a frame whose real output differs from what it declared,
// a window larger than 2^kZstdWindowLogMax, trailing bytes after the frame, and corrupt data.
// Memory used while decompressing is bounded by max_output plus the window limit.
// Thread-safe: every call uses its own zstd contexts.
#ifndef GONGKAI_PROTOCOL_COMPRESS_H_
#define GONGKAI_PROTOCOL_COMPRESS_H_

#include <cstddef>

#include "protocol/bytes.h"
#include "protocol/status.h"

namespace gongkai {

// The most a payload may decompress to (a changeset).
inline constexpr size_t kMaxDecompressedSize = size_t{64} << 20;  // 64 MiB
// Largest zstd window a frame may ask for: 2^23 = 8 MiB.
inline constexpr int kZstdWindowLogMax = 23;

// Error codes.
inline constexpr char kErrZstdCorrupt[] = "zstd.corrupt";
inline constexpr char kErrZstdSizeUnknown[] = "zstd.size_unknown";
inline constexpr char kErrZstdTooLarge[] = "zstd.too_large";
inline constexpr char kErrZstdSizeMismatch[] = "zstd.size_mismatch";
inline constexpr char kErrZstdWindow[] = "zstd.window";
inline constexpr char kErrZstdTrailing[] = "zstd.trailing";

// One zstd frame with its content size declared, at the level chosen by measurement
// (kZstdLevel, see compress.cc and protocol/README.md).
Bytes Compress(ByteView data);

// The decompressed bytes of exactly one frame, or a refusal (codes above).
Result<Bytes> Decompress(ByteView frame, size_t max_output = kMaxDecompressedSize);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_COMPRESS_H_
