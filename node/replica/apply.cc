#include "node/replica/apply.h"

#include <limits>
#include <string>
#include <vector>

#include "node/replica/alarm.h"
#include "node/replica/changeset_rows.h"
#include "node/replica/journal.h"
#include "node/replica/local_schema.h"
#include "node/replica/provenance.h"
#include "node/replica/sql.h"
#include "node/replica/table_info.h"
#include "node/replica/trust.h"
#include "protocol/chain.h"
#include "protocol/envelope.h"
#include "protocol/hlc.h"
#include "protocol/inspect.h"
#include "protocol/region.h"
#include "protocol/sqlite_handles.h"

namespace gongkai {

namespace {

std::string Describe(const Envelope& envelope) {
  return "信封 " + NodeIdHex(envelope.origin()) + "#" + std::to_string(envelope.seq()) + " (" +
         envelope.region() + ")";
}

Status RowRefusal(std::string_view table, const std::vector<std::string>& key, bool conflict,
                  int rc) {
  const std::string row = std::string(table) + " " + PkText(key);
  if (conflict) {
    return Status::Conflict(kErrApplyRowConflict,
                            "行 " + row + " 已存在且内容不同; 同步数据不可改写");
  }
  return Status::Invalid(kErrApplyConstraint,
                         "行 " + row + " 违反本地约束 (" + sqlite3_errstr(rc) + ")");
}

struct RowsApplied {
  int64_t inserted = 0;
  int64_t omitted = 0;
};

// Inserts every row of an inspected changeset (INSERTs only, into tables that match the local
// schema: steps 10 and 12) with the connection's kept statements, one INSERT per table. What
// sqlite3changeset_apply_v2 with its conflict handler did, without the PRAGMA it sets (which
// expires every prepared statement of the connection): an INSERT that fails on a constraint
// looks the key up; a held row with every column equal is omitted, one with other content is
// apply.row_conflict, and no held row means another constraint (apply.constraint). The caller's
// transaction (a savepoint inside a batch) makes it all or nothing.
Result<RowsApplied> InsertChangesetRows(StatementCache& statements, ByteView changeset) {
  sqlite3_changeset_iter* raw = nullptr;
  int rc = sqlite3changeset_start(&raw, static_cast<int>(changeset.size()),
                                  const_cast<uint8_t*>(changeset.data()));
  ChangesetIter iter(raw);
  if (rc != SQLITE_OK) return SqlStatus(statements.db(), rc, "sqlite3changeset_start");
  RowsApplied applied;
  std::string table_name, insert_sql;
  std::vector<sqlite3_value*> values;  // the row's new values, owned by the iterator
  while ((rc = sqlite3changeset_next(iter.get())) == SQLITE_ROW) {
    const char* table = nullptr;
    int columns = 0, op = 0, indirect = 0;
    sqlite3changeset_op(iter.get(), &table, &columns, &op, &indirect);
    if (op != SQLITE_INSERT) {
      return Status::Internal(kErrApplyConstraint, "变更集含非插入变更, 未经检查");
    }
    if (table_name != table) {
      table_name = table;
      insert_sql = "INSERT INTO " + QuoteIdentifier(table_name) + " VALUES (";
      for (int c = 0; c < columns; ++c) insert_sql += c ? ",?" : "?";
      insert_sql += ")";
    }
    values.assign(static_cast<size_t>(columns), nullptr);
    for (int c = 0; c < columns; ++c) {
      rc = sqlite3changeset_new(iter.get(), c, &values[c]);
      if (rc != SQLITE_OK) return SqlStatus(statements.db(), rc, "sqlite3changeset_new");
    }
    int step = SQLITE_DONE;
    {
      GK_ASSIGN_OR_RETURN(StatementCache::Use insert, statements.Get(insert_sql));
      sqlite3_stmt* stmt = insert->get();
      for (int c = 0; c < columns; ++c) {
        if (values[c] == nullptr) {
          sqlite3_bind_null(stmt, c + 1);
        } else {
          sqlite3_bind_value(stmt, c + 1, values[c]);
        }
      }
      step = sqlite3_step(stmt);
    }
    if (step == SQLITE_DONE) {
      ++applied.inserted;
      continue;
    }
    if ((step & 0xff) != SQLITE_CONSTRAINT) return SqlStatus(statements.db(), step, "insert row");
    // The held row of the same key, if any, by the local table's own key columns.
    GK_ASSIGN_OR_RETURN(TableInfo info, ReadTableInfo(statements, table_name));
    std::string select_sql = "SELECT * FROM " + QuoteIdentifier(table_name) + " WHERE ";
    std::vector<std::string> key;
    for (size_t k = 0; k < info.pk_columns.size(); ++k) {
      select_sql +=
          (k ? " AND " : "") + QuoteIdentifier(info.columns[info.pk_columns[k]]) + " IS ?";
      sqlite3_value* value = values[static_cast<size_t>(info.pk_columns[k])];
      if (value != nullptr) key.push_back(PkValueText(value));
    }
    GK_ASSIGN_OR_RETURN(StatementCache::Use select, statements.Get(select_sql));
    sqlite3_stmt* stmt = select->get();
    for (size_t k = 0; k < info.pk_columns.size(); ++k) {
      sqlite3_value* value = values[static_cast<size_t>(info.pk_columns[k])];
      if (value == nullptr) {
        sqlite3_bind_null(stmt, static_cast<int>(k) + 1);
      } else {
        sqlite3_bind_value(stmt, static_cast<int>(k) + 1, value);
      }
    }
    GK_ASSIGN_OR_RETURN(bool held, select->Step());
    if (!held) return RowRefusal(table_name, key, false, step);
    bool identical = sqlite3_column_count(stmt) == columns;
    for (int c = 0; identical && c < columns; ++c) {
      identical = values[c] != nullptr && SqlValuesEqual(values[c], sqlite3_column_value(stmt, c));
    }
    if (!identical) return RowRefusal(table_name, key, true, step);
    ++applied.omitted;
  }
  if (rc != SQLITE_DONE) return SqlStatus(statements.db(), rc, "sqlite3changeset_next");
  return applied;
}

// Records the alarm of a refused chain link so that it outlives the refusal: now (in the
// caller's transaction, if there is one) and again once the caller's outermost transaction
// has ended, which a batch that fails after this envelope rolls back. RecordAlarm ignores a
// repeat, so the second write adds nothing when the first one committed.
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
  GK_RETURN_IF_ERROR(RecordAlarm(db, alarm));
  Transaction::AfterOutermost(db, [alarm = std::move(alarm)](sqlite3* connection) {
    return RecordAlarm(connection, alarm);
  });
  return Status::Ok();
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
  Result<RowsApplied> rows = InsertChangesetRows(statements, changeset);
  if (!rows.ok()) return rows.status().WithContext(Describe(envelope));
  result.rows_inserted = rows->inserted;
  GK_RETURN_IF_ERROR(InsertJournal(statements, envelope, replica.NowMs(), source, kJournalApplied));
  GK_RETURN_IF_ERROR(RecordProvenance(statements, changeset, HashHex(envelope.id())));
  GK_RETURN_IF_ERROR(tx.Commit());
  result.outcome = ApplyOutcome::kApplied;
  return result;
}

}  // namespace gongkai
