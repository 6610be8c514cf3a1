// The hub's self-signed TLS certificate (hub/server/tls_certificate.h).
#include "hub/server/tls_certificate.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "node/exchange/tls_pin.h"
#include "protocol/temp_dir.h"

namespace gongkai::testing {
namespace {

TEST_CASE("tls init writes a key (0600) and a certificate whose fingerprint it reports") {
  TempDir dir;
  Result<MadeTlsCertificate> made = MakeTlsCertificate(dir.path(), "511304", false);
  INFO(made.status().ToString());
  REQUIRE(made.ok());
  CHECK(made->certificate == dir.path() / "tls.crt");
  CHECK(made->private_key == dir.path() / "tls.key");
  CHECK(*PemCertificateFingerprint(made->certificate.string()) == made->fingerprint);
  struct stat key_stat {};
  REQUIRE(stat(made->private_key.c_str(), &key_stat) == 0);
  CHECK((key_stat.st_mode & 0777) == 0600);

  // Never replaced by accident: every node pinned the old one.
  CHECK(MakeTlsCertificate(dir.path(), "511304", false).status().code() == kErrTlsExists);
  Result<MadeTlsCertificate> again = MakeTlsCertificate(dir.path(), "511304", true);
  REQUIRE(again.ok());
  CHECK(again->fingerprint != made->fingerprint);
  CHECK(*PemCertificateFingerprint(again->certificate.string()) == again->fingerprint);
}

}  // namespace
}  // namespace gongkai::testing
