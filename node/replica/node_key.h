// The node key file: a node's Ed25519 secret key at rest, DIR/node.key (and the hub's own
// key, DIR/hub.key).
//
// A node signs every envelope it writes, and its sync runs unattended (a timer, a USB stick
// plugged in), so its key cannot wait for a passphrase: it is stored in the clear and guarded
// by the file system, as ssh guards ~/.ssh/id_ed25519. The file is written with mode 0600 and
// refused when group or others have any permission on it. A stolen PC means a stolen key:
// the county revokes it (design §5). The county root key, which signs for a whole county and
// is used rarely, is the one stored encrypted (protocol/key_file.h).
//
// Layout, fixed size (kNodeKeyFileSize = 69 bytes):
//   offset  size  field
//   0       4     magic "GKNK"
//   4       1     format version (kNodeKeyVersion = 1)
//   5       32    Ed25519 seed (RFC 8032 private key)
//   37      32    Ed25519 public key of the seed
// The public key is a check: a damaged seed no longer gives it (kErrNodeKeyMismatch).
//
// Secrets in memory: the seed passes through a buffer that is wiped (sodium_memzero) before
// returning; the key itself lives in a SecretKey (sodium_malloc).
// Thread-safety: no shared state.
#ifndef GONGKAI_NODE_REPLICA_NODE_KEY_H_
#define GONGKAI_NODE_REPLICA_NODE_KEY_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "protocol/keys.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kNodeKeyMagic[] = "GKNK";  // 4 bytes in the file, no NUL
inline constexpr size_t kNodeKeyMagicSize = 4;
inline constexpr uint8_t kNodeKeyVersion = 1;
inline constexpr size_t kNodeKeyFileSize = kNodeKeyMagicSize + 1 + kSeedSize + kPublicKeySize;
// Permission bits a node key file is written with, and the bits it must not have.
inline constexpr unsigned kNodeKeyMode = 0600;
inline constexpr unsigned kNodeKeyForbiddenBits = 0077;

// Error codes.
inline constexpr char kErrNodeKeyNotFound[] = "node_key.not_found";       // kNotFound
inline constexpr char kErrNodeKeyExists[] = "node_key.exists";            // kConflict
inline constexpr char kErrNodeKeyIo[] = "node_key.io";                    // kIoError
inline constexpr char kErrNodeKeyPermissions[] = "node_key.permissions";  // kDenied
inline constexpr char kErrNodeKeySize[] = "node_key.size";
inline constexpr char kErrNodeKeyMagic[] = "node_key.magic";
inline constexpr char kErrNodeKeyVersion[] = "node_key.version";
inline constexpr char kErrNodeKeyMismatch[] = "node_key.mismatch";

// Writes `key` to a new file at `path`, mode 0600, atomically: the file appears complete or
// not at all, and is on disk (fsync of the file and its folder) when this returns OK.
// Never replaces a file: anything already at `path` is refused with kErrNodeKeyExists,
// because overwriting a node key loses the node's identity. REQUIRES: the folder exists.
// Errors: kErrNodeKeyExists, kErrNodeKeyIo (with the step and errno text); on error no file
// is left at `path` by this call.
Status SaveNodeKey(const std::filesystem::path& path, const SecretKey& key);

// The key in the file at `path`, checked in this order: kErrNodeKeyNotFound (no file),
// kErrNodeKeyIo (cannot open or read, or not a regular file), kErrNodeKeyPermissions (group
// or others have any permission bit; the message says to run chmod 600), kErrNodeKeySize
// (not kNodeKeyFileSize bytes), kErrNodeKeyMagic, kErrNodeKeyVersion, kErrNodeKeyMismatch
// (the seed does not give the recorded public key).
Result<SecretKey> LoadNodeKey(const std::filesystem::path& path);

// True when something (a file, a folder, a dangling link) is at `path`: SaveNodeKey would
// refuse it.
bool NodeKeyExists(const std::filesystem::path& path);

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_NODE_KEY_H_
