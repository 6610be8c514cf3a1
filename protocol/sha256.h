// SHA-256 (libsodium's crypto_hash_sha256), used for every hash in gongkai so that anyone
// can check them with standard tools (sha256sum, openssl dgst).
#ifndef GONGKAI_PROTOCOL_SHA256_H_
#define GONGKAI_PROTOCOL_SHA256_H_

#include <sodium.h>

#include <array>
#include <cstdint>

#include "protocol/bytes.h"

namespace gongkai {

inline constexpr size_t kHashSize = 32;
using Hash256 = std::array<uint8_t, kHashSize>;

// Initialises libsodium once; safe to call from any thread, any number of times.
// Every entry point of protocol/ that needs libsodium calls it, so callers need not.
void EnsureSodium();

Hash256 Sha256(ByteView data);
inline Hash256 Sha256(std::string_view data) { return Sha256(AsBytes(data)); }

// Incremental SHA-256. Not thread-safe; one owner at a time.
class Sha256Stream {
 public:
  Sha256Stream();
  void Update(ByteView data);
  void Update(std::string_view data) { Update(AsBytes(data)); }
  // Returns the digest; the stream must not be used afterwards.
  Hash256 Finish();

 private:
  crypto_hash_sha256_state state_;
};

inline std::string HashHex(const Hash256& h) { return HexEncode(h); }

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_SHA256_H_
