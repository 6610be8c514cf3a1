// 备份 and 恢复 of a home folder: a node's (replica.db and node.key) or the hub's
// (replica.db, hub.key, root.key, its TLS files and configuration), in one encrypted file
// (protocol/backup_file.h). Called by `gongkai backup|restore` and `gongkai-hub
// backup|restore`.
//
// Backup takes a consistent copy of replica.db while the services keep running, with
// SQLite's online backup API (readers and the writer are not stopped; a write during the
// copy makes it start again), then adds every other regular file of the home. The first
// entry, kBackupManifestName, is a JSON summary readable before anything is restored.
//
// Restore checks the whole file (every chunk authenticated, the end present) and the copied
// database (quick_check) in a folder beside the home before it touches the home; an
// existing home is moved aside to HOME.replaced-TIME, never deleted. A restored node's
// replica gets kSettingRestoredFrom: it refuses to sign (capture.restored) until a complete
// sync with the hub has brought back what the node signed after the backup, so it never
// signs a second envelope with a sequence number it already used.
#ifndef GONGKAI_NODE_APP_BACKUP_ACTIONS_H_
#define GONGKAI_NODE_APP_BACKUP_ACTIONS_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/backup_file.h"
#include "protocol/bytes.h"
#include "protocol/key_file.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kBackupManifestName[] = "backup.json";

inline constexpr char kErrBackupHome[] = "backup.home";  // kInvalid / kNotFound / kConflict

// A stage of the work and how far it is: bytes done of total (total 0 when unknown).
using BackupProgress = std::function<void(std::string_view stage, uint64_t done, uint64_t total)>;

struct BackupSummary {
  BackupKind kind = BackupKind::kNode;
  int64_t made_at_ms = 0;
  std::string node_id;  // 32 hex digits; for the hub, its own node id
  std::string region;
  int64_t journal = 0;       // envelopes the copied replica holds
  int64_t own_last_seq = 0;  // the highest sequence number this node had signed
  uint64_t database_bytes = 0;
  std::vector<std::string> files;  // entry names, manifest excluded
};

struct BackupRequest {
  std::string home;
  BackupKind kind = BackupKind::kNode;
  // Files besides replica.db that must be in the home (the key files of its kind).
  std::vector<std::string> required_files;
  std::string out;
  KdfParams params = kKdfDefault;
  int64_t now_ms = 0;
};

// Backs up request.home to request.out, written through a temporary file beside it and
// renamed when complete. Errors: backup.home (no replica.db, or a required file missing),
// backup.*, key_file.params, key_file.kdf, sql.*.
Result<BackupSummary> BackupHome(const BackupRequest& request, std::string_view passphrase,
                                 const BackupProgress& progress = {});

struct RestoreSummary {
  BackupSummary backup;  // as the manifest says
  std::string home;
  std::string replaced;    // where the previous home was moved; empty when there was none
  bool must_sync = false;  // a node: capture refused until a complete sync
};

// Restores the backup `from` into `home`. A home that holds files is refused
// (backup.home, kConflict) unless `replace`. A backup of another kind is refused. Errors:
// backup.*, key_file.*, sql.corrupt (the copied database fails quick_check), sql.*.
Result<RestoreSummary> RestoreHome(const std::string& from, const std::string& home,
                                   BackupKind expected, std::string_view passphrase, bool replace,
                                   int64_t now_ms, const BackupProgress& progress = {});

// The manifest of `from` without restoring it (backup.* errors as RestoreHome).
Result<BackupSummary> ReadBackupManifest(const std::string& from, std::string_view passphrase);

// gongkai rebuild: the way back from a damaged replica.db without a backup. Everything the
// node had synced is in the county's log; its key (DIR/node.key) and its certificate file
// (the one `gongkai init --certificate` took) make it the same node again.
inline constexpr char kErrRebuildNotDamaged[] = "rebuild.not_damaged";  // kConflict

struct RebuildSummary {
  std::string damaged;  // where the damaged file was moved (beside it, .damaged-TIME)
  std::string node_id;
  std::string region;
  std::vector<std::string> kept_settings;  // of `keep`, those read back from the damaged file
};

// Replaces the damaged DIR/replica.db of `home` with a new one for the same node. In order:
// the certificate file opens (certificate_file.*) and names DIR/node.key's key
// (enrolment.other_node); the replica is damaged: it does not open or fails quick_check
// (rebuild.not_damaged when it is sound; a missing file is taken as damaged). Then the
// settings named in `keep` (the hub's address, phone numbers, ...) are read from the damaged
// file where it still gives them; it is moved aside with its -wal and -shm, never deleted;
// the new replica takes the identity (enrolment.h CompleteEnrolment) and those settings,
// and is marked as restored (kSettingRestoredFrom): it writes nothing until a complete sync
// has brought back every envelope of its own that the hub holds, so its chain goes on from
// where the county has it and never reuses a sequence number. What it wrote but had not
// synced stays in the damaged file only.
Result<RebuildSummary> RebuildReplica(const std::filesystem::path& home, ByteView certificate_file,
                                      std::span<const std::string_view> keep, int64_t now_ms);

}  // namespace gongkai

#endif  // GONGKAI_NODE_APP_BACKUP_ACTIONS_H_
