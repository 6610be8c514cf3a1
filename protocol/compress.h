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

// Compression level of Compress, chosen by measurement on changeset-like data: see the
// table in protocol/README.md ("Bounded zstd"). Frames of any level decompress alike.
inline constexpr int kZstdLevel = 7;

// Error codes.
inline constexpr char kErrZstdCorrupt[] = "zstd.corrupt";
inline constexpr char kErrZstdSizeUnknown[] = "zstd.size_unknown";
inline constexpr char kErrZstdTooLarge[] = "zstd.too_large";
inline constexpr char kErrZstdSizeMismatch[] = "zstd.size_mismatch";
inline constexpr char kErrZstdWindow[] = "zstd.window";
inline constexpr char kErrZstdTrailing[] = "zstd.trailing";

// One zstd frame at kZstdLevel that declares its content size, carries a checksum
// (XXH64, checked by every zstd decoder) and needs a window of at most 2^kZstdWindowLogMax.
// Never fails (aborts only when memory runs out).
Bytes Compress(ByteView data);
// The same at another level (1 to ZSTD_maxCLevel()), for frames nobody rebuilds.
Bytes Compress(ByteView data, int level);

// The decompressed bytes of exactly one frame, or a refusal, checked in this order:
//   kErrZstdTooLarge     the frame is longer than ZSTD_compressBound(max_output);
//   kErrZstdCorrupt      the header is truncated or malformed, is a skippable frame, or needs
//                        a dictionary;
//   kErrZstdSizeUnknown  the header does not declare the content size;
//   kErrZstdTooLarge     it declares more than max_output bytes;
//   kErrZstdWindow       it needs a window above 2^kZstdWindowLogMax;
//   kErrZstdCorrupt      the blocks are truncated (ZSTD_findFrameCompressedSize fails);
//   kErrZstdTrailing     bytes follow the frame (a second frame included);
// and while decoding: kErrZstdCorrupt for data that does not decode or a wrong checksum,
// kErrZstdSizeMismatch when the blocks hold more or fewer bytes than declared (a longer
// frame is stopped one byte past the declared size).
// Allocates the declared size only after the header checks pass.
Result<Bytes> Decompress(ByteView frame, size_t max_output = kMaxDecompressedSize);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_COMPRESS_H_
