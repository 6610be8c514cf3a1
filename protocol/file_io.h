// Whole-file reads and writes for small critical files (key files, bundles, certificates).
//
// WriteFileAtomically leaves either the old file or the complete new one at `path`, even if
// the process or the machine dies part-way: it writes a temporary file in the same folder,
// flushes it to disk (fsync), renames it over `path`, and flushes the folder so the rename
// itself survives a power cut. ReadFileLimited never reads more than its limit, so a file
// from outside cannot make memory grow without bound.
// Thread-safety: no shared state; two writers of the same path leave one of the two files.
#ifndef GONGKAI_PROTOCOL_FILE_IO_H_
#define GONGKAI_PROTOCOL_FILE_IO_H_

#include <sys/types.h>

#include <cstddef>
#include <string>

#include "protocol/bytes.h"
#include "protocol/status.h"

namespace gongkai {

// Error codes.
inline constexpr char kErrFileNotFound[] = "file.not_found";
inline constexpr char kErrFileTooLarge[] = "file.too_large";
inline constexpr char kErrFileIo[] = "file.io";

// Writes `data` to `path` with permission bits `mode` (e.g. 0600 for a key file; the
// process umask does not apply). REQUIRES: the folder of `path` exists and is writable.
// On failure returns kErrFileIo naming the step and errno text, removes the temporary file
// and leaves any previous file at `path` untouched.
Status WriteFileAtomically(const std::string& path, ByteView data, mode_t mode);

// Flushes the content of the existing file at `path` to disk (fsync), for writers that
// stream a large file (a bundle) rather than hand over one buffer. kErrFileIo on failure.
Status FlushFileToDisk(const std::string& path);

// Flushes the folder holding `path` (fsync of the folder), so that a rename or a new entry
// in it survives a power cut. kErrFileIo on failure.
Status FlushFolderOf(const std::string& path);

// The whole content of the regular file at `path`, at most `max` bytes.
// Errors: kErrFileNotFound (no such file), kErrFileTooLarge (longer than `max`, checked
// before reading and again while reading, in case the file grows), kErrFileIo (anything
// else, including a path that is not a regular file).
Result<Bytes> ReadFileLimited(const std::string& path, size_t max);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_FILE_IO_H_
