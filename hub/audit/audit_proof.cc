// Inclusion proofs for villages (hub/audit/audit_proof.h).
#include "hub/audit/audit_proof.h"

#include <algorithm>
#include <string>

#include "hub/audit/audit_database.h"
#include "hub/log/log.h"
#include "hub/log/log_store.h"
#include "node/replica/sql.h"

namespace gongkai {

namespace {

constexpr size_t kMinEnvelopeRef = 6;

Result<std::string> FindEnvelope(sqlite3* db, std::string_view ref) {
  const bool hex = std::all_of(ref.begin(), ref.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (!hex || ref.size() < kMinEnvelopeRef || ref.size() > 2 * kHashSize) {
    return Status::Invalid(kErrProofEnvelopeRef, "信封编号应为 6 到 64 位小写十六进制数字");
  }
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "SELECT envelope_id FROM log_entry WHERE"
                                         " substr(envelope_id, 1, length(?1)) = ?1 LIMIT 2"));
  stmt.Bind(1, ref);
  GK_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) {
    return Status::NotFound(kErrProofUnknown,
                            "审计日志中没有编号为 " + std::string(ref) + " 的信封");
  }
  std::string id = stmt.ColumnText(0);
  GK_ASSIGN_OR_RETURN(bool more, stmt.Step());
  if (more) {
    return Status::Invalid(kErrProofAmbiguous,
                           "有不止一个信封的编号以 " + std::string(ref) + " 开头，请多给几位");
  }
  return id;
}

}  // namespace

Result<InclusionProofFile> MakeEnvelopeProof(const std::filesystem::path& db_path,
                                             std::string_view envelope_ref) {
  GK_ASSIGN_OR_RETURN(SqliteDb db, OpenHubDatabaseReadOnly(db_path));
  GK_ASSIGN_OR_RETURN(HubIdentity identity, ReadHubIdentity(db.get()));
  GK_ASSIGN_OR_RETURN(std::string id_hex, FindEnvelope(db.get(), envelope_ref));
  GK_ASSIGN_OR_RETURN(Statement latest, Statement::Prepare(db.get(),
                                                           "SELECT size, note FROM log_checkpoint"
                                                           " ORDER BY size DESC LIMIT 1"));
  GK_ASSIGN_OR_RETURN(bool signed_any, latest.Step());
  if (!signed_any) {
    return Status::NotFound(kErrProofNoCheckpoint, "汇聚节点尚未签发任何检查点");
  }
  InclusionProofFile proof;
  proof.tree_size = static_cast<uint64_t>(latest.ColumnInt(0));
  proof.checkpoint = latest.ColumnText(1);
  GK_ASSIGN_OR_RETURN(proof.envelope_id, HexDecodeFixed<kHashSize>(id_hex));
  LogStore store(db.get());
  GK_ASSIGN_OR_RETURN(std::optional<LogEntry> entry, store.EntryOf(proof.envelope_id));
  if (!entry) return Status::NotFound(kErrProofUnknown, "审计日志中没有信封 " + id_hex);
  proof.index = entry->index;
  if (proof.index >= proof.tree_size) {
    return Status::Unavailable(kErrProofNotCovered,
                               "信封 " + id_hex + " 是日志第 " + std::to_string(proof.index) +
                                   " 条，最新检查点只覆盖前 " + std::to_string(proof.tree_size) +
                                   " 条；汇聚节点签发下一个检查点后再试");
  }
  GK_ASSIGN_OR_RETURN(proof.path, store.InclusionProof(proof.index, proof.tree_size));
  GK_RETURN_IF_ERROR(
      VerifyProofFile(proof, CountyLogOrigin(identity.node.region), identity.hub_key).status());
  return proof;
}

}  // namespace gongkai
