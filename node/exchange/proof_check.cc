// Checking inclusion proof files on a node (node/exchange/proof_check.h).
#include "node/exchange/proof_check.h"

#include <optional>
#include <vector>

#include "node/exchange/hub_sync.h"
#include "node/replica/sql.h"
#include "protocol/checkpoint.h"
#include "protocol/region.h"

namespace gongkai {

Result<ProofCheck> CheckProofFile(const Replica& replica, std::string_view text) {
  ProofCheck check;
  GK_ASSIGN_OR_RETURN(check.proof, ParseProofFile(text));
  GK_ASSIGN_OR_RETURN(NodeIdentity self, replica.Identity());
  const std::string county = self.region.substr(0, 6);
  check.origin = CountyLogOrigin(county);
  GK_ASSIGN_OR_RETURN(std::vector<PublicKey> keys, CountyHubKeys(replica.db(), self));
  if (keys.empty()) {
    return Status::NotFound(kErrProofCheckNoHub,
                            "本节点没有县汇聚节点 " + county + " 的证书，无法核对");
  }
  Status last;
  bool verified = false;
  for (const PublicKey& key : keys) {
    Result<Checkpoint> checkpoint = VerifyProofFile(check.proof, check.origin, key);
    if (checkpoint.ok()) {
      check.checkpoint = *checkpoint;
      verified = true;
      break;
    }
    last = checkpoint.status();
  }
  if (!verified) return last;
  const std::string id = HashHex(check.proof.envelope_id);
  GK_ASSIGN_OR_RETURN(
      std::optional<int64_t> held,
      QueryInt(replica.db(), "SELECT count(*) FROM journal WHERE envelope_id = ?", id));
  check.in_journal = held.value_or(0) > 0;
  GK_ASSIGN_OR_RETURN(
      std::optional<int64_t> tables,
      QueryInt(replica.db(), "SELECT count(*) FROM sqlite_master WHERE name = 'hub_receipt'"));
  if (tables.value_or(0) > 0) {
    GK_ASSIGN_OR_RETURN(
        std::optional<int64_t> receipts,
        QueryInt(replica.db(), "SELECT count(*) FROM hub_receipt WHERE envelope_id = ?", id));
    check.has_receipt = receipts.value_or(0) > 0;
  }
  GK_ASSIGN_OR_RETURN(std::optional<Bytes> stored, replica.GetSetting(kSettingHubCheckpoint));
  if (stored) {
    // Stored only after it verified at sync; opened again for its size and root.
    Result<Checkpoint> previous = Status::NotFound(kErrProofCheckNoHub, "");
    for (const PublicKey& key : keys) {
      previous = OpenCheckpoint(AsChars(*stored), check.origin, check.origin, key);
      if (previous.ok()) break;
    }
    if (previous.ok()) {
      check.has_stored = true;
      check.stored_size = previous->size;
      check.contradicts_stored =
          previous->size == check.checkpoint.size && previous->root != check.checkpoint.root;
    }
  }
  return check;
}

}  // namespace gongkai
