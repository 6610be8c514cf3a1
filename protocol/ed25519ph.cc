#include "protocol/ed25519ph.h"

#include <cstdlib>
#include <memory>

#include "protocol/sha256.h"

namespace gongkai {
namespace {

// libsodium's final_create wants the 64-byte expanded secret key, which SecretKey keeps
// private; it is rebuilt from the seed into guarded memory and wiped on scope exit.
struct SodiumFree {
  void operator()(unsigned char* p) const { sodium_free(p); }
};
using SecretBuffer = std::unique_ptr<unsigned char, SodiumFree>;

}  // namespace

Ed25519phStream::Ed25519phStream() {
  EnsureSodium();
  crypto_sign_init(&state_);
}

void Ed25519phStream::Update(ByteView data) {
  crypto_sign_update(&state_, data.data(), data.size());
}

Signature Ed25519phStream::Sign(const SecretKey& key) {
  SecretBuffer secret(static_cast<unsigned char*>(sodium_malloc(crypto_sign_SECRETKEYBYTES)));
  if (!secret) std::abort();  // out of memory: nothing sensible to do
  PublicKey public_key;
  crypto_sign_seed_keypair(public_key.data(), secret.get(), key.seed().data());
  Signature sig;
  crypto_sign_final_create(&state_, sig.data(), nullptr, secret.get());
  return sig;
}

bool Ed25519phStream::Verify(const PublicKey& key, const Signature& signature) {
  // final_verify takes a non-const signature pointer but does not write through it.
  Signature copy = signature;
  return crypto_sign_final_verify(&state_, copy.data(), key.data()) == 0;
}

}  // namespace gongkai
