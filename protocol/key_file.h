// A secret key at rest, encrypted under a passphrase: the county root key and node keys.
//
// Argon2id (libsodium crypto_pwhash, ALG_ARGON2ID13, one lane) turns the passphrase and a
// random salt into a 32-byte key; crypto_secretbox (XSalsa20-Poly1305) encrypts the 32-byte
// Ed25519 seed under it with a random nonce. The file records the Argon2id parameters so they
// can be raised later (KeyFileNeedsRehash), and the public key, so the key's identity can be
// shown without the passphrase. Layout, big-endian, fixed size (kKeyFileSize = 175 bytes):
//
//   offset size  field
//        0    5  magic "GKKEY"
//        5    1  format version (kKeyFileVersion = 1)
//        6    1  algorithm (kKeyFileAlgArgon2idSecretbox = 1)
//        7    8  Argon2id opslimit (u64)
//       15    8  Argon2id memlimit in bytes (u64)
//       23   16  salt
//       39   24  nonce
//       63   32  Ed25519 public key
//       95   48  secretbox of the seed: 16-byte Poly1305 tag, then 32 bytes
//      143   32  check: SHA-256 of bytes 0..142
//
// The check is not a secret: it tells a damaged file (kErrKeyFileCorrupt) from a wrong
// passphrase (kErrKeyFileWrongPassphrase) before the costly derivation. Someone who edits
// the file on purpose can recompute it; then an edited salt, nonce, parameter or ciphertext
// fails authentication like a wrong passphrase, and an edited public key is caught because
// it differs from the key the decrypted seed gives.
//
// Secrets in memory: the derived key and the decrypted seed live in sodium_malloc'd memory,
// wiped when freed. Thread-safe: no shared state.
#ifndef GONGKAI_PROTOCOL_KEY_FILE_H_
#define GONGKAI_PROTOCOL_KEY_FILE_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "protocol/bytes.h"
#include "protocol/keys.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kKeyFileMagic[] = "GKKEY";  // 5 bytes, no terminator in the file
inline constexpr size_t kKeyFileMagicSize = 5;
inline constexpr uint8_t kKeyFileVersion = 1;
inline constexpr uint8_t kKeyFileAlgArgon2idSecretbox = 1;
inline constexpr size_t kKeyFileSaltSize = 16;
inline constexpr size_t kKeyFileNonceSize = 24;
inline constexpr size_t kKeyFileBoxSize = 16 + kSeedSize;
inline constexpr size_t kKeyFileCheckSize = 32;
inline constexpr size_t kKeyFileCheckOffset = 143;
inline constexpr size_t kKeyFileSize = kKeyFileCheckOffset + kKeyFileCheckSize;  // 175

using KeyFileSalt = std::array<uint8_t, kKeyFileSaltSize>;
using KeyFileNonce = std::array<uint8_t, kKeyFileNonceSize>;

// Argon2id cost: passes over memory, and memory in bytes.
struct KdfParams {
  uint64_t opslimit;
  uint64_t memlimit;
  bool operator==(const KdfParams&) const = default;
};

// libsodium's presets: INTERACTIVE (2 passes, 64 MiB) and MODERATE (3 passes, 256 MiB).
inline constexpr KdfParams kKdfInteractive = {2, uint64_t{64} << 20};
inline constexpr KdfParams kKdfModerate = {3, uint64_t{256} << 20};
// For new key files: MODERATE. A key file is opened once when a program starts, and the
// key it guards signs for a village or a whole county; the threat is a stolen PC and an
// offline guess at the passphrase, so every guess should cost as much as an office PC can
// spare once (about 1.5 s and 256 MiB on a 2-core machine; see protocol/README.md).
inline constexpr KdfParams kKdfDefault = kKdfModerate;

// Bounds on the parameters of any file we write or open. The minimum is libsodium's; the
// maximum keeps a hostile file from making us allocate or spin without end: 1 GiB is
// libsodium's SENSITIVE preset, and 16 passes four times SENSITIVE's.
inline constexpr uint64_t kKdfMinOpslimit = 1;
inline constexpr uint64_t kKdfMaxOpslimit = 16;
inline constexpr uint64_t kKdfMinMemlimit = 8192;
inline constexpr uint64_t kKdfMaxMemlimit = uint64_t{1} << 30;

// Error codes.
inline constexpr char kErrKeyFileSize[] = "key_file.size";
inline constexpr char kErrKeyFileMagic[] = "key_file.magic";
inline constexpr char kErrKeyFileVersion[] = "key_file.version";
inline constexpr char kErrKeyFileAlgorithm[] = "key_file.algorithm";
inline constexpr char kErrKeyFileCorrupt[] = "key_file.corrupt";
inline constexpr char kErrKeyFileParams[] = "key_file.params";
inline constexpr char kErrKeyFileWrongPassphrase[] = "key_file.wrong_passphrase";
inline constexpr char kErrKeyFileKdf[] = "key_file.kdf";

// OK when both parameters lie within the bounds above; else kErrKeyFileParams.
Status CheckKdfParams(KdfParams params);

// A new key file (kKeyFileSize bytes) for `key` under `passphrase`, with a fresh random salt
// and nonce. Errors: kErrKeyFileParams (params out of bounds), kErrKeyFileKdf (the
// derivation could not get its memory). The caller writes it with WriteFileAtomically
// (file_io.h), mode 0600.
Result<Bytes> SealSecretKey(const SecretKey& key, std::string_view passphrase,
                            KdfParams params = kKdfDefault);

// The secret key in `file`, checked in this order (cheapest first): kErrKeyFileSize
// (shorter than magic and version, or not kKeyFileSize), kErrKeyFileMagic,
// kErrKeyFileVersion, kErrKeyFileAlgorithm, kErrKeyFileCorrupt (check mismatch),
// kErrKeyFileParams, kErrKeyFileKdf, kErrKeyFileWrongPassphrase (kind kDenied: the tag does
// not verify), kErrKeyFileCorrupt (the seed does not give the recorded public key).
Result<SecretKey> OpenSecretKey(ByteView file, std::string_view passphrase);

// The public key recorded in `file`, after every check that needs no passphrase (the same
// errors as OpenSecretKey up to kErrKeyFileParams).
Result<PublicKey> KeyFilePublicKey(ByteView file);

// True when `file` should be sealed again: its parameters are below `wanted` in either
// opslimit or memlimit, or it does not pass the checks of KeyFilePublicKey.
bool KeyFileNeedsRehash(ByteView file, KdfParams wanted);

namespace key_file_internal {
// SealSecretKey with a given salt and nonce, for fixed test vectors only: a salt and nonce
// must otherwise never be chosen, only drawn at random.
Result<Bytes> SealWithSaltAndNonce(const SecretKey& key, std::string_view passphrase,
                                   KdfParams params, const KeyFileSalt& salt,
                                   const KeyFileNonce& nonce);
}  // namespace key_file_internal

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_KEY_FILE_H_
