#include "node/replica/apply.h"

#include <limits>
#include <string>

#include "node/replica/alarm.h"
#include "node/replica/changeset_rows.h"
#include "node/replica/journal.h"
#include "node/replica/local_schema.h"
#include "node/replica/provenance.h"
#include "node/replica/sql.h"
#include "node/replica/trust.h"
#include "protocol/chain.h"
#include "protocol/envelope.h"
#include "protocol/hlc.h"
#include "protocol/inspect.h"
#include "protocol/region.h"

namespace gongkai {

namespace {

std::string Describe(const Envelope& envelope) {
  return "信封 " + NodeIdHex(envelope.origin()) + "#" + std::to_string(envelope.seq()) + " (" +
         envelope.region() + ")";
}

// What the conflict handler saw, to name the refusal after apply_v2 returns.
struct ConflictContext {
  Status refusal;
  int64_t omitted = 0;
};

std::string ConflictRowName(sqlite3_changeset_iter* iter) {
  const char* table = nullptr;
  int columns = 0, op = 0, indirect = 0;
  sqlite3changeset_op(iter, &table, &columns, &op, &indirect);
  unsigned char* pk = nullptr;
  sqlite3changeset_pk(iter, &pk, &columns);
  std::vector<std::string> key;
  for (int c = 0; c < columns; ++c) {
    sqlite3_value* value = nullptr;
    if (pk[c] && sqlite3changeset_new(iter, c, &value) == SQLITE_OK && value != nullptr) {
      key.push_back(PkValueText(value));
    }
  }
  return std::string(table) + " " + PkText(key);
}

int OnConflict(void* context, int kind, sqlite3_changeset_iter* iter) {
  auto* ctx = static_cast<ConflictContext*>(context);
  if (kind == SQLITE_CHANGESET_CONFLICT) {
    const char* table = nullptr;
    int columns = 0, op = 0, indirect = 0;
    sqlite3changeset_op(iter, &table, &columns, &op, &indirect);
    bool identical = op == SQLITE_INSERT;
    for (int c = 0; identical && c < columns; ++c) {
      sqlite3_value* incoming = nullptr;
      sqlite3_value* held = nullptr;
      identical = sqlite3changeset_new(iter, c, &incoming) == SQLITE_OK &&
                  sqlite3changeset_conflict(iter, c, &held) == SQLITE_OK &&
                  SqlValuesEqual(incoming, held);
    }
    if (identical) {
      ++ctx->omitted;
      return SQLITE_CHANGESET_OMIT;
    }
    ctx->refusal =
        Status::Conflict(kErrApplyRowConflict,
                         "行 " + ConflictRowName(iter) + " 已存在且内容不同; 同步数据不可改写");
    return SQLITE_CHANGESET_ABORT;
  }
  ctx->refusal = Status::Invalid(
      kErrApplyConstraint,
      "行 " + ConflictRowName(iter) + " 违反本地约束 (冲突类型 " + std::to_string(kind) + ")");
  return SQLITE_CHANGESET_ABORT;
}

// Records the alarm of a refused chain link in its own transaction, so that it outlives
// the refusal.
Status RaiseChainAlarm(Replica& replica, const Envelope& incoming, const Status& refusal,
                       std::string_view source) {
  sqlite3* db = replica.db();
  uint64_t held_seq = incoming.seq();
  if (refusal.code() == kErrChainBrokenLink) {
    // The held neighbour that disagrees: seq-1 whose id is not our prev, else seq+1.
    JournalChainView view(db);
    auto before =
        incoming.seq() > 1 ? view.Find(incoming.origin(), incoming.seq() - 1) : std::nullopt;
    held_seq = (before && before->id != incoming.prev()) ? incoming.seq() - 1 : incoming.seq() + 1;
  }
  GK_ASSIGN_OR_RETURN(std::optional<Bytes> held, JournalBytes(db, incoming.origin(), held_seq));
  if (!held) return Status::Ok();
  Alarm alarm;
  alarm.kind = refusal.code() == kErrChainEquivocation ? kAlarmEquivocation : kAlarmBrokenLink;
  alarm.origin = NodeIdHex(incoming.origin());
  alarm.seq = incoming.seq();
  alarm.held_envelope_id = HashHex(Sha256(*held));
  alarm.held_bytes = std::move(*held);
  alarm.other_envelope_id = HashHex(incoming.id());
  alarm.other_bytes = Bytes(incoming.raw().begin(), incoming.raw().end());
  alarm.source = std::string(source);
  alarm.raised_at = replica.NowMs();
  alarm.message = refusal.message();
  return RecordAlarm(db, alarm);
}

}  // namespace

Result<ApplyResult> ApplyEnvelope(Replica& replica, ByteView bytes, std::string_view source,
                                  const ApplyOptions& options) {
  // 1-2. Size (checked by DecodeEnvelope before copying) and structure.
  GK_ASSIGN_OR_RETURN(Envelope envelope, DecodeEnvelope(bytes));
  ApplyResult result;
  result.id = envelope.id();
  sqlite3* db = replica.db();
  StatementCache& statements = replica.statements();

  // 3. Already held: nothing to do, whatever has happened to its signer since.
  GK_ASSIGN_OR_RETURN(bool held, JournalHas(statements, envelope.id()));
  if (held) {
    result.outcome = ApplyOutcome::kDuplicate;
    return result;
  }
  // 4. Read scope.
  GK_ASSIGN_OR_RETURN(NodeIdentity self, replica.Identity());
  if (!InReadScope(self.role, self.region, envelope.region())) {
    result.outcome = ApplyOutcome::kOutOfScope;
    return result;
  }
  // SQLite integers are signed; seq and hlc beyond them cannot be stored faithfully.
  if (envelope.seq() > uint64_t{std::numeric_limits<int64_t>::max()} ||
      !HlcIsValid(envelope.hlc())) {
    return Status::Invalid(kErrApplyRange, Describe(envelope) + ": 序号或 HLC 超出范围");
  }
  // 5-7. Signer known, not revoked, signature.
  GK_ASSIGN_OR_RETURN(Certificate signer,
                      FindSignerCertificate(statements, envelope.origin(), self.root_public_key));
  if (options.judge_revocation) {
    GK_RETURN_IF_ERROR(options.judge_revocation(envelope.origin()).WithContext(Describe(envelope)));
  } else {
    GK_ASSIGN_OR_RETURN(bool revoked, IsRevoked(statements, envelope.origin()));
    if (revoked) {
      return Status::Denied(kErrApplyRevoked, Describe(envelope) + ": 签名者的证书已被吊销");
    }
  }
  if (Status s = VerifyEnvelopeSignature(envelope, signer.subject_key); !s.ok()) {
    return s.WithContext(Describe(envelope));
  }

  GK_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db));
  // 8. Chain, inside the write transaction so that no other writer slips in between.
  JournalChainView chain(statements);
  auto verdict = JudgeLink(chain, envelope.origin(),
                           ChainLink{envelope.seq(), envelope.id(), envelope.prev()});
  GK_RETURN_IF_ERROR(chain.status());
  if (!verdict.ok()) {
    Status refusal = verdict.status().WithContext(Describe(envelope));
    GK_RETURN_IF_ERROR(tx.Rollback());
    if (refusal.code() == kErrChainEquivocation || refusal.code() == kErrChainBrokenLink) {
      GK_RETURN_IF_ERROR(RaiseChainAlarm(replica, envelope, refusal, source));
    }
    return refusal;
  }
  if (*verdict == ChainVerdict::kDuplicate) {
    result.outcome = ApplyOutcome::kDuplicate;
    return result;
  }
  // 9-12. Payload, protocol rules, trust rows, local schema.
  GK_ASSIGN_OR_RETURN(Bytes changeset, OpenPayload(envelope));
  Signer who{NodeIdHex(signer.subject_id()), signer.role, signer.region};
  GK_RETURN_IF_ERROR(
      InspectChangeset(changeset, who, envelope.region(), nullptr).WithContext(Describe(envelope)));
  GK_RETURN_IF_ERROR(
      CheckTrustRows(changeset, self.root_public_key).WithContext(Describe(envelope)));
  GK_RETURN_IF_ERROR(CheckLocalSchema(statements, changeset).WithContext(Describe(envelope)));

  // 13. The rows, the journal row and provenance, together.
  int before = sqlite3_total_changes(db);
  ConflictContext conflicts;
  int rc = sqlite3changeset_apply_v2(db, static_cast<int>(changeset.size()), changeset.data(),
                                     nullptr, OnConflict, &conflicts, nullptr, nullptr, 0);
  if (rc != SQLITE_OK) {
    if (!conflicts.refusal.ok()) return conflicts.refusal.WithContext(Describe(envelope));
    return SqlStatus(db, rc, "sqlite3changeset_apply_v2").WithContext(Describe(envelope));
  }
  result.rows_inserted = sqlite3_total_changes(db) - before;
  GK_RETURN_IF_ERROR(InsertJournal(statements, envelope, replica.NowMs(), source, kJournalApplied));
  GK_RETURN_IF_ERROR(RecordProvenance(statements, changeset, HashHex(envelope.id())));
  GK_RETURN_IF_ERROR(tx.Commit());
  result.outcome = ApplyOutcome::kApplied;
  return result;
}

}  // namespace gongkai
