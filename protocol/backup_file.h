// A backup file: the files of a node's or the hub's home, encrypted under a passphrase.
//
// Argon2id (crypto_pwhash, as protocol/key_file.h) turns the passphrase and a random salt
// into a 32-byte key; crypto_secretstream_xchacha20poly1305 encrypts a stream of entries in
// chunks, so that a database of any size is written and read in bounded memory, a chunk
// moved, dropped or edited fails authentication, and a file cut short is refused (the last
// chunk carries TAG_FINAL). Layout, big-endian:
//
//   offset size  field
//        0    4  magic "GKBK"
//        4    1  format version (kBackupVersion = 1)
//        5    1  kind (BackupKind: 1 node home, 2 hub home)
//        6    8  Argon2id opslimit (u64)
//       14    8  Argon2id memlimit in bytes (u64)
//       22   16  salt
//       38   24  secretstream header
//       62  ...  chunks: u32 length L of the ciphertext (17 ≤ L ≤ kBackupChunkSize + 17), then
//                L bytes; the first chunk's additional data is bytes 0..61, so an edited
//                header fails like a wrong passphrase.
//
// The plaintext stream is a list of entries, each: u16 name length N (1 ≤ N ≤ 255), N bytes
// of name (a plain file name: no '/', not "." or ".."), u32 mode bits (0 .. 0777), u64 data
// length D, D bytes. An entry with N = 0 ends the list; nothing follows it, and the chunk
// holding it is the FINAL one.
//
// Secrets in memory: the derived key lives in sodium_malloc'd memory, wiped when freed.
// Thread-safety: a writer or reader belongs to one thread.
#ifndef GONGKAI_PROTOCOL_BACKUP_FILE_H_
#define GONGKAI_PROTOCOL_BACKUP_FILE_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/bytes.h"
#include "protocol/key_file.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kBackupMagic[] = "GKBK";  // 4 bytes, no terminator in the file
inline constexpr uint8_t kBackupVersion = 1;
inline constexpr size_t kBackupHeaderSize = 62;
inline constexpr size_t kBackupChunkSize = 64 * 1024;  // plaintext bytes per chunk, at most
inline constexpr size_t kBackupMaxNameSize = 255;

enum class BackupKind : uint8_t { kNode = 1, kHub = 2 };

// Error codes.
inline constexpr char kErrBackupFormat[] = "backup.format";          // kInvalid: not a backup
inline constexpr char kErrBackupVersion[] = "backup.version";        // kInvalid: newer format
inline constexpr char kErrBackupPassphrase[] = "backup.passphrase";  // kDenied: wrong or damaged
inline constexpr char kErrBackupDamaged[] = "backup.damaged";        // kInvalid: cut or edited
inline constexpr char kErrBackupIo[] = "backup.io";                  // kIoError

struct BackupEntry {
  std::string name;
  uint32_t mode = 0;
  uint64_t size = 0;
};

// Writes a backup file. Create, Add every entry, Finish; a writer destroyed before Finish
// leaves an unfinished file that every reader refuses (the caller removes it).
class BackupWriter {
 public:
  // Opens `path` for writing (created or truncated, mode 0600) and writes the header.
  // Errors: backup.io, key_file.params, key_file.kdf.
  static Result<BackupWriter> Create(const std::string& path, BackupKind kind,
                                     std::string_view passphrase, KdfParams params);
  BackupWriter(BackupWriter&&) noexcept;
  BackupWriter& operator=(BackupWriter&&) noexcept;
  ~BackupWriter();

  // Adds one entry whose data is read from `source` (size bytes); `progress(done)` after
  // each chunk. Errors: backup.format (a bad name or mode), backup.io.
  Status Add(const BackupEntry& entry, const std::string& source,
             const std::function<void(uint64_t)>& progress = {});
  // Adds one entry from memory.
  Status AddBytes(std::string_view name, uint32_t mode, ByteView data);
  // Writes the end of the list and the FINAL chunk, flushes the file to disk and closes it.
  Status Finish();

 private:
  struct State;
  explicit BackupWriter(std::unique_ptr<State> state);
  Status Write(ByteView bytes);
  Status EmitChunk(bool final);
  std::unique_ptr<State> state_;
};

// Reads a backup file, entry by entry.
class BackupReader {
 public:
  // Opens `path`, checks the header and derives the key. Errors: backup.io, backup.format,
  // backup.version, key_file.params, key_file.kdf, backup.passphrase (the first chunk does
  // not open: a wrong passphrase, or a damaged start of the file).
  static Result<BackupReader> Open(const std::string& path, std::string_view passphrase);
  BackupReader(BackupReader&&) noexcept;
  BackupReader& operator=(BackupReader&&) noexcept;
  ~BackupReader();

  BackupKind kind() const;
  // The next entry's header, or nullopt at the end of the list (after which the file is
  // known complete). Skips what is left of the previous entry's data. Errors:
  // backup.damaged, backup.format, backup.io.
  Result<std::optional<BackupEntry>> Next();
  // Writes the current entry's data to `dest` (created, mode 0600; the caller sets the
  // entry's mode) and flushes it to disk; `progress(done)` after each chunk.
  Status ExtractTo(const std::string& dest, const std::function<void(uint64_t)>& progress = {});
  // The current entry's data in memory. REQUIRES: its size is at most `max` (else
  // backup.format).
  Result<Bytes> ReadAll(size_t max);

 private:
  struct State;
  explicit BackupReader(std::unique_ptr<State> state);
  Status Read(uint8_t* out, size_t size);
  Status NextChunk();
  std::unique_ptr<State> state_;
};

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_BACKUP_FILE_H_
