#include "node/exchange/bundle_spool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <system_error>

#include "node/exchange/exchange.h"

namespace gongkai {

namespace {

Status SpoolError(std::string_view step, int err) {
  return Status::IoError(kErrExchangeSpool,
                         "临时文件" + std::string(step) + "失败: " + ::strerror(err));
}

Result<UniqueFd> MakeAnonymousFile(const std::filesystem::path& dir) {
  std::string name = (dir / ".gongkai-bundle-XXXXXX").string();
  const int fd = ::mkstemp(name.data());
  if (fd < 0) return SpoolError("创建 (" + dir.string() + ")", errno);
  UniqueFd owner(fd);
  // Unlinked at once: the space is freed when the descriptor closes, however we stop.
  if (::unlink(name.c_str()) != 0) return SpoolError("删除", errno);
  return owner;
}

Status WriteAll(int fd, ByteView data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return SpoolError("写入", errno);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

Result<BundleSpool> BundleSpool::Read(const std::filesystem::path& path,
                                      const std::filesystem::path& dir, const Progress& progress) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    return Status::IoError(kErrBundleIo, "无法读取 " + path.string() + ": " + ec.message());
  }
  if (size > kMaxBundleSize) {
    return Status::TooLarge(kErrBundleTooLarge, path.string() + ": 文件 " + std::to_string(size) +
                                                    " 字节, 超过上限 " +
                                                    std::to_string(kMaxBundleSize));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return Status::IoError(kErrBundleIo, "无法打开 " + path.string());

  BundleSpool spool;
  GK_ASSIGN_OR_RETURN(spool.fd_, MakeAnonymousFile(dir));
  auto context = [&](const Status& s) { return s.WithContext(path.string()); };
  BundleReader reader(in);
  if (Status s = reader.Open(); !s.ok()) return context(s);
  spool.header_ = reader.header();
  // The count is not verified yet: reserve no more than the file could really hold.
  spool.entries_.reserve(std::min<uint64_t>(spool.header_.envelope_count, size / kMinEnvelopeSize));
  uint64_t offset = 0;
  while (true) {
    auto next = reader.Next();
    if (!next.ok()) return context(next.status());
    if (!*next) break;
    ByteView raw = (*next)->raw();
    GK_RETURN_IF_ERROR(WriteAll(spool.fd_.get(), raw));
    spool.entries_.push_back({offset, raw.size()});
    offset += raw.size();
    if (progress) progress(spool.entries_.size(), spool.header_.envelope_count);
  }
  auto have = reader.Finish();
  if (!have.ok()) return context(have.status());
  spool.have_ = std::move(*have);
  spool.file_size_ = reader.bytes_read();
  return spool;
}

Result<Bytes> BundleSpool::Envelope(size_t index) const {
  const Entry& entry = entries_.at(index);
  Bytes out(entry.length);
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd_.get(), out.data() + done, out.size() - done,
                              static_cast<off_t>(entry.offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return SpoolError("读取", errno);
    }
    if (n == 0) return SpoolError("读取 (文件变短)", EIO);
    done += static_cast<size_t>(n);
  }
  return out;
}

}  // namespace gongkai
