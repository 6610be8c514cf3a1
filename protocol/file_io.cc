#include "protocol/file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <limits>
#include <utility>

namespace gongkai {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Closes now and reports the result: on some file systems close is where a write fails.
  int Close() { return ::close(std::exchange(fd_, -1)); }

 private:
  int fd_;
};

Status IoError(std::string_view step, const std::string& path, int err) {
  return Status::IoError(kErrFileIo, std::string(step) + " " + path + ": " + ::strerror(err));
}

std::string FolderOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status WriteAll(int fd, ByteView data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("write", path, errno);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status WriteAndRename(const std::string& temp, Fd& fd, const std::string& path, ByteView data,
                      mode_t mode) {
  // mkstemp creates 0600; set the wanted bits explicitly so the umask does not apply.
  if (::fchmod(fd.get(), mode) != 0) return IoError("chmod", temp, errno);
  GK_RETURN_IF_ERROR(WriteAll(fd.get(), data, temp));
  if (::fsync(fd.get()) != 0) return IoError("fsync", temp, errno);
  if (fd.Close() != 0) return IoError("close", temp, errno);
  if (::rename(temp.c_str(), path.c_str()) != 0) return IoError("rename to", path, errno);
  return Status::Ok();
}

}  // namespace

Status WriteFileAtomically(const std::string& path, ByteView data, mode_t mode) {
  std::string temp = path + ".tmp-XXXXXX";
  Fd fd(::mkstemp(temp.data()));
  if (!fd.valid()) return IoError("create a temporary file beside", path, errno);
  Status written = WriteAndRename(temp, fd, path, data, mode);
  if (!written.ok()) {
    ::unlink(temp.c_str());
    return written;
  }
  // The rename is only durable once the folder's entry is on disk.
  return FlushFolderOf(path);
}

Status FlushFileToDisk(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return IoError("open", path, errno);
  if (::fsync(fd.get()) != 0) return IoError("fsync", path, errno);
  return Status::Ok();
}

Status FlushFolderOf(const std::string& path) {
  const std::string folder = FolderOf(path);
  Fd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return IoError("open folder", folder, errno);
  if (::fsync(dir.get()) != 0) return IoError("fsync folder", folder, errno);
  return Status::Ok();
}

Result<Bytes> ReadFileLimited(const std::string& path, size_t max) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return Status::NotFound(kErrFileNotFound, "no file " + path);
    return IoError("open", path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoError("stat", path, errno);
  if (!S_ISREG(st.st_mode)) return Status::IoError(kErrFileIo, path + " is not a regular file");
  const auto too_large = [&] {
    return Status::TooLarge(kErrFileTooLarge,
                            path + " is larger than " + std::to_string(max) + " bytes");
  };
  if (static_cast<uint64_t>(st.st_size) > max) return too_large();
  // Read one byte past the limit so that a file that grew since fstat is noticed.
  const size_t cap = max == std::numeric_limits<size_t>::max() ? max : max + 1;
  Bytes out(std::min(static_cast<size_t>(st.st_size) + 1, cap));
  size_t done = 0;
  while (true) {
    if (done == out.size()) {
      if (done > max) return too_large();
      out.resize(std::min(out.size() * 2, cap));
    }
    const ssize_t n = ::read(fd.get(), out.data() + done, out.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("read", path, errno);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  if (done > max) return too_large();
  out.resize(done);
  return out;
}

}  // namespace gongkai
