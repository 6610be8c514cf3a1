// Enrolment request: what a new node hands the county office to be enrolled offline.
//
// The node makes its key locally and writes a request naming its public key, the region it
// asks to serve and a name for people; it signs the request with that key, which proves
// that whoever made the request holds the secret key (proof of possession). The county
// checks the request, chooses the role, and signs a certificate (certificate.h). The
// request carries no secret and grants nothing by itself; the county office decides.
//
// Canonical binary record, integers big-endian; exactly one encoding per value:
//   offset  size        field
//   0       4           magic "GKRQ"
//   4       1           version = 1
//   5       32          node public key (Ed25519)
//   37      1 + n       region: u8 length n, ASCII digits (6, 9 or 12; region.h rules)
//           2 + n       name: u16 length n, 1 <= n <= kMaxCertificateNameSize, UTF-8, no NUL
//           8           created at: u64 milliseconds since the Unix epoch, the node's wall
//                       clock; informational only (shown to the county office, never judged)
//           64          signature by the node key over all bytes before it
// The smallest encoding is 119 bytes (6-digit region, 1-byte name), the largest
// kMaxEnrolmentRequestSize = 324 bytes.
//
// Thread-safety: pure functions and values.
#ifndef GONGKAI_PROTOCOL_ENROLMENT_REQUEST_H_
#define GONGKAI_PROTOCOL_ENROLMENT_REQUEST_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/bytes.h"
#include "protocol/certificate.h"
#include "protocol/keys.h"
#include "protocol/region.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kEnrolmentRequestMagic[] = "GKRQ";  // 4 bytes on the wire, no NUL
inline constexpr uint8_t kEnrolmentRequestVersion = 1;
// The name becomes the certificate's name, so it has the certificate's limit.
inline constexpr size_t kMaxEnrolmentNameSize = kMaxCertificateNameSize;
inline constexpr size_t kEnrolmentRequestRegionOffset = kMagicSize + 1 + kPublicKeySize;  // 37
inline constexpr size_t kMinEnrolmentRequestSize =
    kEnrolmentRequestRegionOffset + 1 + kCountyCodeLength + 2 + 1 + 8 + kSignatureSize;  // 119
inline constexpr size_t kMaxEnrolmentRequestSize = kEnrolmentRequestRegionOffset + 1 +
                                                   kVillageCodeLength + 2 + kMaxEnrolmentNameSize +
                                                   8 + kSignatureSize;

// Error codes, in the order OpenEnrolmentRequest checks.
inline constexpr char kErrRequestTooLarge[] = "enrolment_request.too_large";
inline constexpr char kErrRequestTruncated[] = "enrolment_request.truncated";
inline constexpr char kErrRequestMagic[] = "enrolment_request.magic";
inline constexpr char kErrRequestVersion[] = "enrolment_request.version";
inline constexpr char kErrRequestNameTooLarge[] = "enrolment_request.name_too_large";
inline constexpr char kErrRequestTrailing[] = "enrolment_request.trailing";
inline constexpr char kErrRequestRegion[] = "enrolment_request.region";  // not a region code
inline constexpr char kErrRequestNameEmpty[] = "enrolment_request.name_empty";
inline constexpr char kErrRequestNameUtf8[] = "enrolment_request.name_utf8";
inline constexpr char kErrRequestSignature[] = "enrolment_request.signature";

struct EnrolmentRequest {
  PublicKey node_key{};
  std::string region;  // passes ValidateRegion
  std::string name;    // non-empty UTF-8, at most kMaxEnrolmentNameSize bytes
  uint64_t created_at_ms = 0;
  Signature signature{};  // set by OpenEnrolmentRequest

  NodeId node_id() const { return NodeIdOf(node_key); }
};

// The field checks that MakeEnrolmentRequest and OpenEnrolmentRequest share: region
// (kErrRequestRegion, the message naming the region.* rule), then the name
// (kErrRequestNameEmpty, kErrRequestNameTooLarge, kErrRequestNameUtf8).
Status CheckEnrolmentFields(std::string_view region, std::string_view name);

// The signed request of `key` for `region` and `name`, created at `created_at_ms`.
// Errors: those of CheckEnrolmentFields.
Result<Bytes> MakeEnrolmentRequest(const SecretKey& key, std::string_view region,
                                   std::string_view name, uint64_t created_at_ms);

// Decodes and verifies a request, cheapest first: size (kErrRequestTooLarge, before
// anything is read), structure (kErrRequestTruncated for any short field, kErrRequestMagic,
// kErrRequestVersion, kErrRequestNameTooLarge from the declared length,
// kErrRequestTrailing), the field checks of CheckEnrolmentFields, then the signature under
// the request's own key (kErrRequestSignature, kind kDenied). The result borrows nothing.
Result<EnrolmentRequest> OpenEnrolmentRequest(ByteView bytes);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_ENROLMENT_REQUEST_H_
