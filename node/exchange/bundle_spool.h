// A bundle read whole and verified, its envelopes staged on local disk.
//
// The bundle contract (protocol/bundle.h) forbids acting on anything in a bundle before its
// signature has been checked at the end of the file, and a bundle may be 1 GiB: more than a
// village PC should hold in memory. BundleSpool::Read therefore reads the bundle once,
// copying each envelope's bytes into an anonymous temporary file (created in `dir` and
// unlinked at once, so nothing is left behind even if the process dies), and returns only
// when the whole bundle has been read and its signature verified. Later reads come from
// that private copy, not from the USB stick, so a stick pulled out or a file changed
// during the import cannot change what was verified.
//
// Memory: 16 bytes per envelope plus one envelope at a time. Disk: the envelopes' bytes.
// Ownership: a BundleSpool owns its file descriptor; move-only. Thread-safety: Envelope()
// uses pread and may run concurrently; nothing else may.
#ifndef GONGKAI_NODE_EXCHANGE_BUNDLE_SPOOL_H_
#define GONGKAI_NODE_EXCHANGE_BUNDLE_SPOOL_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <utility>
#include <vector>

#include "protocol/bundle.h"
#include "protocol/bytes.h"
#include "protocol/have.h"
#include "protocol/status.h"

namespace gongkai {

// A file descriptor, closed when the owner dies.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

class BundleSpool {
 public:
  // Called after each envelope read: (read so far, declared count).
  using Progress = std::function<void(size_t done, size_t total)>;

  // Reads the bundle at `path` completely (BundleReader) and stages its envelopes in `dir`.
  // Errors: bundle.too_large (a file over kMaxBundleSize, before reading), bundle.io (cannot
  // open), every BundleReader code (bundle.truncated, bundle.signature, ...) with the path
  // in the message, exchange.spool (the temporary file cannot be made or written).
  static Result<BundleSpool> Read(const std::filesystem::path& path,
                                  const std::filesystem::path& dir,
                                  const Progress& progress = nullptr);

  BundleSpool(BundleSpool&&) = default;
  BundleSpool& operator=(BundleSpool&&) = default;

  const BundleHeader& header() const { return header_; }
  const HaveSummary& have() const { return have_; }
  // Number of envelopes (header().envelope_count).
  size_t size() const { return entries_.size(); }
  // Size of the bundle file.
  uint64_t file_size() const { return file_size_; }

  // The exact bytes of envelope `index` (0-based, bundle order). REQUIRES: index < size().
  // Errors: exchange.spool.
  Result<Bytes> Envelope(size_t index) const;

 private:
  struct Entry {
    uint64_t offset = 0;
    uint64_t length = 0;
  };
  BundleSpool() = default;

  UniqueFd fd_;
  BundleHeader header_;
  HaveSummary have_;
  std::vector<Entry> entries_;
  uint64_t file_size_ = 0;
};

}  // namespace gongkai

#endif  // GONGKAI_NODE_EXCHANGE_BUNDLE_SPOOL_H_
