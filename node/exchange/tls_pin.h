// The county hub's TLS certificate, pinned by its SHA-256 fingerprint (design §5).
//
// A county hub uses a self-signed certificate (`gongkai-hub tls init`), so a node does not
// ask a certificate authority whether to trust it. The fingerprint, SHA-256 of the
// certificate's DER bytes, reaches the node with its enrolment (the token's QR code, or
// `gongkai init --hub-fingerprint`) and is kept in the setting kSettingHubTlsPin. Over
// https the node accepts exactly the certificate with that fingerprint, whoever signed it,
// whatever names it holds; any other is refused before a request is sent.
//
// Fingerprint text: 64 lowercase hex digits. Read back, case is ignored, as are ':' and
// spaces between the digits (so `openssl x509 -fingerprint -sha256` output pastes too).
//
// Thread-safety: pure functions; a TlsPin is used by one connection at a time.
#ifndef GONGKAI_NODE_EXCHANGE_TLS_PIN_H_
#define GONGKAI_NODE_EXCHANGE_TLS_PIN_H_

#include <openssl/ssl.h>

#include <string>
#include <string_view>

#include "protocol/status.h"

namespace gongkai {

// As typed or as enrolment stored it; `gongkai config set hub-fingerprint` sets it too.
inline constexpr char kSettingHubTlsPin[] = "hub-fingerprint";
inline constexpr size_t kTlsFingerprintHexDigits = 64;

// Error codes.
inline constexpr char kErrTlsFingerprint[] = "tls.fingerprint";     // kInvalid: not 64 hex digits
inline constexpr char kErrTlsCertificate[] = "tls.certificate";     // kInvalid/kIoError: PEM file
inline constexpr char kErrSyncTlsPin[] = "sync.tls_pin";            // kDenied: other certificate
inline constexpr char kErrSyncTlsUnpinned[] = "sync.tls_unpinned";  // kInvalid: https, no pin

// The 64 lowercase hex digits of a fingerprint as a person typed or pasted it;
// kErrTlsFingerprint otherwise.
Result<std::string> ParseTlsFingerprint(std::string_view text);

// SHA-256 of the DER encoding of `cert`, as 64 lowercase hex digits.
std::string CertificateFingerprint(X509* cert);

// The fingerprint of the first certificate in the PEM file `path` (kErrTlsCertificate when
// it cannot be read or holds no certificate).
Result<std::string> PemCertificateFingerprint(const std::string& path);

// What a pinned handshake saw. Install it on a client's SSL_CTX with InstallTlsPin; after a
// failed connection, mismatch() tells a refused certificate from a network failure.
class TlsPin {
 public:
  explicit TlsPin(std::string expected) : expected_(std::move(expected)) {}
  const std::string& expected() const { return expected_; }
  const std::string& seen() const { return seen_; }
  bool mismatch() const { return !seen_.empty() && seen_ != expected_; }
  void Reset() { seen_.clear(); }

 private:
  friend int VerifyPinnedCertificate(X509_STORE_CTX* store, void* arg);
  std::string expected_;
  std::string seen_;
};

// Makes every handshake on `ctx` accept the server's certificate only when its
// fingerprint is `pin`'s, instead of verifying a chain. REQUIRES: pin outlives ctx's use.
void InstallTlsPin(SSL_CTX* ctx, TlsPin* pin);

}  // namespace gongkai

#endif  // GONGKAI_NODE_EXCHANGE_TLS_PIN_H_
