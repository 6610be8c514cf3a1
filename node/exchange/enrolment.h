// Offline enrolment, the node's side (design §5): make a key and a request, and later take
// the certificate file the county office hands back.
//
//   1. StartEnrolment(home, region, name, now) makes the node key (DIR/node.key, which
//      never leaves the machine), writes DIR/enrolment.request and returns its bytes; the
//      clerk carries a copy to the county office.
//   2. The county signs a certificate (hub/county/county.h EnrollFromRequest) and writes a
//      certificate file (protocol/certificate_file.h): the node's certificate, the county
//      root public key and the county hub's certificate.
//   3. CompleteEnrolment(home, file) checks the file against the key and the pending
//      request, stores the identity in DIR/replica.db (Replica::SetIdentity) with the hub's
//      certificate as a known certificate (so the county's envelopes verify), and removes
//      DIR/enrolment.request.
// Both steps are safe to repeat: the same arguments give the same result, and a step
// interrupted part-way is finished by running it again.
//
// Files: see node/replica/home.h. Thread-safety: none; one enrolment per home at a time.
#ifndef GONGKAI_NODE_EXCHANGE_ENROLMENT_H_
#define GONGKAI_NODE_EXCHANGE_ENROLMENT_H_

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "node/replica/replica.h"
#include "protocol/bytes.h"
#include "protocol/certificate.h"
#include "protocol/keys.h"
#include "protocol/status.h"

namespace gongkai {

// Error codes.
// The home already holds an enrolled replica, or (CompleteEnrolment) one enrolled with
// another certificate (kConflict).
inline constexpr char kErrEnrolmentAlreadyEnrolled[] = "enrolment.already_enrolled";
// A request for another region or name is pending for this key (kConflict): complete it,
// or remove DIR/enrolment.request to ask again.
inline constexpr char kErrEnrolmentPendingDiffers[] = "enrolment.pending_differs";
// DIR/enrolment.request does not open, or is not for the key in DIR/node.key (kInvalid).
inline constexpr char kErrEnrolmentPendingInvalid[] = "enrolment.pending_invalid";
// CompleteEnrolment in a home without a node key: StartEnrolment was not run (kNotFound).
inline constexpr char kErrEnrolmentNotStarted[] = "enrolment.not_started";
// The certificate is for another node's key (kDenied).
inline constexpr char kErrEnrolmentOtherNode[] = "enrolment.other_node";
// The certificate names another region or name than the pending request (kDenied).
inline constexpr char kErrEnrolmentCertificateDiffers[] = "enrolment.certificate_differs";
// The home cannot be created or used: not a folder, no permission, disk full (kIoError).
inline constexpr char kErrEnrolmentHome[] = "enrolment.home";

// Starts an offline enrolment of the home `home` for `region` under `name`, the request
// stamped with the wall time `now_ms` (informational). Creates `home` (mode 0700) if
// missing. In order:
//   - region and name are checked first (enrolment_request.region, .name_*);
//   - a home whose replica has an identity is refused (kErrEnrolmentAlreadyEnrolled);
//   - with a node key and a pending request: the same region and name return the pending
//     request's bytes unchanged; others are refused (kErrEnrolmentPendingDiffers); a
//     request that does not open or is another key's is kErrEnrolmentPendingInvalid;
//   - with a node key and no request (a run stopped between the two files): a request is
//     made for that key;
//   - otherwise a new key is made and saved (node_key.h), replacing any request left
//     without its key (useless: nobody can complete it).
// The request is written atomically (mode 0644: it holds no secret) and its bytes returned.
// Other errors: node_key.*, replica.*, sql.*, file.*, kErrEnrolmentHome.
Result<Bytes> StartEnrolment(const std::filesystem::path& home, std::string_view region,
                             std::string_view name, uint64_t now_ms);

struct CompletedEnrolment {
  Certificate certificate;  // this node's, opened under the root
  Certificate hub;          // the county hub's
  PublicKey root_public_key{};
  // This identity had been stored before (a repeat): only what a stopped run may have left
  // undone (the hub's certificate, the request file) was brought in line.
  bool already_complete = false;
};

// Completes the enrolment of `home` with the certificate file `certificate_file`
// (protocol/certificate_file.h; certificate_file.* when it does not open). Checks, in
// order: DIR/node.key exists (kErrEnrolmentNotStarted) and loads (node_key.*); the
// certificate names this key (kErrEnrolmentOtherNode); when DIR/enrolment.request is
// present, it opens for this key (kErrEnrolmentPendingInvalid) and names the certificate's
// region and name (kErrEnrolmentCertificateDiffers). Then opens or creates DIR/replica.db
// (`options`) and, unless it already has this very identity, refuses one enrolled otherwise
// (kErrEnrolmentAlreadyEnrolled) and stores the identity (Replica::SetIdentity). Then adds
// the hub's certificate (Replica::AddKnownCertificate) and removes DIR/enrolment.request.
// Repeating it with the same file after success changes nothing and says so
// (already_complete). Other errors: replica.*, sql.*, file.*, kErrEnrolmentHome.
Result<CompletedEnrolment> CompleteEnrolment(const std::filesystem::path& home,
                                             ByteView certificate_file,
                                             const ReplicaOptions& options = {});

// The node key of `home`, when the certificate `node` names it: kErrEnrolmentNotStarted
// without DIR/node.key, node_key.* when it does not load, kErrEnrolmentOtherNode when the
// certificate is another node's. Each message ends with `without_key` or `other_node`, what
// the clerk should do. CompleteEnrolment's first checks, and `gongkai rebuild`'s.
Result<SecretKey> LoadKeyNamedBy(const std::filesystem::path& home, const Certificate& node,
                                 std::string_view without_key, std::string_view other_node);

}  // namespace gongkai

#endif  // GONGKAI_NODE_EXCHANGE_ENROLMENT_H_
