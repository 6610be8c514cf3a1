// Ed25519 keys (libsodium): generate, sign, verify, and the node id derived from a key.
//
// A SecretKey lives in sodium_malloc'd memory (guard pages, locked against swapping where the
// system allows) and is wiped when destroyed. It is move-only. Storing a secret key at rest,
// encrypted under a passphrase, is key_file.h.
#ifndef GONGKAI_PROTOCOL_KEYS_H_
#define GONGKAI_PROTOCOL_KEYS_H_

#include <array>
#include <cstdint>
#include <string>

#include "protocol/bytes.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr size_t kPublicKeySize = 32;
inline constexpr size_t kSignatureSize = 64;
inline constexpr size_t kSeedSize = 32;
inline constexpr size_t kNodeIdSize = 16;

using PublicKey = std::array<uint8_t, kPublicKeySize>;
using Signature = std::array<uint8_t, kSignatureSize>;

// A node's identity: the first 16 bytes of SHA-256(public key). Written in rows and
// messages as 32 lowercase hex digits (NodeIdHex).
using NodeId = std::array<uint8_t, kNodeIdSize>;
NodeId NodeIdOf(const PublicKey& key);
inline std::string NodeIdHex(const NodeId& id) { return HexEncode(id); }

class SecretKey {
 public:
  // A fresh random key.
  static SecretKey Generate();
  // The key for a 32-byte seed (RFC 8032 private key). Fails on a wrong-sized seed.
  static Result<SecretKey> FromSeed(ByteView seed);

  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey();

  const PublicKey& public_key() const { return public_key_; }
  NodeId node_id() const { return NodeIdOf(public_key_); }
  // The 32-byte seed, for storing encrypted. The view is valid while *this lives.
  ByteView seed() const;

  // Detached Ed25519 signature over `message`. Thread-safe (const).
  Signature Sign(ByteView message) const;

 private:
  SecretKey();
  uint8_t* secret_ = nullptr;  // 64 bytes from sodium_malloc: seed || public key
  PublicKey public_key_{};
};

// True when `signature` is a valid Ed25519 signature of `message` by `key`.
// libsodium rejects non-canonical encodings and small-order points.
bool VerifySignature(const PublicKey& key, ByteView message, const Signature& signature);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_KEYS_H_
