// The hub's own TLS certificate, for `gongkai-hub serve --tls-cert --tls-key`, made without
// the county having to know openssl: `gongkai-hub tls init`.
//
// MakeTlsCertificate writes, with the OpenSSL library (no openssl program):
//   DIR/tls.key  the private key, ECDSA P-256, PEM (PKCS#8), mode 0600
//   DIR/tls.crt  a self-signed X.509 v3 certificate, PEM, mode 0644: subject CN
//                "gongkai hub <county code>", serial 16 random bytes, valid from one day
//                before now for kTlsCertificateValidDays days, signed with SHA-256
// Nodes do not check its issuer, names or dates: they pin its SHA-256 fingerprint
// (node/exchange/tls_pin.h), which the enrolment token carries. A new certificate therefore needs
// every node to be told the new fingerprint; keep these two files with the hub's backup.
//
// Thread-safety: none needed (no shared state).
#ifndef GONGKAI_HUB_SERVER_TLS_CERTIFICATE_H_
#define GONGKAI_HUB_SERVER_TLS_CERTIFICATE_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "protocol/status.h"

namespace gongkai {

inline constexpr char kTlsCertificateFileName[] = "tls.crt";
inline constexpr char kTlsKeyFileName[] = "tls.key";
inline constexpr int kTlsCertificateValidDays = 3650;

// Error codes.
inline constexpr char kErrTlsExists[] = "tls.exists";  // kConflict: never replaced silently
inline constexpr char kErrTlsMake[] = "tls.make";      // kInternal: OpenSSL failed
inline constexpr char kErrTlsWrite[] = "tls.write";    // kIoError
inline constexpr char kErrTlsRead[] = "tls.read";      // kInvalid: not a PEM certificate

struct MadeTlsCertificate {
  std::filesystem::path certificate;
  std::filesystem::path private_key;
  std::string fingerprint;  // 64 hex digits, node/exchange/tls_pin.h
};

// Writes DIR/tls.key and DIR/tls.crt for county `county_code` into `dir`. Refuses when
// either file exists (kErrTlsExists), unless `replace`. Errors: kErrTlsMake, kErrTlsWrite.
Result<MadeTlsCertificate> MakeTlsCertificate(const std::filesystem::path& dir,
                                              std::string_view county_code, bool replace);

// The end of the validity (notAfter) of the PEM certificate in `path`, in Unix seconds.
// Errors: kErrTlsRead when the file cannot be read or holds no certificate.
Result<int64_t> TlsCertificateNotAfter(const std::filesystem::path& path);

}  // namespace gongkai

#endif  // GONGKAI_HUB_SERVER_TLS_CERTIFICATE_H_
