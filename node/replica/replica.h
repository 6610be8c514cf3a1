// The replica: one SQLite file holding this node's copy of the synced tables (the schema of
// protocol/schema.h) and its node-local tables (node/replica/local_schema.h).
//
// Replica::Open opens or creates the file with:
//   journal_mode=WAL      readers do not block the writer, and a crash leaves a valid file;
//   synchronous=FULL      a committed journal row (an envelope this node signed or accepted)
//                         survives power loss, so an origin never reuses a sequence number;
//   foreign_keys=ON       provenance rows must name a journal row (synced tables carry no
//                         foreign keys: facts may arrive in any order);
//   busy_timeout          options.busy_timeout_ms, for the web UI and sync running together.
// A new file gets every table and a meta row per version (kMetaLocalVersion,
// kMetaSyncedVersion). An existing file whose node-local layout is older is upgraded in one
// transaction at open (node/replica/migrate.h, LocalMigrations()); one whose versions are
// newer than this build's, or whose synced version differs, is refused with
// replica.schema_version and left untouched.
//
// The node's identity lives in settings (keys kSetting*): node id, role, region, its
// certificate (the bytes signed by the county root) and the county root public key.
//
// Ownership and threads: a Replica owns its connection; it is move-only and must be used by
// one thread at a time. Other processes may open the same file (SQLite locking).
#ifndef GONGKAI_NODE_REPLICA_REPLICA_H_
#define GONGKAI_NODE_REPLICA_REPLICA_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "node/replica/statement_cache.h"
#include "protocol/bytes.h"
#include "protocol/keys.h"
#include "protocol/region.h"
#include "protocol/sqlite_handles.h"
#include "protocol/status.h"

namespace gongkai {

// Error codes.
inline constexpr char kErrReplicaSchemaVersion[] = "replica.schema_version";
inline constexpr char kErrReplicaOpen[] = "replica.open";
inline constexpr char kErrReplicaNotEnrolled[] = "replica.not_enrolled";
inline constexpr char kErrReplicaIdentity[] = "replica.identity";

// meta keys.
inline constexpr char kMetaLocalVersion[] = "local_schema_version";
inline constexpr char kMetaSyncedVersion[] = "synced_schema_version";

// settings keys of the identity and the clock.
inline constexpr char kSettingNodeId[] = "node_id";           // 32 hex digits
inline constexpr char kSettingRole[] = "role";                // RoleName
inline constexpr char kSettingRegion[] = "region";            // region code
inline constexpr char kSettingCertificate[] = "certificate";  // signed certificate bytes
inline constexpr char kSettingRootKey[] = "root_public_key";  // 32 bytes
inline constexpr char kSettingHlc[] = "hlc_last";             // decimal text
// Set by a restore from a backup (node/app/backup_actions.h), as the backup's time in
// milliseconds (decimal text); cleared by the first complete pull from the hub. While set,
// capture refuses (capture.restored): the node may have signed envelopes after the backup
// that this file does not hold, and must learn them before it signs the next.
inline constexpr char kSettingRestoredFrom[] = "restored_from_backup";

inline constexpr int kDefaultBusyTimeoutMs = 5000;

struct ReplicaOptions {
  // When false, a missing file is refused (replica.open) instead of created.
  bool create_if_missing = true;
  int busy_timeout_ms = kDefaultBusyTimeoutMs;
  // Wall clock in milliseconds since the epoch, used only for local bookkeeping
  // (journal.received_at, alarm.raised_at). Never used to judge anything. Defaults to the
  // system clock.
  std::function<int64_t()> wall_clock_ms;
};

// Who this node is. Set once at enrolment.
struct NodeIdentity {
  NodeId node_id{};
  Role role = Role::kVillage;
  std::string region;
  Bytes certificate;  // as signed by the county root (protocol/certificate.h)
  PublicKey root_public_key{};
};

class Replica {
 public:
  // Opens or creates the replica at `path` (see the file comment).
  // Errors: replica.open (cannot open or create; missing with !create_if_missing),
  // replica.schema_version (a version this build does not know), sql.*.
  static Result<Replica> Open(const std::filesystem::path& path,
                              const ReplicaOptions& options = {});

  Replica(Replica&&) = default;
  Replica& operator=(Replica&&) = default;

  // The connection, for node/ code that reads or writes tables. Valid while *this lives.
  sqlite3* db() const { return db_.get(); }
  // Statements kept prepared for the life of the connection, for paths that run the same
  // SQL again and again (receiving envelopes, settings). Valid while *this lives; what a Use
  // leaves behind is reset, so holding them keeps no read snapshot open.
  StatementCache& statements() const { return statements_; }
  const std::filesystem::path& path() const { return path_; }
  // The injected wall clock (options.wall_clock_ms).
  int64_t NowMs() const { return wall_clock_ms_(); }

  // settings. GetSetting returns nullopt for a key never set.
  Result<std::optional<Bytes>> GetSetting(std::string_view key) const;
  Status PutSetting(std::string_view key, ByteView value);

  // Stores the identity, and the node's certificate as a known certificate. Checks that the
  // certificate opens under root_public_key and names exactly this node id, role and
  // region (replica.identity otherwise).
  Status SetIdentity(const NodeIdentity& identity);
  // The stored identity; replica.not_enrolled when none was set.
  Result<NodeIdentity> Identity() const;
  // Only the county root public key; replica.not_enrolled when none was set.
  Result<PublicKey> RootPublicKey() const;

  // Keeps a certificate given outside envelopes (node/replica/trust.h) after verifying it under
  // the root key in settings. replica.not_enrolled without a root key; cert.* if it fails.
  Status AddKnownCertificate(ByteView body);

  // The HLC persisted by the last capture (0 for a new replica). Build the node's HlcClock
  // with it: HlcClock(wall, replica.LastHlc()).
  Result<uint64_t> LastHlc() const;

  // Number of envelopes in the journal.
  Result<int64_t> JournalCount() const;

 private:
  Replica(SqliteDb db, std::filesystem::path path, std::function<int64_t()> clock)
      : db_(std::move(db)),
        path_(std::move(path)),
        wall_clock_ms_(std::move(clock)),
        statements_(db_.get()) {}

  SqliteDb db_;
  std::filesystem::path path_;
  std::function<int64_t()> wall_clock_ms_;
  // After db_, so that its statements are finalized before the connection closes. A cache,
  // not state: const readers (Identity, GetSetting) use it too.
  mutable StatementCache statements_;
};

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_REPLICA_H_
