#include "hub/log/revocation_position.h"

#include <algorithm>

#include "node/replica/sql.h"

namespace gongkai {

Result<std::vector<RevocationPosition>> RevocationsOf(StatementCache& statements,
                                                      const NodeId& node) {
  // provenance names the envelope that brought each row; log_entry its position.
  GK_ASSIGN_OR_RETURN(
      StatementCache::Use stmt,
      statements.Get("SELECT r.revocation_id, r.reason, l.idx FROM revocation r"
                     " LEFT JOIN provenance p ON p.tbl = 'revocation' AND p.pk = r.revocation_id"
                     " LEFT JOIN log_entry l ON l.envelope_id = p.envelope_id"
                     " WHERE r.node_id = ? ORDER BY l.idx IS NULL, l.idx"));
  stmt->Bind(1, NodeIdHex(node));
  std::vector<RevocationPosition> out;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    RevocationPosition position;
    position.revocation_id = stmt->ColumnText(0);
    GK_ASSIGN_OR_RETURN(position.reason, ParseRevocationReason(stmt->ColumnText(1)));
    if (!stmt->ColumnIsNull(2)) position.log_index = static_cast<uint64_t>(stmt->ColumnInt(2));
    out.push_back(std::move(position));
  }
  return out;
}

Result<std::vector<RevocationPosition>> RevocationsOf(sqlite3* db, const NodeId& node) {
  StatementCache once(db);
  return RevocationsOf(once, node);
}

Status JudgeByLogPosition(sqlite3* db, const NodeId& signer, uint64_t position) {
  StatementCache once(db);
  return JudgeByLogPosition(once, signer, position);
}

Status JudgeByLogPosition(StatementCache& statements, const NodeId& signer, uint64_t position) {
  GK_ASSIGN_OR_RETURN(std::vector<RevocationPosition> revocations,
                      RevocationsOf(statements, signer));
  const RevocationPosition* first = nullptr;
  bool compromised = false;
  for (const RevocationPosition& r : revocations) {
    if (r.log_index && *r.log_index >= position) continue;  // takes effect after `position`
    if (first == nullptr) first = &r;
    compromised = compromised || r.reason == RevocationReason::kCompromised;
  }
  if (first == nullptr) return Status::Ok();
  const std::string where = first->log_index
                                ? "审计日志第 " + std::to_string(*first->log_index) + " 条"
                                : "待记入审计日志";
  if (compromised) {
    return Status::Denied(kErrHubRevokedCompromised, "签名者的密钥已按泄露吊销 (" + where +
                                                         "); 此后收到的信封一律拒收并留待县里复核");
  }
  return Status::Denied(kErrHubRevokedRetired,
                        "签名者的密钥已停用 (" + where + "); 此后收到的信封一律拒收");
}

Result<RevocationReview> ReviewRevoked(sqlite3* db, const NodeId& node) {
  RevocationReview review;
  GK_ASSIGN_OR_RETURN(std::vector<RevocationPosition> revocations, RevocationsOf(db, node));
  if (!revocations.empty()) review.revoked_at = revocations.front().log_index;
  GK_ASSIGN_OR_RETURN(Statement logged,
                      Statement::Prepare(db,
                                         "SELECT j.envelope_id, l.idx, l.received_at FROM journal j"
                                         " JOIN log_entry l ON l.envelope_id = j.envelope_id"
                                         " WHERE j.origin = ? AND (? IS NULL OR l.idx < ?)"
                                         " ORDER BY l.idx"));
  logged.Bind(1, NodeIdHex(node));
  if (review.revoked_at) {
    logged.Bind(2, static_cast<int64_t>(*review.revoked_at))
        .Bind(3, static_cast<int64_t>(*review.revoked_at));
  } else {
    logged.BindNull(2).BindNull(3);
  }
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, logged.Step());
    if (!row) break;
    review.receipted.push_back(
        {logged.ColumnText(0), static_cast<uint64_t>(logged.ColumnInt(1)), logged.ColumnInt(2)});
  }
  GK_ASSIGN_OR_RETURN(Statement refused,
                      Statement::Prepare(db,
                                         "SELECT id FROM refused_envelope WHERE origin = ?"
                                         " AND code IN (?, ?) ORDER BY id"));
  refused.Bind(1, NodeIdHex(node))
      .Bind(2, std::string_view(kErrHubRevokedRetired))
      .Bind(3, std::string_view(kErrHubRevokedCompromised));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, refused.Step());
    if (!row) break;
    review.refused_ids.push_back(refused.ColumnInt(0));
  }
  return review;
}

}  // namespace gongkai
