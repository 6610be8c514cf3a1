// OpenCertificateFile over arbitrary bytes. Seeds in corpus/certificate_file/ hold
// certificates signed by the root of seed 32 x 0x01 (tests/protocol/certificate_file_test.cc).
#include <cstddef>
#include <cstdint>

#include "protocol/certificate_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const gongkai::ByteView bytes(data, size);
  gongkai::Result<gongkai::CertificateFile> file = gongkai::OpenCertificateFile(bytes);
  if (!file.ok()) return 0;
  // The encoding is canonical: what opens is written back byte for byte.
  gongkai::Result<gongkai::Bytes> again = gongkai::MakeCertificateFile(
      file->root_public_key, file->node_certificate, file->hub_certificate);
  if (!again.ok() || *again != gongkai::Bytes(bytes.begin(), bytes.end())) __builtin_trap();
  return 0;
}
