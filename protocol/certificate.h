// Certificates and revocations: the county root's signed statements about node keys.
//
// Both are canonical binary records, signed with Ed25519 by the county root key over every
// byte before the signature. There is exactly one encoding of each value: a decoder refuses
// anything else (unknown version, trailing bytes, lengths over the limits, invalid UTF-8).
// All integers are big-endian. Both records are stored verbatim in the synced tables
// `certificate` and `revocation` (column `body`), so any node can re-verify them offline.
//
// Certificate (version 1):
//   offset  size        field
//   0       4           magic "GKCT"
//   4       1           version = 1
//   5       1 + n       county code: u8 length n = 6, ASCII digits
//           16          root key id: NodeIdOf(root public key)
//           32          subject public key (Ed25519)
//           1           role: 1 village, 2 township, 3 county, 4 auditor
//           1 + n       region: u8 length n (6/9/12 by role), ASCII digits, within the county
//           2 + n       name: u16 length n <= kMaxCertificateNameSize, UTF-8 (no NUL)
//           8           issued HLC (u64)
//           16          serial: random, makes two issues of the same key distinct
//           1 + n       hub TLS fingerprint: u8 length n <= kMaxHubFingerprintSize (may be 0)
//           64          signature by the root over all bytes before it
// The subject's node id is NodeIdOf(subject public key).
//
// Revocation (version 1):
//   0       4           magic "GKRV"
//   4       1           version = 1
//   5       16          subject node id
//   21      1           reason: 1 retired, 2 compromised
//   22      8           revoked HLC (u64)
//   30      2 + n       note: u16 length n <= kMaxRevocationNoteSize, UTF-8 (no NUL)
//           64          signature by the root over all bytes before it
// What a revocation refuses afterwards is decided by the hub and the node, not here.
//
// Thread-safety: pure functions and values.
#ifndef GONGKAI_PROTOCOL_CERTIFICATE_H_
#define GONGKAI_PROTOCOL_CERTIFICATE_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/bytes.h"
#include "protocol/keys.h"
#include "protocol/region.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kCertificateMagic[] = "GKCT";  // 4 bytes on the wire, no NUL
inline constexpr char kRevocationMagic[] = "GKRV";
inline constexpr size_t kMagicSize = 4;
inline constexpr uint8_t kCertificateVersion = 1;
inline constexpr uint8_t kRevocationVersion = 1;
inline constexpr size_t kSerialSize = 16;

// Limits.
inline constexpr size_t kMaxCertificateNameSize = 200;  // bytes of UTF-8 (about 66 汉字)
inline constexpr size_t kMaxHubFingerprintSize = 64;    // room for SHA-512
inline constexpr size_t kMaxRevocationNoteSize = 500;
// The largest well-formed encodings; anything longer is refused before parsing.
inline constexpr size_t kMaxCertificateSize = kMagicSize + 1 + 1 + kCountyCodeLength + kNodeIdSize +
                                              kPublicKeySize + 1 + 1 + kVillageCodeLength + 2 +
                                              kMaxCertificateNameSize + 8 + kSerialSize + 1 +
                                              kMaxHubFingerprintSize + kSignatureSize;
inline constexpr size_t kMaxRevocationSize =
    kMagicSize + 1 + kNodeIdSize + 1 + 8 + 2 + kMaxRevocationNoteSize + kSignatureSize;

// Role bytes on the wire.
inline constexpr uint8_t kRoleByteVillage = 1;
inline constexpr uint8_t kRoleByteTownship = 2;
inline constexpr uint8_t kRoleByteCounty = 3;
inline constexpr uint8_t kRoleByteAuditor = 4;

// Error codes of certificates.
inline constexpr char kErrCertTooLarge[] = "cert.too_large";
inline constexpr char kErrCertTruncated[] = "cert.truncated";
inline constexpr char kErrCertMagic[] = "cert.magic";
inline constexpr char kErrCertVersion[] = "cert.version";
inline constexpr char kErrCertRole[] = "cert.role";
inline constexpr char kErrCertCounty[] = "cert.county";  // not a county code
inline constexpr char kErrCertRegion[] = "cert.region";  // bad or wrong level
inline constexpr char kErrCertOutsideCounty[] = "cert.outside_county";
inline constexpr char kErrCertNameTooLarge[] = "cert.name_too_large";
inline constexpr char kErrCertNameUtf8[] = "cert.name_utf8";
inline constexpr char kErrCertFingerprintTooLarge[] = "cert.fingerprint_too_large";
inline constexpr char kErrCertTrailing[] = "cert.trailing";
inline constexpr char kErrCertRootMismatch[] = "cert.root_mismatch";  // another root's key id
inline constexpr char kErrCertSignature[] = "cert.signature";

// Error codes of revocations.
inline constexpr char kErrRevocationTooLarge[] = "revocation.too_large";
inline constexpr char kErrRevocationTruncated[] = "revocation.truncated";
inline constexpr char kErrRevocationMagic[] = "revocation.magic";
inline constexpr char kErrRevocationVersion[] = "revocation.version";
inline constexpr char kErrRevocationReason[] = "revocation.reason";
inline constexpr char kErrRevocationNoteTooLarge[] = "revocation.note_too_large";
inline constexpr char kErrRevocationNoteUtf8[] = "revocation.note_utf8";
inline constexpr char kErrRevocationTrailing[] = "revocation.trailing";
inline constexpr char kErrRevocationSignature[] = "revocation.signature";

using CertificateSerial = std::array<uint8_t, kSerialSize>;

struct Certificate {
  std::string county;       // 6-digit county code of the issuing root
  NodeId root_key_id{};     // written by SignCertificate from the signing key; read back
  PublicKey subject_key{};  // the enrolled node's key
  Role role = Role::kVillage;
  std::string region;  // fits the role, within `county`
  std::string name;    // e.g. "嘉陵区龙蟠镇石庙村 村委会"
  uint64_t issued_hlc = 0;
  CertificateSerial serial{};  // random (RandomSerial)
  Bytes hub_fingerprint;       // pinned hub TLS certificate fingerprint, may be empty
  Signature signature{};       // set by OpenCertificate

  NodeId subject_id() const { return NodeIdOf(subject_key); }
};

enum class RevocationReason : uint8_t { kRetired = 1, kCompromised = 2 };
// "retired", "compromised" (the text stored in revocation rows).
std::string_view RevocationReasonName(RevocationReason reason);
// The inverse of RevocationReasonName (exact, lowercase); kErrRevocationReason otherwise.
Result<RevocationReason> ParseRevocationReason(std::string_view name);

struct Revocation {
  NodeId subject{};  // node id of the revoked key
  RevocationReason reason = RevocationReason::kRetired;
  uint64_t revoked_hlc = 0;
  std::string note;
  Signature signature{};  // set by OpenRevocation
};

// 16 random bytes from libsodium.
CertificateSerial RandomSerial();

// The signed encoding of `cert` (its root_key_id and signature fields are ignored: the id of
// `root` is written). Refuses, with the same codes OpenCertificate would use, a certificate
// that would not open: bad county, region not fitting the role or outside the county, name
// over the limit or not UTF-8, fingerprint over the limit.
Result<Bytes> SignCertificate(const Certificate& cert, const SecretKey& root);

// Decodes and verifies a certificate, checking cheapest first: size, structure (magic,
// version, every length and limit, role, no trailing bytes), field values (county, region
// for the role and within the county, UTF-8 name), root key id, then the signature.
// Codes: cert.* above. The result borrows nothing from `bytes`.
Result<Certificate> OpenCertificate(ByteView bytes, const PublicKey& root);

// The signed encoding of `revocation` (its signature field is ignored). Refuses a note over
// the limit or not UTF-8, or an unknown reason.
Result<Bytes> SignRevocation(const Revocation& revocation, const SecretKey& root);

// Decodes and verifies a revocation, cheapest first. Codes: revocation.* above.
Result<Revocation> OpenRevocation(ByteView bytes, const PublicKey& root);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_CERTIFICATE_H_
