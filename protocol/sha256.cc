#include "protocol/sha256.h"

#include <cstdlib>
#include <mutex>

namespace gongkai {

void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    // sodium_init returns 1 when already initialised and -1 only when no random source
    // exists; nothing in gongkai can work then.
    if (sodium_init() < 0) std::abort();
  });
}

Hash256 Sha256(ByteView data) {
  EnsureSodium();
  Hash256 out;
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

Sha256Stream::Sha256Stream() {
  EnsureSodium();
  crypto_hash_sha256_init(&state_);
}

void Sha256Stream::Update(ByteView data) {
  crypto_hash_sha256_update(&state_, data.data(), data.size());
}

Hash256 Sha256Stream::Finish() {
  Hash256 out;
  crypto_hash_sha256_final(&state_, out.data());
  return out;
}

}  // namespace gongkai
