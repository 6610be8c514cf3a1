// The county's keys and its register of enrolled nodes (design §5), the hub's side of
// offline enrolment.
//
// A hub home DIR holds:
//   DIR/root.key    the county root key, encrypted under a passphrase (protocol/key_file.h);
//                   it signs certificates and revocations and is opened only for that
//   DIR/hub.key     the hub's own node key (node/replica/node_key.h), which signs its envelopes
//   DIR/replica.db  the county replica: a Replica whose identity is role county, region =
//                   the county code, with a certificate signed by the root
// Every certificate and revocation the county issues is also written, by Capture, as a row
// of the synced `certificate` or `revocation` table of the county replica, so it reaches
// every node with the county's envelopes; the hub's own certificate is the first such row.
//
// Checks on outside input come before the passphrase is tried: a key derivation costs a
// second or more (kKdfDefault), so a request that would be refused anyway is refused first.
// Passphrase errors keep key_file.h's codes: key_file.wrong_passphrase (kDenied) for a wrong
// passphrase, key_file.corrupt for a damaged root.key.
//
// Thread-safety: a County is used by one thread at a time; other processes may open the same
// home (the replica's SQLite locking keeps captures apart).
#ifndef GONGKAI_HUB_COUNTY_COUNTY_H_
#define GONGKAI_HUB_COUNTY_COUNTY_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/replica/replica.h"
#include "protocol/bytes.h"
#include "protocol/certificate.h"
#include "protocol/hlc.h"
#include "protocol/key_file.h"
#include "protocol/keys.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kRootKeyFileName[] = "root.key";
inline constexpr char kHubKeyFileName[] = "hub.key";
// A person names a node by a unique prefix of its id of at least this many hex digits.
inline constexpr size_t kMinNodeRefLength = 6;

// Error codes.
inline constexpr char kErrCountyHomeExists[] = "county.home_exists";  // kConflict
inline constexpr char kErrCountyHome[] = "county.home";               // kIoError
inline constexpr char kErrCountyNameEmpty[] = "county.name_empty";
inline constexpr char kErrCountyPassphraseEmpty[] = "county.passphrase_empty";
// OpenCounty: root.key, hub.key or replica.db missing (kNotFound).
inline constexpr char kErrCountyNotInitialised[] = "county.not_initialised";
// OpenCounty: the files disagree (the replica is not a county's, or names another hub key
// or another root than root.key's).
inline constexpr char kErrCountyInconsistent[] = "county.inconsistent";
// EnrollFromRequest: the region's level does not fit the role.
inline constexpr char kErrCountyRoleRegion[] = "county.role_region";
// EnrollFromRequest: the region is not within this county (kDenied).
inline constexpr char kErrCountyOutside[] = "county.outside";
// EnrollFromRequest: the key already holds a certificate for another role, region or name
// (kConflict). A node's key is enrolled once; a new enrolment needs a new key.
inline constexpr char kErrCountyAlreadyEnrolled[] = "county.already_enrolled";
// EnrollFromRequest: the key has been revoked (kDenied).
inline constexpr char kErrCountyRevoked[] = "county.revoked";
// Revoke: not 6 to 32 hex digits.
inline constexpr char kErrCountyNodeRef[] = "county.node_ref";
// Revoke: no enrolled node's id starts so (kNotFound).
inline constexpr char kErrCountyUnknownNode[] = "county.unknown_node";
// Revoke: several nodes' ids start so.
inline constexpr char kErrCountyAmbiguousNode[] = "county.ambiguous_node";
// Revoke: the hub's own key; its envelopes carry every certificate (kDenied).
inline constexpr char kErrCountyRevokeHub[] = "county.revoke_hub";
// Revoke: already revoked for this reason or as compromised (kConflict). A retired key may
// still be revoked again as compromised.
inline constexpr char kErrCountyAlreadyRevoked[] = "county.already_revoked";

struct CountyOptions {
  // Milliseconds since the epoch, for the county's hybrid logical clock (the HLC of its
  // envelopes, certificates and revocations). Defaults to the system clock.
  std::function<uint64_t()> wall_clock_ms;
  int busy_timeout_ms = kDefaultBusyTimeoutMs;
};

// An opened hub home. Move-only; owns the replica, the hub's key and the county's clock.
class County {
 public:
  County(County&&) = default;
  County& operator=(County&&) = default;

  const std::filesystem::path& home() const { return home_; }
  const std::string& code() const { return code_; }  // the 6-digit county code
  const std::string& name() const { return name_; }  // the county's name, from its certificate
  const PublicKey& root_public_key() const { return root_public_key_; }
  const Bytes& hub_certificate() const { return hub_certificate_; }
  const SecretKey& hub_key() const { return *hub_key_; }
  Replica& replica() { return replica_; }
  const Replica& replica() const { return replica_; }
  // Built from the replica's last HLC; use it for every capture by this County.
  // EnrollFromRequest and Revoke first make it observe the replica's last HLC, so a capture
  // by another process since the open does not put this one behind (capture.clock_behind).
  HlcClock& clock() { return *clock_; }

 private:
  friend Result<County> OpenCounty(const std::filesystem::path& home, const CountyOptions& options);
  County(std::filesystem::path home, Replica replica)
      : home_(std::move(home)), replica_(std::move(replica)) {}

  std::filesystem::path home_;
  Replica replica_;
  std::unique_ptr<SecretKey> hub_key_;
  std::unique_ptr<HlcClock> clock_;  // HlcClock holds a mutex and cannot move
  std::string code_;
  std::string name_;
  PublicKey root_public_key_{};
  Bytes hub_certificate_;
};

// Creates the hub home `home` for county `county_code` (6 digits; region.* otherwise) named
// `county_name` (county.name_empty; cert.name_too_large, cert.name_utf8 as for any
// certificate), the root key sealed under `passphrase` (county.passphrase_empty;
// key_file.params for `kdf` out of bounds, key_file.kdf). `home` must not exist or be an
// empty folder (county.home_exists). Makes the root key and the hub key, the replica with
// the hub's identity and certificate, and captures the hub's certificate row. Everything is
// built in a private folder beside `home` (.NAME.init-XXXXXX) and renamed to `home` at the
// end, so neither a failure nor a crash leaves a half-made home; a failure removes the
// private folder, a crash may leave it (county.home for file-system failures). Returns the
// opened county, as OpenCounty would.
Result<County> InitCounty(const std::filesystem::path& home, std::string_view county_code,
                          std::string_view county_name, std::string_view passphrase, KdfParams kdf,
                          const CountyOptions& options = {});

// Opens an existing hub home without the passphrase. Errors: county.not_initialised,
// county.inconsistent, key_file.* (root.key, up to the checks that need no passphrase),
// node_key.* (hub.key), replica.*, sql.*.
Result<County> OpenCounty(const std::filesystem::path& home, const CountyOptions& options = {});

// Enrols the node of `request` (protocol/enrolment_request.h) as `role` and returns the
// certificate file for it (protocol/certificate_file.h). In order: the request opens
// (enrolment_request.*); its region fits the role (county.role_region: village 12 digits,
// township 9, county and auditor 6) and lies within this county (county.outside); the key
// is not revoked (county.revoked) and not enrolled otherwise (county.already_enrolled); the
// root key opens under `root_passphrase` (key_file.*). Then signs the certificate (issued
// HLC = the capture's HLC, a random serial) and captures its certificate row. A request
// whose key holds a certificate for the same role, region and name gets that certificate
// again, and nothing is captured: repeating an enrolment is harmless.
Result<Bytes> EnrollFromRequest(County& county, std::string_view root_passphrase, ByteView request,
                                Role role);

// The county root key, opened from DIR/root.key under `root_passphrase` (key_file.*;
// county.inconsistent when it is not the replica's root). Costs one key derivation. For a
// process that signs many certificates (a hub serving online enrolment); the caller keeps
// the key no longer than it needs it.
Result<SecretKey> OpenCountyRootKey(const County& county, std::string_view root_passphrase);

// EnrollFromRequest with a root key already open: the same checks in the same order, the
// same result. `also_write`, when given, runs on the replica's connection in the
// transaction that captures the certificate row, so that what it writes (node-local
// tables) commits with the certificate or not at all; when the key already holds this very
// certificate, nothing is captured and it runs in a transaction of its own.
// REQUIRES: root is the county's root key (OpenCountyRootKey).
Result<Bytes> EnrollWithRootKey(County& county, const SecretKey& root, ByteView request, Role role,
                                const std::function<Status(sqlite3*)>& also_write = {});

// Revokes the node whose id is `node_ref` or starts with it (at least kMinNodeRefLength hex
// digits, either case): county.node_ref, county.unknown_node, county.ambiguous_node,
// county.revoke_hub, county.already_revoked; a note over kMaxRevocationNoteSize bytes or
// not UTF-8 is revocation.note_too_large / revocation.note_utf8; then the root key opens
// (key_file.*), the revocation is signed (revoked HLC = the capture's HLC) and its row
// captured. Returns the revocation as signed.
Result<Revocation> Revoke(County& county, std::string_view root_passphrase,
                          std::string_view node_ref, RevocationReason reason,
                          std::string_view note = {});

struct EnrolledNode {
  std::string node_id;  // 32 hex digits
  Role role = Role::kVillage;
  std::string region;
  std::string name;
  Hlc issued_hlc = 0;  // the HLC of its certificate row
  bool is_hub = false;
  // The strongest revocation held: compromised over retired; nullopt when not revoked.
  std::optional<RevocationReason> revoked;
};

// Every node with a certificate row in the county replica (including the hub and nodes
// whose rows arrived from elsewhere), ordered by region, then name, then node id.
Result<std::vector<EnrolledNode>> ListEnrolled(const County& county);

}  // namespace gongkai

#endif  // GONGKAI_HUB_COUNTY_COUNTY_H_
