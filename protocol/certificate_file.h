// Certificate file: what the county office hands back to a node enrolled offline.
//
// It carries the three things a node needs to take part: its own certificate, the county
// root public key (the trust anchor under which it verifies every other certificate), and
// the certificate of the county hub node, so that the node can verify the county's first
// envelope, which brings the certificate rows of everyone else. The root key in the file is
// taken on trust from the hand that carries it; the county office should read its key id
// (NodeIdHex(NodeIdOf(root))) to the clerk, who compares it with what the node shows.
//
// Binary record, integers big-endian; exactly one encoding per value:
//   offset  size        field
//   0       4           magic "GKCF"
//   4       1           version = 1
//   5       32          county root public key (Ed25519)
//   37      2 + n       node certificate: u16 length n <= kMaxCertificateSize (certificate.h)
//           2 + n       county hub certificate: u16 length n <= kMaxCertificateSize
// No signature of its own: both certificates are signed by the root, and a damaged root key
// makes them fail to open. Largest: kMaxCertificateFileSize bytes.
//
// Thread-safety: pure functions and values.
#ifndef GONGKAI_PROTOCOL_CERTIFICATE_FILE_H_
#define GONGKAI_PROTOCOL_CERTIFICATE_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "protocol/bytes.h"
#include "protocol/certificate.h"
#include "protocol/keys.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kCertificateFileMagic[] = "GKCF";  // 4 bytes on the wire, no NUL
inline constexpr uint8_t kCertificateFileVersion = 1;
inline constexpr size_t kMaxCertificateFileSize =
    kMagicSize + 1 + kPublicKeySize + 2 * (2 + kMaxCertificateSize);

// Error codes, in the order OpenCertificateFile checks.
inline constexpr char kErrCertFileTooLarge[] = "certificate_file.too_large";
inline constexpr char kErrCertFileTruncated[] = "certificate_file.truncated";
inline constexpr char kErrCertFileMagic[] = "certificate_file.magic";
inline constexpr char kErrCertFileVersion[] = "certificate_file.version";
// A declared certificate length over kMaxCertificateSize.
inline constexpr char kErrCertFileCertificateTooLarge[] = "certificate_file.certificate_too_large";
inline constexpr char kErrCertFileTrailing[] = "certificate_file.trailing";
// The node's certificate does not open under the root key in the file (kDenied; the message
// names the cert.* code).
inline constexpr char kErrCertFileNodeCertificate[] = "certificate_file.node_certificate";
// The hub's certificate does not open under the root key in the file (kDenied).
inline constexpr char kErrCertFileHubCertificate[] = "certificate_file.hub_certificate";
// The hub's certificate is not role county for its county's own code (kDenied).
inline constexpr char kErrCertFileHubRole[] = "certificate_file.hub_role";
// The two certificates name different counties (kDenied).
inline constexpr char kErrCertFileCountyMismatch[] = "certificate_file.county_mismatch";

struct CertificateFile {
  PublicKey root_public_key{};
  Bytes node_certificate;  // verbatim, as signed by the root
  Certificate node;        // node_certificate, opened
  Bytes hub_certificate;
  Certificate hub;
};

// The file for a node: its certificate and the hub's, both as signed by `root_public_key`'s
// secret key. Refuses, with the codes OpenCertificateFile would use, certificates that would
// not open together (from kErrCertFileCertificateTooLarge on).
Result<Bytes> MakeCertificateFile(const PublicKey& root_public_key, ByteView node_certificate,
                                  ByteView hub_certificate);

// Decodes and checks a certificate file, cheapest first: size (before anything is read),
// structure (kErrCertFileTruncated for any short field, magic, version, each declared
// certificate length, trailing bytes), then the node certificate, the hub certificate, the
// hub's role and region, and that both name one county. The result borrows nothing.
Result<CertificateFile> OpenCertificateFile(ByteView bytes);

// The bytes of the certificate file at `path`, for OpenCertificateFile: at most one byte
// over kMaxCertificateFileSize is read (so that a file just over it is refused
// kErrCertFileTooLarge by OpenCertificateFile); a longer one is file.too_large, and
// ReadFileLimited's other file.* errors.
Result<Bytes> ReadCertificateFile(const std::string& path);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_CERTIFICATE_FILE_H_
