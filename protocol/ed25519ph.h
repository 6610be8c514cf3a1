// Ed25519ph (RFC 8032 §5.1, HashEdDSA with SHA-512 and an empty context), streamed through
// libsodium's crypto_sign_init / crypto_sign_update / crypto_sign_final_create /
// crypto_sign_final_verify.
//
// Why: a bundle may be up to a gigabyte, and pure Ed25519 hashes its message twice, so a
// verifier would have to hold the whole file. Ed25519ph hashes the message once, so a reader
// verifies a bundle in one pass with bounded memory. It is a different signature scheme from
// the pure Ed25519 of envelopes: a signature made by one never verifies under the other.
//
// Thread-safety: one owner at a time. Not copyable in a meaningful way; movable.
#ifndef GONGKAI_PROTOCOL_ED25519PH_H_
#define GONGKAI_PROTOCOL_ED25519PH_H_

#include <sodium.h>

#include "protocol/bytes.h"
#include "protocol/keys.h"

namespace gongkai {

class Ed25519phStream {
 public:
  Ed25519phStream();
  void Update(ByteView data);
  // The signature of everything passed to Update. The stream must not be used afterwards.
  Signature Sign(const SecretKey& key);
  // True when `signature` is key's Ed25519ph signature of everything passed to Update.
  // The stream must not be used afterwards.
  bool Verify(const PublicKey& key, const Signature& signature);

 private:
  crypto_sign_state state_;
};

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_ED25519PH_H_
