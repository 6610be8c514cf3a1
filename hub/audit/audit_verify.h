// The county audit of design §7: everything the hub database claims, recomputed from the
// envelopes it stores, on a copy of that one file, with no network and no passphrase.
//
// What is checked (the stable code of each kind of finding in brackets):
//   per log entry, in log order (log_entry by idx):
//     - indexes are 0, 1, 2, ... without a gap                       [audit.log_gap]
//     - the id is 64 lowercase hex digits                              [audit.entry_id]
//     - leaf_hash = SHA-256(0x00 || id)                                [audit.leaf_hash]
//     - the journal holds the envelope                                 [audit.not_journaled]
//     - SHA-256 of the stored bytes = the id                           [audit.envelope_hash]
//     - the bytes decode as an envelope                                [audit.envelope_decode]
//     - the journal's origin, seq, prev, hlc and region columns equal
//       the envelope's header                                          [audit.journal_header]
//     - its stored receipt, if any: opens under the hub key, names this
//       envelope, this index and received_at, a tree that holds it,
//       and that tree's root                                           [audit.receipt]
//     - the envelope is applied to a new, empty scratch replica with
//       the hub's identity, in log order, by the same ApplyEnvelope a
//       receiver runs: signer certified by the county root and not
//       revoked, signature, per-origin chain (equivocation, broken prev
//       link), payload, write scope, certificate and revocation rows:
//         signature / signer's key                                     [audit.signature]
//         signer unknown, certificate not under the root, revoked      [audit.signer]
//         chain link                                                   [audit.chain]
//         certificate or revocation row not signed by the root         [audit.trust_row]
//         any other rule (payload, scope, schema, row conflicts)       [audit.envelope_rules]
//   the tree:
//     - every stored complete subtree (log_subtree) equals the hash
//       recomputed from the leaves; none missing, none beyond the log  [audit.subtree]
//   checkpoints (log_checkpoint), each:
//     - the note opens under the hub key and origin, names the row's
//       size and root, and that root is the recomputed one             [audit.checkpoint]
//     - no checkpoint of a size beyond the log (the log was cut back)  [audit.checkpoint_beyond]
//   completeness:
//     - every journal envelope is in the log                           [audit.not_logged]
//     - every stored receipt names a logged envelope                   [audit.receipt]
//   the replica:
//     - every certificate row opens under the county root and its
//       columns equal its body; every revocation row likewise          [audit.certificate_row]
//     - every synced table equals, row for row, the scratch replica
//       rebuilt from the log: a row altered or added outside any
//       logged envelope                                                [audit.replica_row]
//       a row a logged envelope wrote that is missing                  [audit.replica_missing]
//     - the provenance table (which envelope wrote each row; `audit
//       history` reads it) equals the scratch replica's                [audit.provenance]
//     - each alarm's two envelopes hash to their ids, belong to the
//       accused node, collide on a seq or a link, and carry that node's
//       certified signature                                            [audit.alarm]
//     - each refused-envelope record agrees with the bytes it keeps    [audit.refused_record]
//   the home (VerifyHubHome only): root.key and hub.key hold the keys
//   the replica names                                                  [audit.home_keys]
// Warnings (reported, do not fail the audit): an origin whose sequence numbers have a gap
//   in the log [audit.chain_gap]. A receiver accepts a gap (envelopes may travel out of
//   order), so an honest hub can hold one; the prev link across it is checked once both
//   envelopes are present.
//
// Why a scratch replica: the county replica must be exactly what the logged envelopes imply.
// Rebuilding it with the receivers' own code and comparing every synced row proves that
// without a second implementation of the rules, and names the row that differs.
//
// Every table an audit command reads is covered: the synced tables (history, overdue,
// report), provenance (history), journal and log_entry (stale, alarms' clock offsets) are
// recomputed or checked against the log; alarm and refused_envelope (alarms, stale) record
// refusals, which leave nothing in the log, so they are checked for consistency with the
// bytes they keep. Not derivable, and so not judged: journal.source (who delivered an
// envelope), refused_request (requests refused before any envelope was read) and settings
// (the county's own choices, such as the deadline day).
//
// A finding names the first log index and envelope it concerns. The audit goes on after a
// finding (an envelope it could not apply is left out of the scratch replica, which may cause
// later findings of its own), keeps the first kMaxAuditFindingsKept and counts all.
//
// Thread-safety: one call at a time per database; reads the hub database through its own
// read-only connection, so a copy is never changed.
#ifndef GONGKAI_HUB_AUDIT_AUDIT_VERIFY_H_
#define GONGKAI_HUB_AUDIT_AUDIT_VERIFY_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/sha256.h"
#include "protocol/status.h"

namespace gongkai {

// Finding codes: see the file comment.
inline constexpr char kAuditLogGap[] = "audit.log_gap";
inline constexpr char kAuditEntryId[] = "audit.entry_id";
inline constexpr char kAuditLeafHash[] = "audit.leaf_hash";
inline constexpr char kAuditNotJournaled[] = "audit.not_journaled";
inline constexpr char kAuditEnvelopeHash[] = "audit.envelope_hash";
inline constexpr char kAuditEnvelopeDecode[] = "audit.envelope_decode";
inline constexpr char kAuditJournalHeader[] = "audit.journal_header";
inline constexpr char kAuditReceipt[] = "audit.receipt";
inline constexpr char kAuditSignature[] = "audit.signature";
inline constexpr char kAuditSigner[] = "audit.signer";
inline constexpr char kAuditChain[] = "audit.chain";
inline constexpr char kAuditTrustRow[] = "audit.trust_row";
inline constexpr char kAuditEnvelopeRules[] = "audit.envelope_rules";
inline constexpr char kAuditSubtree[] = "audit.subtree";
inline constexpr char kAuditCheckpoint[] = "audit.checkpoint";
inline constexpr char kAuditCheckpointBeyond[] = "audit.checkpoint_beyond";
inline constexpr char kAuditNotLogged[] = "audit.not_logged";
inline constexpr char kAuditCertificateRow[] = "audit.certificate_row";
inline constexpr char kAuditReplicaRow[] = "audit.replica_row";
inline constexpr char kAuditReplicaMissing[] = "audit.replica_missing";
inline constexpr char kAuditProvenance[] = "audit.provenance";
inline constexpr char kAuditAlarmRecord[] = "audit.alarm";
inline constexpr char kAuditRefusedRecord[] = "audit.refused_record";
inline constexpr char kAuditHomeKeys[] = "audit.home_keys";
inline constexpr char kAuditChainGap[] = "audit.chain_gap";  // a warning

// Findings kept in full; the rest are only counted.
inline constexpr size_t kMaxAuditFindingsKept = 1000;
// Envelopes applied to the scratch replica per transaction.
inline constexpr uint64_t kAuditApplyBatch = 5000;

struct AuditFinding {
  std::string code;                   // audit.*
  std::optional<uint64_t> log_index;  // the log entry concerned, when there is one
  std::string envelope_id;            // 64 hex, or "" when none is concerned
  std::string cause;                  // the code of the check that refused, e.g.
                                      // envelope.signature; "" when the audit's own
  std::string message;                // Chinese, names what differs
};

struct AuditReport {
  std::string county;     // county code, from the replica's identity
  std::string origin;     // the log's origin, gongkai/county/<code>
  uint64_t log_size = 0;  // log_entry rows
  uint64_t journal_envelopes = 0;
  uint64_t subtrees = 0;               // log_subtree rows compared
  uint64_t checkpoints = 0;            // log_checkpoint rows
  uint64_t receipts = 0;               // log_receipt rows
  uint64_t replica_rows = 0;           // synced rows compared
  Hash256 root{};                      // the recomputed root at log_size
  Hash256 replica_digest{};            // node/replica/digest.h TablesDigest of the county, as stored
  Hash256 rebuilt_digest{};            // the same of the scratch replica
  std::vector<AuditFinding> problems;  // the first kMaxAuditFindingsKept, in order found
  uint64_t problem_count = 0;          // all of them
  std::map<std::string, uint64_t> problems_by_code;
  std::vector<AuditFinding> warnings;  // the first kMaxAuditFindingsKept
  uint64_t warning_count = 0;

  bool ok() const { return problem_count == 0; }
};

struct AuditOptions {
  // Where the scratch replica is built (a new private folder inside it, removed afterwards);
  // empty: the system's temporary folder.
  std::filesystem::path scratch_parent;
  // Called every kAuditProgressStep entries and once at the end: (entries done, log size).
  std::function<void(uint64_t, uint64_t)> progress;
};
inline constexpr uint64_t kAuditProgressStep = 1000;

// Audits the hub database file `db_path` (a hub home's replica.db, or a copy of it).
// Errors (only when nothing can be audited): audit.open, audit.identity (audit_database.h), and
// sql.* or replica.* when the scratch replica cannot be made. Inconsistencies are findings in the
// report, not errors.
Result<AuditReport> VerifyHubDatabase(const std::filesystem::path& db_path,
                                      const AuditOptions& options = {});

// VerifyHubDatabase(home / "replica.db") plus: root.key's public key is the root the replica
// trusts and hub.key's public key is the replica's node key [audit.home_keys]. Reads no
// secret that needs a passphrase.
Result<AuditReport> VerifyHubHome(const std::filesystem::path& home,
                                  const AuditOptions& options = {});

}  // namespace gongkai

#endif  // GONGKAI_HUB_AUDIT_AUDIT_VERIFY_H_
