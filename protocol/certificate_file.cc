#include "protocol/certificate_file.h"

#include <string>

#include "protocol/file_io.h"

namespace gongkai {

namespace {

Result<Certificate> OpenInFile(ByteView body, const PublicKey& root, const char* code,
                               std::string_view which) {
  if (body.size() > kMaxCertificateSize) {
    return Status::TooLarge(kErrCertFileCertificateTooLarge,
                            std::string(which) + " has " + std::to_string(body.size()) +
                                " bytes, limit " + std::to_string(kMaxCertificateSize));
  }
  auto cert = OpenCertificate(body, root);
  if (!cert.ok()) {
    return Status::Denied(code, std::string(which) + " does not open under the root key in the " +
                                    "file: " + cert.status().ToString());
  }
  return std::move(*cert);
}

// The checks shared by making and opening, after the structure.
Result<CertificateFile> CheckContents(const PublicKey& root, ByteView node_body,
                                      ByteView hub_body) {
  CertificateFile file;
  file.root_public_key = root;
  GK_ASSIGN_OR_RETURN(file.node,
                      OpenInFile(node_body, root, kErrCertFileNodeCertificate, "node certificate"));
  GK_ASSIGN_OR_RETURN(file.hub,
                      OpenInFile(hub_body, root, kErrCertFileHubCertificate, "hub certificate"));
  if (file.hub.role != Role::kCounty || file.hub.region != file.hub.county) {
    return Status::Denied(kErrCertFileHubRole,
                          "hub certificate is for " + std::string(RoleWithArticle(file.hub.role)) +
                              " of region " + file.hub.region + ", not the county " +
                              file.hub.county + " itself");
  }
  if (file.node.county != file.hub.county) {
    return Status::Denied(kErrCertFileCountyMismatch,
                          "node certificate is of county " + file.node.county +
                              ", hub certificate of " + file.hub.county);
  }
  file.node_certificate.assign(node_body.begin(), node_body.end());
  file.hub_certificate.assign(hub_body.begin(), hub_body.end());
  return file;
}

}  // namespace

Result<Bytes> MakeCertificateFile(const PublicKey& root_public_key, ByteView node_certificate,
                                  ByteView hub_certificate) {
  GK_RETURN_IF_ERROR(CheckContents(root_public_key, node_certificate, hub_certificate).status());
  ByteWriter w;
  w.Raw(std::string_view(kCertificateFileMagic, kMagicSize));
  w.U8(kCertificateFileVersion);
  w.Raw(root_public_key);
  w.Bytes16(node_certificate);
  w.Bytes16(hub_certificate);
  return w.Take();
}

Result<CertificateFile> OpenCertificateFile(ByteView bytes) {
  if (bytes.size() > kMaxCertificateFileSize) {
    return Status::TooLarge(kErrCertFileTooLarge,
                            "certificate file has " + std::to_string(bytes.size()) +
                                " bytes, limit " + std::to_string(kMaxCertificateFileSize));
  }
  ByteReader r(bytes, kErrCertFileTruncated);
  GK_ASSIGN_OR_RETURN(ByteView magic, r.Raw(kMagicSize, "magic"));
  if (AsChars(magic) != std::string_view(kCertificateFileMagic, kMagicSize)) {
    return Status::Invalid(kErrCertFileMagic, "not a certificate file (magic is not GKCF)");
  }
  GK_ASSIGN_OR_RETURN(uint8_t version, r.U8("version"));
  if (version != kCertificateFileVersion) {
    return Status::Invalid(kErrCertFileVersion,
                           "certificate file version " + std::to_string(version) + " is not 1");
  }
  GK_ASSIGN_OR_RETURN(PublicKey root, r.Fixed<kPublicKeySize>("root public key"));
  GK_ASSIGN_OR_RETURN(ByteView node_body, r.Bytes16("node certificate", kMaxCertificateSize,
                                                    kErrCertFileCertificateTooLarge));
  GK_ASSIGN_OR_RETURN(ByteView hub_body, r.Bytes16("hub certificate", kMaxCertificateSize,
                                                   kErrCertFileCertificateTooLarge));
  if (!r.at_end()) {
    return Status::Invalid(kErrCertFileTrailing, "certificate file has " +
                                                     std::to_string(r.remaining()) +
                                                     " bytes after the hub certificate");
  }
  return CheckContents(root, node_body, hub_body);
}

Result<Bytes> ReadCertificateFile(const std::string& path) {
  return ReadFileLimited(path, kMaxCertificateFileSize + 1);
}

}  // namespace gongkai
