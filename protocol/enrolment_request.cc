#include "protocol/enrolment_request.h"

#include "protocol/utf8.h"

namespace gongkai {

Status CheckEnrolmentFields(std::string_view region, std::string_view name) {
  if (Status s = ValidateRegion(region); !s.ok()) {
    return Status::Invalid(kErrRequestRegion,
                           "enrolment request region: " + s.message() + " (" + s.code() + ")");
  }
  if (name.empty()) {
    return Status::Invalid(kErrRequestNameEmpty, "enrolment request has an empty name");
  }
  if (name.size() > kMaxEnrolmentNameSize) {
    return Status::TooLarge(kErrRequestNameTooLarge,
                            "enrolment request name has " + std::to_string(name.size()) +
                                " bytes, limit " + std::to_string(kMaxEnrolmentNameSize));
  }
  if (!IsValidUtf8(name)) {
    return Status::Invalid(kErrRequestNameUtf8, "enrolment request name is not valid UTF-8");
  }
  return Status::Ok();
}

Result<Bytes> MakeEnrolmentRequest(const SecretKey& key, std::string_view region,
                                   std::string_view name, uint64_t created_at_ms) {
  GK_RETURN_IF_ERROR(CheckEnrolmentFields(region, name));
  ByteWriter w;
  w.Raw(std::string_view(kEnrolmentRequestMagic, kMagicSize));
  w.U8(kEnrolmentRequestVersion);
  w.Raw(key.public_key());
  w.String8(region);
  w.String16(name);
  w.U64(created_at_ms);
  const Signature sig = key.Sign(w.bytes());
  w.Raw(sig);
  return w.Take();
}

Result<EnrolmentRequest> OpenEnrolmentRequest(ByteView bytes) {
  if (bytes.size() > kMaxEnrolmentRequestSize) {
    return Status::TooLarge(kErrRequestTooLarge,
                            "enrolment request has " + std::to_string(bytes.size()) +
                                " bytes, limit " + std::to_string(kMaxEnrolmentRequestSize));
  }
  ByteReader r(bytes, kErrRequestTruncated);
  GK_ASSIGN_OR_RETURN(ByteView magic, r.Raw(kMagicSize, "magic"));
  if (AsChars(magic) != std::string_view(kEnrolmentRequestMagic, kMagicSize)) {
    return Status::Invalid(kErrRequestMagic, "not an enrolment request (magic is not GKRQ)");
  }
  GK_ASSIGN_OR_RETURN(uint8_t version, r.U8("version"));
  if (version != kEnrolmentRequestVersion) {
    return Status::Invalid(kErrRequestVersion,
                           "enrolment request version " + std::to_string(version) + " is not 1");
  }
  EnrolmentRequest request;
  GK_ASSIGN_OR_RETURN(request.node_key, r.Fixed<kPublicKeySize>("node public key"));
  GK_ASSIGN_OR_RETURN(ByteView region, r.Bytes8("region"));
  request.region = std::string(AsChars(region));
  GK_ASSIGN_OR_RETURN(ByteView name,
                      r.Bytes16("name", kMaxEnrolmentNameSize, kErrRequestNameTooLarge));
  request.name = std::string(AsChars(name));
  GK_ASSIGN_OR_RETURN(request.created_at_ms, r.U64("created at"));
  const size_t signed_size = r.position();
  GK_ASSIGN_OR_RETURN(request.signature, r.Fixed<kSignatureSize>("signature"));
  if (!r.at_end()) {
    return Status::Invalid(
        kErrRequestTrailing,
        "enrolment request has " + std::to_string(r.remaining()) + " bytes after the signature");
  }
  GK_RETURN_IF_ERROR(CheckEnrolmentFields(request.region, request.name));
  if (!VerifySignature(request.node_key, bytes.first(signed_size), request.signature)) {
    return Status::Denied(
        kErrRequestSignature,
        "enrolment request of " + NodeIdHex(request.node_id()) + ": signature does not verify");
  }
  return request;
}

}  // namespace gongkai
