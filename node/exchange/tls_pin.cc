// Pinned TLS certificates (node/exchange/tls_pin.h).
#include "node/exchange/tls_pin.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cctype>
#include <cstdio>
#include <memory>

#include "protocol/bytes.h"

namespace gongkai {

namespace {

struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct FileClose {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

}  // namespace

// The whole chain check, replaced: the leaf's fingerprint decides.
int VerifyPinnedCertificate(X509_STORE_CTX* store, void* arg) {
  TlsPin* pin = static_cast<TlsPin*>(arg);
  X509* leaf = X509_STORE_CTX_get0_cert(store);
  if (leaf == nullptr) return 0;
  pin->seen_ = CertificateFingerprint(leaf);
  if (pin->seen_ != pin->expected_) {
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
  }
  return 1;
}

Result<std::string> ParseTlsFingerprint(std::string_view text) {
  std::string hex;
  for (char c : text) {
    if (c == ':' || c == ' ') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return Status::Invalid(kErrTlsFingerprint,
                             "TLS 证书指纹只含十六进制数字，不能有“" + std::string(1, c) + "”");
    }
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() != kTlsFingerprintHexDigits) {
    return Status::Invalid(kErrTlsFingerprint, "TLS 证书指纹应为 64 位十六进制数字，而这里有 " +
                                                   std::to_string(hex.size()) + " 位");
  }
  return hex;
}

std::string CertificateFingerprint(X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &length) != 1) return "";
  return HexEncode(ByteView(digest, length));
}

Result<std::string> PemCertificateFingerprint(const std::string& path) {
  std::unique_ptr<std::FILE, FileClose> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    return Status::IoError(kErrTlsCertificate, "无法读取 TLS 证书文件 " + path);
  }
  std::unique_ptr<X509, X509Free> cert(PEM_read_X509(file.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    return Status::Invalid(kErrTlsCertificate, path + " 中没有 PEM 格式的证书");
  }
  return CertificateFingerprint(cert.get());
}

void InstallTlsPin(SSL_CTX* ctx, TlsPin* pin) {
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_cert_verify_callback(ctx, VerifyPinnedCertificate, pin);
}

}  // namespace gongkai
