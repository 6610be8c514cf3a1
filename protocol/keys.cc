#include "protocol/keys.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "protocol/sha256.h"

namespace gongkai {

NodeId NodeIdOf(const PublicKey& key) {
  Hash256 h = Sha256(ByteView(key));
  NodeId id;
  std::copy_n(h.begin(), kNodeIdSize, id.begin());
  return id;
}

SecretKey::SecretKey() {
  EnsureSodium();
  secret_ = static_cast<uint8_t*>(sodium_malloc(crypto_sign_SECRETKEYBYTES));
  if (secret_ == nullptr) std::abort();  // out of memory: nothing sensible to do
}

SecretKey::~SecretKey() {
  if (secret_ != nullptr) sodium_free(secret_);  // sodium_free wipes before freeing
}

SecretKey::SecretKey(SecretKey&& other) noexcept
    : secret_(std::exchange(other.secret_, nullptr)), public_key_(other.public_key_) {}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    if (secret_ != nullptr) sodium_free(secret_);
    secret_ = std::exchange(other.secret_, nullptr);
    public_key_ = other.public_key_;
  }
  return *this;
}

SecretKey SecretKey::Generate() {
  SecretKey key;
  crypto_sign_keypair(key.public_key_.data(), key.secret_);
  return key;
}

Result<SecretKey> SecretKey::FromSeed(ByteView seed) {
  if (seed.size() != kSeedSize) {
    return Status::Invalid("key.seed_size", "an Ed25519 seed is 32 bytes, got " +
                                                std::to_string(seed.size()));
  }
  SecretKey key;
  crypto_sign_seed_keypair(key.public_key_.data(), key.secret_, seed.data());
  return key;
}

ByteView SecretKey::seed() const { return ByteView(secret_, kSeedSize); }

Signature SecretKey::Sign(ByteView message) const {
  Signature sig;
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_);
  return sig;
}

bool VerifySignature(const PublicKey& key, ByteView message, const Signature& signature) {
  EnsureSodium();
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     key.data()) == 0;
}

}  // namespace gongkai
