// Pinned TLS fingerprints (node/exchange/tls_pin.h) and https in HubClient (node/exchange/hub_client.h).
#include "node/exchange/tls_pin.h"

#include <doctest/doctest.h>

#include <fstream>

#include "node/exchange/hub_client.h"
#include "protocol/temp_dir.h"

namespace gongkai::testing {
namespace {

// A self-signed P-256 certificate made by `openssl req -x509`; its fingerprint as
// `openssl x509 -noout -fingerprint -sha256` prints it.
constexpr char kPem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBdjCCARugAwIBAgIUTldwBLXj+txPhAoD/qtAXPT5qXAwCgYIKoZIzj0EAwIw\n"
    "EDEOMAwGA1UEAwwFZml4ZWQwHhcNMjYxMTIxMTQxMjA1WhcNMjYxMTIyMTQxMjA1\n"
    "WjAQMQ4wDAYDVQQDDAVmaXhlZDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKJ7\n"
    "D8ac3I0sPRcwI7DsvSIPbg2+MO2peBariZNr88wHi5TnhBxluCdEFaEg3sVhxseb\n"
    "Y4VTHTshgs8t5mnARwajUzBRMB0GA1UdDgQWBBQpTQMRUY+Gj0xtcteBhJnSKRxu\n"
    "QDAfBgNVHSMEGDAWgBQpTQMRUY+Gj0xtcteBhJnSKRxuQDAPBgNVHRMBAf8EBTAD\n"
    "AQH/MAoGCCqGSM49BAMCA0kAMEYCIQD8sVmM5uSQ07HwOc88TEMWebFLvWPYs5sI\n"
    "MH9YwHOuAAIhAOEWTg6EqUsQ72qrNbif0kYXRspB2EXmItH8MXBnAgPz\n"
    "-----END CERTIFICATE-----\n";
constexpr char kOpensslFingerprint[] =
    "4B:64:32:59:07:21:DE:6F:85:9E:E1:E2:D8:DC:15:51:35:B7:3A:59:A6:71:6C:FD:20:DE:FB:B6:B3:A2:C0:"
    "AE";
constexpr char kFingerprint[] = "4b6432590721de6f859ee1e2d8dc155135b73a59a6716cfd20defbb6b3a2c0ae";

TEST_CASE("a PEM certificate's fingerprint is openssl's") {
  TempDir dir;
  const std::string path = dir.File("hub.crt");
  std::ofstream(path) << kPem;
  Result<std::string> fingerprint = PemCertificateFingerprint(path);
  REQUIRE(fingerprint.ok());
  CHECK(*fingerprint == kFingerprint);
  CHECK(*ParseTlsFingerprint(kOpensslFingerprint) == kFingerprint);

  std::ofstream(dir.File("empty.crt")) << "no certificate here\n";
  CHECK(PemCertificateFingerprint(dir.File("empty.crt")).status().code() == kErrTlsCertificate);
  CHECK(PemCertificateFingerprint(dir.File("missing.crt")).status().code() == kErrTlsCertificate);
}

TEST_CASE("fingerprint text: case, colons and spaces are forgiven; anything else is refused") {
  CHECK(*ParseTlsFingerprint(std::string(kFingerprint)) == kFingerprint);
  CHECK(
      *ParseTlsFingerprint("4B64 3259 0721 DE6F 859E E1E2 D8DC 1551 35B7 3A59 A671 6CFD 20DE FBB6 "
                           "B3A2 C0AE") == kFingerprint);
  const std::string digits(kFingerprint);
  CHECK(ParseTlsFingerprint(digits.substr(0, 63)).status().code() == kErrTlsFingerprint);
  CHECK(ParseTlsFingerprint(digits + "0").status().code() == kErrTlsFingerprint);
  CHECK(ParseTlsFingerprint("sha256:" + digits).status().code() == kErrTlsFingerprint);
  CHECK(ParseTlsFingerprint("").status().code() == kErrTlsFingerprint);
}

TEST_CASE("HubClient: https needs a pin, and the URL its scheme") {
  SecretKey key = SecretKey::Generate();
  CHECK(HubClient::Create("https://127.0.0.1:8440", key).status().code() == kErrSyncTlsUnpinned);
  CHECK(HubClient::Create("https://127.0.0.1:8440", key, {}, {}, "12").status().code() ==
        kErrTlsFingerprint);
  CHECK(HubClient::Create("https://127.0.0.1:8440", key, {}, {}, kFingerprint).ok());
  CHECK(HubClient::Create("http://127.0.0.1:8440", key).ok());
  CHECK(HubClient::Create("ftp://127.0.0.1:8440", key).status().code() == kErrSyncUrl);
  CHECK(HubClient::Create("https://127.0.0.1:8440/v1", key, {}, {}, kFingerprint).status().code() ==
        kErrSyncUrl);
}

}  // namespace
}  // namespace gongkai::testing
