#include "protocol/certificate.h"

#include <sodium.h>

#include "protocol/sha256.h"
#include "protocol/utf8.h"

namespace gongkai {

namespace {

uint8_t RoleByte(Role role) {
  switch (role) {
    case Role::kVillage:
      return kRoleByteVillage;
    case Role::kTownship:
      return kRoleByteTownship;
    case Role::kCounty:
      return kRoleByteCounty;
    case Role::kAuditor:
      return kRoleByteAuditor;
  }
  return 0;
}

Result<Role> RoleFromByte(uint8_t b) {
  switch (b) {
    case kRoleByteVillage:
      return Role::kVillage;
    case kRoleByteTownship:
      return Role::kTownship;
    case kRoleByteCounty:
      return Role::kCounty;
    case kRoleByteAuditor:
      return Role::kAuditor;
  }
  return Status::Invalid(kErrCertRole, "certificate: unknown role byte " + std::to_string(b));
}

// The checks on field values that both signing and opening apply.
Status CheckCertificateFields(const Certificate& cert) {
  if (Status s = ValidateRegionForRole(cert.county, Role::kCounty); !s.ok()) {
    return Status::Invalid(kErrCertCounty, "certificate county: " + s.message());
  }
  if (Status s = ValidateRegionForRole(cert.region, cert.role); !s.ok()) {
    return Status::Invalid(kErrCertRegion, "certificate region: " + s.message());
  }
  if (!IsWithin(cert.region, cert.county)) {
    return Status::Invalid(kErrCertOutsideCounty, "certificate region " + cert.region +
                                                      " is not within county " + cert.county);
  }
  if (cert.name.size() > kMaxCertificateNameSize) {
    return Status::TooLarge(kErrCertNameTooLarge,
                            "certificate name has " + std::to_string(cert.name.size()) +
                                " bytes, limit " + std::to_string(kMaxCertificateNameSize));
  }
  if (!IsValidUtf8(cert.name)) {
    return Status::Invalid(kErrCertNameUtf8, "certificate name is not valid UTF-8");
  }
  if (cert.hub_fingerprint.size() > kMaxHubFingerprintSize) {
    return Status::TooLarge(kErrCertFingerprintTooLarge,
                            "hub fingerprint has " + std::to_string(cert.hub_fingerprint.size()) +
                                " bytes, limit " + std::to_string(kMaxHubFingerprintSize));
  }
  return Status::Ok();
}

Status CheckNote(std::string_view note) {
  if (note.size() > kMaxRevocationNoteSize) {
    return Status::TooLarge(kErrRevocationNoteTooLarge,
                            "revocation note has " + std::to_string(note.size()) +
                                " bytes, limit " + std::to_string(kMaxRevocationNoteSize));
  }
  if (!IsValidUtf8(note)) {
    return Status::Invalid(kErrRevocationNoteUtf8, "revocation note is not valid UTF-8");
  }
  return Status::Ok();
}

std::string AsString(ByteView v) { return std::string(AsChars(v)); }

}  // namespace

std::string_view RevocationReasonName(RevocationReason reason) {
  return reason == RevocationReason::kCompromised ? "compromised" : "retired";
}

Result<RevocationReason> ParseRevocationReason(std::string_view name) {
  if (name == "retired") return RevocationReason::kRetired;
  if (name == "compromised") return RevocationReason::kCompromised;
  return Status::Invalid(kErrRevocationReason, "revocation reason \"" + std::string(name) +
                                                   "\" is not retired or compromised");
}

CertificateSerial RandomSerial() {
  EnsureSodium();
  CertificateSerial serial{};
  randombytes_buf(serial.data(), serial.size());
  return serial;
}

Result<Bytes> SignCertificate(const Certificate& cert, const SecretKey& root) {
  GK_RETURN_IF_ERROR(CheckCertificateFields(cert));
  ByteWriter w;
  w.Raw(std::string_view(kCertificateMagic, kMagicSize));
  w.U8(kCertificateVersion);
  w.String8(cert.county);
  w.Raw(root.node_id());
  w.Raw(cert.subject_key);
  w.U8(RoleByte(cert.role));
  w.String8(cert.region);
  w.String16(cert.name);
  w.U64(cert.issued_hlc);
  w.Raw(cert.serial);
  w.Bytes8(cert.hub_fingerprint);
  const Signature sig = root.Sign(w.bytes());
  w.Raw(sig);
  return w.Take();
}

Result<Certificate> OpenCertificate(ByteView bytes, const PublicKey& root) {
  if (bytes.size() > kMaxCertificateSize) {
    return Status::TooLarge(kErrCertTooLarge, "certificate has " + std::to_string(bytes.size()) +
                                                  " bytes, limit " +
                                                  std::to_string(kMaxCertificateSize));
  }
  ByteReader r(bytes, kErrCertTruncated);
  GK_ASSIGN_OR_RETURN(ByteView magic, r.Raw(kMagicSize, "magic"));
  if (AsChars(magic) != std::string_view(kCertificateMagic, kMagicSize)) {
    return Status::Invalid(kErrCertMagic, "not a certificate (magic is not GKCT)");
  }
  GK_ASSIGN_OR_RETURN(uint8_t version, r.U8("version"));
  if (version != kCertificateVersion) {
    return Status::Invalid(kErrCertVersion,
                           "certificate version " + std::to_string(version) + " is not 1");
  }
  Certificate cert;
  GK_ASSIGN_OR_RETURN(ByteView county, r.Bytes8("county"));
  cert.county = AsString(county);
  GK_ASSIGN_OR_RETURN(cert.root_key_id, r.Fixed<kNodeIdSize>("root key id"));
  GK_ASSIGN_OR_RETURN(cert.subject_key, r.Fixed<kPublicKeySize>("subject public key"));
  GK_ASSIGN_OR_RETURN(uint8_t role_byte, r.U8("role"));
  GK_ASSIGN_OR_RETURN(cert.role, RoleFromByte(role_byte));
  GK_ASSIGN_OR_RETURN(ByteView region, r.Bytes8("region"));
  cert.region = AsString(region);
  GK_ASSIGN_OR_RETURN(ByteView name,
                      r.Bytes16("name", kMaxCertificateNameSize, kErrCertNameTooLarge));
  cert.name = AsString(name);
  GK_ASSIGN_OR_RETURN(cert.issued_hlc, r.U64("issued hlc"));
  GK_ASSIGN_OR_RETURN(cert.serial, r.Fixed<kSerialSize>("serial"));
  GK_ASSIGN_OR_RETURN(ByteView fingerprint, r.Bytes8("hub fingerprint"));
  if (fingerprint.size() > kMaxHubFingerprintSize) {
    return Status::TooLarge(kErrCertFingerprintTooLarge,
                            "hub fingerprint declares " + std::to_string(fingerprint.size()) +
                                " bytes, limit " + std::to_string(kMaxHubFingerprintSize));
  }
  cert.hub_fingerprint.assign(fingerprint.begin(), fingerprint.end());
  const size_t signed_size = r.position();
  GK_ASSIGN_OR_RETURN(cert.signature, r.Fixed<kSignatureSize>("signature"));
  if (!r.at_end()) {
    return Status::Invalid(kErrCertTrailing, "certificate has " + std::to_string(r.remaining()) +
                                                 " bytes after the signature");
  }
  GK_RETURN_IF_ERROR(CheckCertificateFields(cert));
  if (cert.root_key_id != NodeIdOf(root)) {
    return Status::Denied(kErrCertRootMismatch, "certificate was issued by root " +
                                                    NodeIdHex(cert.root_key_id) + ", not by " +
                                                    NodeIdHex(NodeIdOf(root)));
  }
  if (!VerifySignature(root, bytes.first(signed_size), cert.signature)) {
    return Status::Denied(kErrCertSignature, "certificate for " + NodeIdHex(cert.subject_id()) +
                                                 ": signature does not verify");
  }
  return cert;
}

Result<Bytes> SignRevocation(const Revocation& revocation, const SecretKey& root) {
  if (revocation.reason != RevocationReason::kRetired &&
      revocation.reason != RevocationReason::kCompromised) {
    return Status::Invalid(kErrRevocationReason, "unknown revocation reason");
  }
  GK_RETURN_IF_ERROR(CheckNote(revocation.note));
  ByteWriter w;
  w.Raw(std::string_view(kRevocationMagic, kMagicSize));
  w.U8(kRevocationVersion);
  w.Raw(revocation.subject);
  w.U8(static_cast<uint8_t>(revocation.reason));
  w.U64(revocation.revoked_hlc);
  w.String16(revocation.note);
  const Signature sig = root.Sign(w.bytes());
  w.Raw(sig);
  return w.Take();
}

Result<Revocation> OpenRevocation(ByteView bytes, const PublicKey& root) {
  if (bytes.size() > kMaxRevocationSize) {
    return Status::TooLarge(kErrRevocationTooLarge,
                            "revocation has " + std::to_string(bytes.size()) + " bytes, limit " +
                                std::to_string(kMaxRevocationSize));
  }
  ByteReader r(bytes, kErrRevocationTruncated);
  GK_ASSIGN_OR_RETURN(ByteView magic, r.Raw(kMagicSize, "magic"));
  if (AsChars(magic) != std::string_view(kRevocationMagic, kMagicSize)) {
    return Status::Invalid(kErrRevocationMagic, "not a revocation (magic is not GKRV)");
  }
  GK_ASSIGN_OR_RETURN(uint8_t version, r.U8("version"));
  if (version != kRevocationVersion) {
    return Status::Invalid(kErrRevocationVersion,
                           "revocation version " + std::to_string(version) + " is not 1");
  }
  Revocation rev;
  GK_ASSIGN_OR_RETURN(rev.subject, r.Fixed<kNodeIdSize>("subject node id"));
  GK_ASSIGN_OR_RETURN(uint8_t reason, r.U8("reason"));
  if (reason != static_cast<uint8_t>(RevocationReason::kRetired) &&
      reason != static_cast<uint8_t>(RevocationReason::kCompromised)) {
    return Status::Invalid(kErrRevocationReason,
                           "unknown revocation reason byte " + std::to_string(reason));
  }
  rev.reason = static_cast<RevocationReason>(reason);
  GK_ASSIGN_OR_RETURN(rev.revoked_hlc, r.U64("revoked hlc"));
  GK_ASSIGN_OR_RETURN(ByteView note,
                      r.Bytes16("note", kMaxRevocationNoteSize, kErrRevocationNoteTooLarge));
  rev.note = AsString(note);
  const size_t signed_size = r.position();
  GK_ASSIGN_OR_RETURN(rev.signature, r.Fixed<kSignatureSize>("signature"));
  if (!r.at_end()) {
    return Status::Invalid(
        kErrRevocationTrailing,
        "revocation has " + std::to_string(r.remaining()) + " bytes after the signature");
  }
  GK_RETURN_IF_ERROR(CheckNote(rev.note));
  if (!VerifySignature(root, bytes.first(signed_size), rev.signature)) {
    return Status::Denied(kErrRevocationSignature, "revocation of " + NodeIdHex(rev.subject) +
                                                       ": signature does not verify");
  }
  return rev;
}

}  // namespace gongkai
