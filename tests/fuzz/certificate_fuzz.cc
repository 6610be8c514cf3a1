// OpenCertificate and OpenRevocation over arbitrary bytes, against a fixed root key
// (seed 32 x 0x01, the key of the fixed vectors in tests/protocol/certificate_test.cc).
#include <cstddef>
#include <cstdint>

#include "protocol/certificate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const gongkai::PublicKey kRoot =
      gongkai::SecretKey::FromSeed(gongkai::Bytes(gongkai::kSeedSize, 1))->public_key();
  const gongkai::ByteView bytes(data, size);
  gongkai::Result<gongkai::Certificate> cert = gongkai::OpenCertificate(bytes, kRoot);
  if (cert.ok() && !gongkai::ValidateRegionForRole(cert->region, cert->role).ok()) {
    __builtin_trap();  // an opened certificate always has a region fitting its role
  }
  (void)gongkai::OpenRevocation(bytes, kRoot).ok();
  return 0;
}
