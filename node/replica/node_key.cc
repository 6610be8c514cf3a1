#include "node/replica/node_key.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <system_error>
#include <utility>

#include "protocol/file_io.h"

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

 private:
  int fd_;
};

// A buffer that has held a seed is wiped however the function leaves.
template <size_t N>
class WipedBuffer {
 public:
  WipedBuffer() = default;
  WipedBuffer(const WipedBuffer&) = delete;
  WipedBuffer& operator=(const WipedBuffer&) = delete;
  ~WipedBuffer() { sodium_memzero(bytes_.data(), bytes_.size()); }
  uint8_t* data() { return bytes_.data(); }
  std::array<uint8_t, N>& bytes() { return bytes_; }

 private:
  std::array<uint8_t, N> bytes_{};
};

constexpr size_t kSeedOffset = kNodeKeyMagicSize + 1;
constexpr size_t kPublicKeyOffset = kSeedOffset + kSeedSize;

Status Io(std::string_view step, const std::filesystem::path& path, int err) {
  return Status::IoError(kErrNodeKeyIo, "节点密钥文件 " + path.string() + ": " + std::string(step) +
                                            " 失败: " + ::strerror(err));
}

Status Exists(const std::filesystem::path& path) {
  return Status::Conflict(kErrNodeKeyExists,
                          "节点密钥文件 " + path.string() + " 已存在; 为免丢失本节点身份, 不覆盖");
}

std::string Octal(unsigned mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode & 07777);
  return text;
}

Status SyncFolder(const std::filesystem::path& path) {
  std::filesystem::path folder = path.parent_path();
  if (folder.empty()) folder = ".";
  Fd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return Io("打开所在目录", path, errno);
  if (::fsync(dir.get()) != 0) return Io("同步所在目录", path, errno);
  return Status::Ok();
}

}  // namespace

bool NodeKeyExists(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::symlink_status(path, ec).type() != std::filesystem::file_type::not_found;
}

Status SaveNodeKey(const std::filesystem::path& path, const SecretKey& key) {
  if (NodeKeyExists(path)) return Exists(path);
  WipedBuffer<kNodeKeyFileSize> file;
  std::array<uint8_t, kNodeKeyFileSize>& bytes = file.bytes();
  std::copy_n(kNodeKeyMagic, kNodeKeyMagicSize, bytes.begin());
  bytes[kNodeKeyMagicSize] = kNodeKeyVersion;
  std::copy_n(key.seed().begin(), kSeedSize, bytes.begin() + kSeedOffset);
  std::copy_n(key.public_key().begin(), kPublicKeySize, bytes.begin() + kPublicKeyOffset);

  // Written complete under a private name first, then linked to its own name: link() never
  // replaces an existing file, so a key that appeared meanwhile is not lost either.
  const std::string staged = path.string() + ".new-" + std::to_string(::getpid());
  if (Status s = WriteFileAtomically(staged, bytes, kNodeKeyMode); !s.ok()) {
    return Status::IoError(kErrNodeKeyIo, "节点密钥文件 " + path.string() + ": " + s.message());
  }
  const int linked = ::link(staged.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(staged.c_str());
  if (linked != 0) {
    if (link_errno == EEXIST) return Exists(path);
    return Io("建立文件", path, link_errno);
  }
  return SyncFolder(path);
}

Result<SecretKey> LoadNodeKey(const std::filesystem::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) {
      return Status::NotFound(kErrNodeKeyNotFound, "没有节点密钥文件 " + path.string());
    }
    return Io("打开", path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Io("读取属性", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return Status::IoError(kErrNodeKeyIo, "节点密钥 " + path.string() + " 不是普通文件");
  }
  if ((st.st_mode & kNodeKeyForbiddenBits) != 0) {
    return Status::Denied(kErrNodeKeyPermissions,
                          "节点密钥文件 " + path.string() + " 的权限为 " + Octal(st.st_mode) +
                              ", 同组或其他用户也能访问; 请执行 chmod 600 " + path.string() +
                              " 后重试 (若怀疑密钥已泄露, 请报县级吊销)");
  }
  // One byte more than the format, to tell a longer file from a complete one.
  WipedBuffer<kNodeKeyFileSize + 1> buffer;
  size_t done = 0;
  while (done < buffer.bytes().size()) {
    const ssize_t n = ::read(fd.get(), buffer.data() + done, buffer.bytes().size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Io("读取", path, errno);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  if (done != kNodeKeyFileSize) {
    return Status::Invalid(
        kErrNodeKeySize,
        "节点密钥文件 " + path.string() + " 长度不对 (应为 " + std::to_string(kNodeKeyFileSize) +
            " 字节" +
            (done > kNodeKeyFileSize ? ", 实际更长)"
                                     : ", 实际 " + std::to_string(done) + " 字节)"));
  }
  const uint8_t* bytes = buffer.data();
  if (std::string_view(reinterpret_cast<const char*>(bytes), kNodeKeyMagicSize) !=
      std::string_view(kNodeKeyMagic, kNodeKeyMagicSize)) {
    return Status::Invalid(kErrNodeKeyMagic,
                           "文件 " + path.string() + " 不是节点密钥文件 (开头不是 GKNK)");
  }
  if (bytes[kNodeKeyMagicSize] != kNodeKeyVersion) {
    return Status::Invalid(kErrNodeKeyVersion, "节点密钥文件 " + path.string() + " 的格式版本为 " +
                                                   std::to_string(bytes[kNodeKeyMagicSize]) +
                                                   ", 本程序只认识版本 1");
  }
  GK_ASSIGN_OR_RETURN(SecretKey key, SecretKey::FromSeed(ByteView(bytes + kSeedOffset, kSeedSize)));
  if (!std::equal(key.public_key().begin(), key.public_key().end(), bytes + kPublicKeyOffset)) {
    return Status::Invalid(kErrNodeKeyMismatch, "节点密钥文件 " + path.string() +
                                                    " 已损坏: 私钥与记录的公钥不符; 请从备份恢复");
  }
  return key;
}

}  // namespace gongkai
