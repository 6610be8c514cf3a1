#include "protocol/backup_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "protocol/secret_buffer.h"
#include "protocol/sha256.h"

namespace gongkai {

namespace {

using Stream = crypto_secretstream_xchacha20poly1305_state;
constexpr size_t kAbytes = crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr size_t kStreamHeaderSize = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr size_t kSaltSize = 16;
static_assert(kBackupHeaderSize == 4 + 1 + 1 + 8 + 8 + kSaltSize + kStreamHeaderSize);
static_assert(crypto_secretstream_xchacha20poly1305_KEYBYTES == 32);

Status IoFailed(std::string_view what, const std::string& path) {
  return Status::IoError(kErrBackupIo,
                         std::string(what) + " " + path + ": " + std::strerror(errno));
}

void PutU64(uint8_t* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
}
uint64_t GetU64(const uint8_t* in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in[i];
  return v;
}

Status WriteAll(int fd, const uint8_t* data, size_t size, const std::string& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoFailed("写入备份文件失败", path);
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

// Reads exactly `size` bytes; false at a clean end of file before the first byte.
Result<bool> ReadExactly(int fd, uint8_t* out, size_t size, const std::string& path) {
  size_t got = 0;
  while (got < size) {
    ssize_t n = ::read(fd, out + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoFailed("读取备份文件失败", path);
    if (n == 0) {
      if (got == 0) return false;
      return Status::Invalid(kErrBackupDamaged, "备份文件 " + path + " 不完整 (在数据块中间结束)");
    }
    got += static_cast<size_t>(n);
  }
  return true;
}

Status DeriveBackupKey(std::string_view passphrase, const uint8_t* salt, KdfParams params,
                       SecretBuffer& key) {
  GK_RETURN_IF_ERROR(CheckKdfParams(params));
  EnsureSodium();
  if (crypto_pwhash(key.data(), 32, passphrase.data(), passphrase.size(), salt, params.opslimit,
                    static_cast<size_t>(params.memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Unavailable(kErrKeyFileKdf, "口令派生密钥失败: 内存不足 (需要 " +
                                                   std::to_string(params.memlimit >> 20) + " MiB)");
  }
  return Status::Ok();
}

bool ValidName(std::string_view name) {
  return !name.empty() && name.size() <= kBackupMaxNameSize && name != "." && name != ".." &&
         name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos;
}

}  // namespace

// ---- writer ----

struct BackupWriter::State {
  std::string path;
  int fd = -1;
  Stream stream{};
  std::array<uint8_t, kBackupHeaderSize> header{};
  bool first = true;
  Bytes pending;  // plaintext not yet in a chunk, at most kBackupChunkSize
  bool finished = false;
  ~State() {
    if (fd >= 0) ::close(fd);
    sodium_memzero(&stream, sizeof stream);
  }
};

BackupWriter::BackupWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
BackupWriter::BackupWriter(BackupWriter&&) noexcept = default;
BackupWriter& BackupWriter::operator=(BackupWriter&&) noexcept = default;
BackupWriter::~BackupWriter() = default;

Result<BackupWriter> BackupWriter::Create(const std::string& path, BackupKind kind,
                                          std::string_view passphrase, KdfParams params) {
  GK_RETURN_IF_ERROR(CheckKdfParams(params));
  EnsureSodium();
  auto state = std::make_unique<State>();
  state->path = path;
  uint8_t* h = state->header.data();
  std::memcpy(h, kBackupMagic, 4);
  h[4] = kBackupVersion;
  h[5] = static_cast<uint8_t>(kind);
  PutU64(h + 6, params.opslimit);
  PutU64(h + 14, params.memlimit);
  randombytes_buf(h + 22, kSaltSize);
  SecretBuffer key(32);
  GK_RETURN_IF_ERROR(DeriveBackupKey(passphrase, h + 22, params, key));
  crypto_secretstream_xchacha20poly1305_init_push(&state->stream, h + 38, key.data());
  state->fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (state->fd < 0) return IoFailed("无法创建备份文件", path);
  GK_RETURN_IF_ERROR(WriteAll(state->fd, h, kBackupHeaderSize, path));
  state->pending.reserve(kBackupChunkSize);
  return BackupWriter(std::move(state));
}

Status BackupWriter::EmitChunk(bool final) {
  State& s = *state_;
  Bytes out(4 + s.pending.size() + kAbytes);
  unsigned long long length = 0;
  const uint8_t tag = final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                            : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
  crypto_secretstream_xchacha20poly1305_push(&s.stream, out.data() + 4, &length, s.pending.data(),
                                             s.pending.size(), s.first ? s.header.data() : nullptr,
                                             s.first ? kBackupHeaderSize : 0, tag);
  s.first = false;
  const auto n = static_cast<uint32_t>(length);
  out[0] = static_cast<uint8_t>(n >> 24);
  out[1] = static_cast<uint8_t>(n >> 16);
  out[2] = static_cast<uint8_t>(n >> 8);
  out[3] = static_cast<uint8_t>(n);
  sodium_memzero(s.pending.data(), s.pending.size());
  s.pending.clear();
  return WriteAll(s.fd, out.data(), 4 + length, s.path);
}

Status BackupWriter::Write(ByteView bytes) {
  State& s = *state_;
  // A full chunk is sent only when more bytes follow, so that Finish's chunk, the FINAL one,
  // always holds the end of the list.
  while (!bytes.empty()) {
    if (s.pending.size() == kBackupChunkSize) GK_RETURN_IF_ERROR(EmitChunk(false));
    const size_t take = std::min(kBackupChunkSize - s.pending.size(), bytes.size());
    s.pending.insert(s.pending.end(), bytes.begin(), bytes.begin() + take);
    bytes = bytes.subspan(take);
  }
  return Status::Ok();
}

namespace {

Bytes EntryHead(const BackupEntry& entry) {
  Bytes head(2 + entry.name.size() + 4 + 8);
  head[0] = static_cast<uint8_t>(entry.name.size() >> 8);
  head[1] = static_cast<uint8_t>(entry.name.size());
  std::memcpy(head.data() + 2, entry.name.data(), entry.name.size());
  uint8_t* p = head.data() + 2 + entry.name.size();
  p[0] = static_cast<uint8_t>(entry.mode >> 24);
  p[1] = static_cast<uint8_t>(entry.mode >> 16);
  p[2] = static_cast<uint8_t>(entry.mode >> 8);
  p[3] = static_cast<uint8_t>(entry.mode);
  PutU64(p + 4, entry.size);
  return head;
}

Status CheckEntry(std::string_view name, uint32_t mode) {
  if (!ValidName(name)) {
    return Status::Invalid(kErrBackupFormat, "备份条目名不是一个普通文件名: " + std::string(name));
  }
  if (mode > 0777) return Status::Invalid(kErrBackupFormat, "备份条目的权限位无效");
  return Status::Ok();
}

}  // namespace

Status BackupWriter::Add(const BackupEntry& entry, const std::string& source,
                         const std::function<void(uint64_t)>& progress) {
  GK_RETURN_IF_ERROR(CheckEntry(entry.name, entry.mode));
  int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoFailed("无法读取", source);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  GK_RETURN_IF_ERROR(Write(EntryHead(entry)));
  Bytes buffer(kBackupChunkSize);
  uint64_t done = 0;
  while (done < entry.size) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), entry.size - done));
    ssize_t n = ::read(fd, buffer.data(), want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoFailed("读取失败", source);
    if (n == 0) {
      return Status::IoError(kErrBackupIo, source + " 在备份过程中变短了, 备份未完成");
    }
    GK_RETURN_IF_ERROR(Write(ByteView(buffer.data(), static_cast<size_t>(n))));
    done += static_cast<uint64_t>(n);
    if (progress) progress(done);
  }
  sodium_memzero(buffer.data(), buffer.size());
  return Status::Ok();
}

Status BackupWriter::AddBytes(std::string_view name, uint32_t mode, ByteView data) {
  GK_RETURN_IF_ERROR(CheckEntry(name, mode));
  GK_RETURN_IF_ERROR(Write(EntryHead(BackupEntry{std::string(name), mode, data.size()})));
  return Write(data);
}

Status BackupWriter::Finish() {
  State& s = *state_;
  const uint8_t end[2] = {0, 0};
  GK_RETURN_IF_ERROR(Write(ByteView(end, 2)));
  GK_RETURN_IF_ERROR(EmitChunk(true));
  if (::fsync(s.fd) != 0) return IoFailed("无法把备份文件写到磁盘", s.path);
  if (::close(s.fd) != 0) {
    s.fd = -1;
    return IoFailed("无法关闭备份文件", s.path);
  }
  s.fd = -1;
  s.finished = true;
  return Status::Ok();
}

// ---- reader ----

struct BackupReader::State {
  std::string path;
  int fd = -1;
  Stream stream{};
  std::array<uint8_t, kBackupHeaderSize> header{};
  BackupKind kind = BackupKind::kNode;
  bool first = true;
  bool final_seen = false;
  Bytes chunk;        // the current chunk's plaintext
  size_t offset = 0;  // read position in chunk
  uint64_t left = 0;  // data bytes of the current entry not yet read
  bool ended = false;
  ~State() {
    if (fd >= 0) ::close(fd);
    sodium_memzero(&stream, sizeof stream);
    if (!chunk.empty()) sodium_memzero(chunk.data(), chunk.size());
  }
};

BackupReader::BackupReader(std::unique_ptr<State> state) : state_(std::move(state)) {}
BackupReader::BackupReader(BackupReader&&) noexcept = default;
BackupReader& BackupReader::operator=(BackupReader&&) noexcept = default;
BackupReader::~BackupReader() = default;

BackupKind BackupReader::kind() const { return state_->kind; }

Result<BackupReader> BackupReader::Open(const std::string& path, std::string_view passphrase) {
  EnsureSodium();
  auto state = std::make_unique<State>();
  state->path = path;
  state->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (state->fd < 0) return IoFailed("无法打开备份文件", path);
  uint8_t* h = state->header.data();
  GK_ASSIGN_OR_RETURN(bool any, ReadExactly(state->fd, h, kBackupHeaderSize, path));
  if (!any || std::memcmp(h, kBackupMagic, 4) != 0) {
    return Status::Invalid(kErrBackupFormat, path + " 不是 gongkai 备份文件");
  }
  if (h[4] != kBackupVersion) {
    return Status::Invalid(kErrBackupVersion, "备份文件 " + path + " 的格式版本为 " +
                                                  std::to_string(h[4]) +
                                                  ", 本程序只认识版本 1; 请用较新版本的程序恢复");
  }
  if (h[5] != static_cast<uint8_t>(BackupKind::kNode) &&
      h[5] != static_cast<uint8_t>(BackupKind::kHub)) {
    return Status::Invalid(kErrBackupFormat, "备份文件 " + path + " 的种类无效");
  }
  state->kind = static_cast<BackupKind>(h[5]);
  const KdfParams params{GetU64(h + 6), GetU64(h + 14)};
  SecretBuffer key(32);
  GK_RETURN_IF_ERROR(DeriveBackupKey(passphrase, h + 22, params, key));
  if (crypto_secretstream_xchacha20poly1305_init_pull(&state->stream, h + 38, key.data()) != 0) {
    return Status::Invalid(kErrBackupFormat, "备份文件 " + path + " 的头部无效");
  }
  BackupReader reader(std::move(state));
  GK_RETURN_IF_ERROR(reader.NextChunk());
  return reader;
}

Status BackupReader::NextChunk() {
  State& s = *state_;
  if (s.final_seen) {
    return Status::Invalid(kErrBackupDamaged,
                           "备份文件 " + s.path + " 的内容在结束标记之后还有数据");
  }
  uint8_t len_bytes[4];
  GK_ASSIGN_OR_RETURN(bool any, ReadExactly(s.fd, len_bytes, 4, s.path));
  if (!any) {
    return Status::Invalid(kErrBackupDamaged,
                           "备份文件 " + s.path + " 不完整 (没有结束标记): 可能复制时被截断");
  }
  const uint32_t length = (uint32_t{len_bytes[0]} << 24) | (uint32_t{len_bytes[1]} << 16) |
                          (uint32_t{len_bytes[2]} << 8) | uint32_t{len_bytes[3]};
  if (length < kAbytes || length > kBackupChunkSize + kAbytes) {
    return Status::Invalid(kErrBackupDamaged, "备份文件 " + s.path + " 已损坏 (数据块长度无效)");
  }
  Bytes cipher(length);
  GK_ASSIGN_OR_RETURN(bool full, ReadExactly(s.fd, cipher.data(), length, s.path));
  if (!full) return Status::Invalid(kErrBackupDamaged, "备份文件 " + s.path + " 不完整");
  if (!s.chunk.empty()) sodium_memzero(s.chunk.data(), s.chunk.size());
  s.chunk.resize(length - kAbytes);
  unsigned long long plain = 0;
  uint8_t tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(
          &s.stream, s.chunk.data(), &plain, &tag, cipher.data(), length,
          s.first ? s.header.data() : nullptr, s.first ? kBackupHeaderSize : 0) != 0) {
    if (s.first) {
      return Status::Denied(kErrBackupPassphrase,
                            "备份口令不对, 或备份文件 " + s.path + " 的开头已损坏");
    }
    return Status::Invalid(kErrBackupDamaged, "备份文件 " + s.path + " 已损坏 (数据块校验失败)");
  }
  s.first = false;
  s.chunk.resize(plain);
  s.offset = 0;
  if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) s.final_seen = true;
  return Status::Ok();
}

Status BackupReader::Read(uint8_t* out, size_t size) {
  State& s = *state_;
  while (size > 0) {
    if (s.offset == s.chunk.size()) GK_RETURN_IF_ERROR(NextChunk());
    const size_t take = std::min(size, s.chunk.size() - s.offset);
    std::memcpy(out, s.chunk.data() + s.offset, take);
    s.offset += take;
    out += take;
    size -= take;
  }
  return Status::Ok();
}

Result<std::optional<BackupEntry>> BackupReader::Next() {
  State& s = *state_;
  if (s.ended) return std::optional<BackupEntry>();
  Bytes skip(std::min<uint64_t>(s.left, kBackupChunkSize));
  while (s.left > 0) {
    const size_t take = static_cast<size_t>(std::min<uint64_t>(s.left, skip.size()));
    GK_RETURN_IF_ERROR(Read(skip.data(), take));
    s.left -= take;
  }
  uint8_t n[2];
  GK_RETURN_IF_ERROR(Read(n, 2));
  const size_t name_size = (size_t{n[0]} << 8) | n[1];
  if (name_size == 0) {
    if (!s.final_seen || s.offset != s.chunk.size()) {
      return Status::Invalid(kErrBackupDamaged, "备份文件 " + s.path + " 的结束标记位置不对");
    }
    s.ended = true;
    return std::optional<BackupEntry>();
  }
  if (name_size > kBackupMaxNameSize) {
    return Status::Invalid(kErrBackupFormat, "备份文件 " + s.path + " 中的条目名过长");
  }
  BackupEntry entry;
  entry.name.resize(name_size);
  GK_RETURN_IF_ERROR(Read(reinterpret_cast<uint8_t*>(entry.name.data()), name_size));
  uint8_t rest[12];
  GK_RETURN_IF_ERROR(Read(rest, 12));
  entry.mode = (uint32_t{rest[0]} << 24) | (uint32_t{rest[1]} << 16) | (uint32_t{rest[2]} << 8) |
               uint32_t{rest[3]};
  entry.size = GetU64(rest + 4);
  GK_RETURN_IF_ERROR(CheckEntry(entry.name, entry.mode));
  s.left = entry.size;
  return std::optional<BackupEntry>(std::move(entry));
}

Status BackupReader::ExtractTo(const std::string& dest,
                               const std::function<void(uint64_t)>& progress) {
  State& s = *state_;
  int fd = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return IoFailed("无法写入", dest);
  struct Closer {
    int fd;
    ~Closer() {
      if (fd >= 0) ::close(fd);
    }
  } closer{fd};
  Bytes buffer(kBackupChunkSize);
  uint64_t done = 0;
  while (s.left > 0) {
    const size_t take = static_cast<size_t>(std::min<uint64_t>(s.left, buffer.size()));
    GK_RETURN_IF_ERROR(Read(buffer.data(), take));
    GK_RETURN_IF_ERROR(WriteAll(fd, buffer.data(), take, dest));
    s.left -= take;
    done += take;
    if (progress) progress(done);
  }
  sodium_memzero(buffer.data(), buffer.size());
  if (::fsync(fd) != 0) return IoFailed("无法写到磁盘", dest);
  closer.fd = -1;
  if (::close(fd) != 0) return IoFailed("无法关闭", dest);
  return Status::Ok();
}

Result<Bytes> BackupReader::ReadAll(size_t max) {
  State& s = *state_;
  if (s.left > max) {
    return Status::Invalid(kErrBackupFormat, "备份文件 " + s.path + " 中的条目过大");
  }
  Bytes out(static_cast<size_t>(s.left));
  GK_RETURN_IF_ERROR(Read(out.data(), out.size()));
  s.left = 0;
  return out;
}

}  // namespace gongkai
