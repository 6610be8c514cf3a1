// The hub's self-signed TLS certificate (hub/server/tls_certificate.h), with OpenSSL 3.
#include "hub/server/tls_certificate.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <cstdio>
#include <ctime>
#include <memory>

#include "node/exchange/tls_pin.h"
#include "protocol/file_io.h"

namespace gongkai {

namespace {

namespace fs = std::filesystem;

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using Bio = std::unique_ptr<BIO, BioFree>;

Status MakeError(std::string_view what) {
  return Status::Internal(kErrTlsMake, "无法生成 TLS 证书：" + std::string(what));
}

// The PEM text a write function puts into a memory BIO.
template <typename Write>
Result<std::string> PemText(Write write) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) return MakeError("PEM 编码失败");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

Status SetSerial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return MakeError("随机数");
  bytes[0] &= 0x7f;  // a positive INTEGER
  std::unique_ptr<BIGNUM, BnFree> bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) == nullptr) {
    return MakeError("序列号");
  }
  return Status::Ok();
}

}  // namespace

Result<MadeTlsCertificate> MakeTlsCertificate(const fs::path& dir, std::string_view county_code,
                                              bool replace) {
  MadeTlsCertificate made{dir / kTlsCertificateFileName, dir / kTlsKeyFileName, ""};
  std::error_code ec;
  if (!replace && (fs::exists(made.certificate, ec) || fs::exists(made.private_key, ec))) {
    return Status::Conflict(kErrTlsExists,
                            made.certificate.string() + " 或 " + made.private_key.string() +
                                " 已存在；换证书后每个节点都要重新记指纹，确要更换请加 --replace");
  }
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
  if (!key) return MakeError("ECDSA 密钥");
  std::unique_ptr<X509, X509Free> cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) return MakeError("X509");
  GK_RETURN_IF_ERROR(SetSerial(cert.get()));
  constexpr long kDaySeconds = 24 * 3600;
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kDaySeconds) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), kTlsCertificateValidDays * kDaySeconds) ==
          nullptr) {
    return MakeError("有效期");
  }
  const std::string common_name = "gongkai hub " + std::string(county_code);
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                 -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key.get()) != 1 ||
      X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return MakeError("签名");
  }
  GK_ASSIGN_OR_RETURN(std::string key_pem, PemText([&](BIO* bio) {
                        return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0,
                                                        nullptr, nullptr);
                      }));
  GK_ASSIGN_OR_RETURN(std::string cert_pem,
                      PemText([&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); }));
  made.fingerprint = CertificateFingerprint(cert.get());
  Status wrote = WriteFileAtomically(made.private_key.string(), AsBytes(key_pem), 0600);
  if (wrote.ok()) wrote = WriteFileAtomically(made.certificate.string(), AsBytes(cert_pem), 0644);
  if (!wrote.ok()) return Status::IoError(kErrTlsWrite, "无法写入 TLS 证书：" + wrote.message());
  return made;
}

Result<int64_t> TlsCertificateNotAfter(const fs::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return Status::Invalid(kErrTlsRead, "TLS 证书 " + path.string() + " 无法打开");
  }
  std::unique_ptr<X509, X509Free> cert(PEM_read_X509(file, nullptr, nullptr, nullptr));
  std::fclose(file);
  std::tm end{};
  if (cert == nullptr || ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &end) != 1) {
    return Status::Invalid(kErrTlsRead, "TLS 证书 " + path.string() + " 无法读取");
  }
  return static_cast<int64_t>(timegm(&end));
}

}  // namespace gongkai
