// SyncWithHub (node/exchange/hub_sync.h).
#include "node/exchange/hub_sync.h"

#include <map>

#include "node/replica/apply.h"
#include "node/exchange/exchange.h"
#include "node/exchange/hub_refusal.h"
#include "node/json/json_value.h"
#include "node/replica/sql.h"
#include "protocol/certificate.h"
#include "protocol/checkpoint.h"
#include "protocol/envelope_batch.h"
#include "protocol/merkle.h"
#include "protocol/receipt.h"

namespace gongkai {

Result<std::vector<PublicKey>> CountyHubKeys(sqlite3* db, const NodeIdentity& self) {
  const std::string county = self.region.substr(0, 6);
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "SELECT body FROM known_certificate UNION ALL"
                                         " SELECT body FROM certificate WHERE role = 'county'"));
  std::vector<PublicKey> keys;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    Result<Certificate> cert = OpenCertificate(stmt.ColumnBlob(0), self.root_public_key);
    if (cert.ok() && cert->role == Role::kCounty && cert->region == county) {
      keys.push_back(cert->subject_key);
    }
  }
  return keys;
}

namespace {

// The batch, results and checkpoint header names of hub/server/service.h (node/ does not link hub/).
constexpr char kMoreHeader[] = "X-Gongkai-More";
constexpr char kCheckpointHeader[] = "X-Gongkai-Checkpoint";

Result<PublicKey> HubKey(sqlite3* db, const NodeIdentity& self) {
  GK_ASSIGN_OR_RETURN(std::vector<PublicKey> keys, CountyHubKeys(db, self));
  if (keys.empty()) {
    return Status::NotFound(kErrSyncHubUnknown,
                            "本节点没有县汇聚节点 " + self.region.substr(0, 6) + " 的证书");
  }
  return keys.front();
}

Status Malformed(const std::string& what) {
  return Status::Invalid(kErrSyncAnswer, "汇聚服务器的应答无法解读：" + what);
}

struct Pending {
  std::string id;
  Bytes bytes;
};

Result<std::vector<Pending>> Unreceipted(sqlite3* db) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "SELECT envelope_id, bytes FROM journal WHERE source <> 'hub'"
                         " AND envelope_id NOT IN (SELECT envelope_id FROM hub_receipt)"
                         " AND envelope_id NOT IN"
                         " (SELECT envelope_id FROM hub_refusal WHERE permanent = 1)"
                         " ORDER BY hlc, origin, seq"));
  std::vector<Pending> out;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back({stmt.ColumnText(0), stmt.ColumnBlob(1)});
  }
  return out;
}

Status StoreReceipt(sqlite3* db, const std::string& id, const Receipt& receipt, ByteView bytes,
                    int64_t now_ms) {
  GK_ASSIGN_OR_RETURN(Statement insert,
                      Statement::Prepare(db,
                                         "INSERT OR IGNORE INTO hub_receipt(envelope_id, log_index,"
                                         " received_at, bytes, stored_at) VALUES (?, ?, ?, ?, ?)"));
  insert.Bind(1, id)
      .Bind(2, static_cast<int64_t>(receipt.log_index))
      .Bind(3, static_cast<int64_t>(receipt.received_at_ms))
      .Bind(4, bytes)
      .Bind(5, now_ms);
  GK_RETURN_IF_ERROR(insert.Step().status());
  GK_ASSIGN_OR_RETURN(Statement mark, Statement::Prepare(db,
                                                         "UPDATE journal SET status='receipted'"
                                                         " WHERE envelope_id=? AND status='own'"));
  mark.Bind(1, id);
  return mark.Step().status();
}

Status PushAll(Replica& replica, HubClient& client, const PublicKey& hub_key, int64_t now_ms,
               SyncReport& report, std::string& checkpoint) {
  GK_ASSIGN_OR_RETURN(std::vector<Pending> pending, Unreceipted(replica.db()));
  for (size_t start = 0; start < pending.size(); start += kMaxBatchEnvelopes) {
    const size_t end = std::min(pending.size(), start + kMaxBatchEnvelopes);
    std::vector<Bytes> envelopes;
    for (size_t n = start; n < end; ++n) envelopes.push_back(pending[n].bytes);
    // Compressed, opened for this node's zstd; a hub that cannot read it gets version 1.
    GK_ASSIGN_OR_RETURN(Bytes batch, EncodeCompressedBatch(envelopes, BatchCodec()));
    Result<HubResponse> sent =
        client.Send("POST", "/v1/push",
                    std::string_view(reinterpret_cast<const char*>(batch.data()), batch.size()));
    if (!sent.ok() && (sent.status().code() == kErrBatchCodec ||
                       sent.status().code() == kErrBatchVersion)) {
      GK_ASSIGN_OR_RETURN(batch, EncodeBatch(envelopes));
      sent = client.Send(
          "POST", "/v1/push",
          std::string_view(reinterpret_cast<const char*>(batch.data()), batch.size()));
    }
    GK_ASSIGN_OR_RETURN(HubResponse response, std::move(sent));
    report.pushed += end - start;
    GK_ASSIGN_OR_RETURN(JsonValue answer, ParseJsonObject(response.body));
    const JsonValue* results = answer.Find("results");
    if (results == nullptr || !results->is_array() || results->array().size() != end - start) {
      return Malformed("push results do not match the envelopes sent");
    }
    GK_ASSIGN_OR_RETURN(checkpoint, answer.StringOr("checkpoint", ""));
    GK_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(replica.db()));
    for (size_t n = start; n < end; ++n) {
      const JsonValue& result = results->array()[n - start];
      GK_ASSIGN_OR_RETURN(std::string id, result.StringOr("id", ""));
      GK_ASSIGN_OR_RETURN(std::string outcome, result.StringOr("outcome", ""));
      if (id != pending[n].id)
        return Malformed("push result " + std::to_string(n) + " names another envelope");
      if (outcome == "refused") {
        SyncRefusal refusal{id, "", "", true};
        GK_ASSIGN_OR_RETURN(refusal.code, result.StringOr("code", ""));
        GK_ASSIGN_OR_RETURN(refusal.message, result.StringOr("message", ""));
        GK_RETURN_IF_ERROR(
            RecordHubRefusal(replica.db(), id, refusal.code, refusal.message, now_ms));
        report.refused.push_back(std::move(refusal));
        continue;
      }
      if (outcome == "out_of_scope") continue;
      if (outcome == "applied") ++report.push_applied;
      if (outcome == "duplicate") ++report.push_duplicate;
      GK_ASSIGN_OR_RETURN(std::string receipt_text, result.StringOr("receipt", ""));
      GK_ASSIGN_OR_RETURN(Bytes receipt_bytes, Base64Decode(receipt_text));
      GK_ASSIGN_OR_RETURN(Receipt receipt, OpenReceipt(receipt_bytes, hub_key));
      if (HexEncode(receipt.envelope_id) != id) {
        return Status::Invalid(kErrSyncReceiptMismatch, "回执不是为所发送的信封 " + id + " 开具的");
      }
      GK_RETURN_IF_ERROR(StoreReceipt(replica.db(), id, receipt, receipt_bytes, now_ms));
      GK_RETURN_IF_ERROR(ForgetHubRefusal(replica.db(), id));
      ++report.receipts;
    }
    GK_RETURN_IF_ERROR(transaction.Commit());
  }
  return Status::Ok();
}

Status PullAll(Replica& replica, HubClient& client, SyncReport& report, std::string& checkpoint) {
  for (size_t round = 0; round < kMaxPullRounds; ++round) {
    GK_ASSIGN_OR_RETURN(HaveSummary have, HaveOf(replica));
    GK_ASSIGN_OR_RETURN(Bytes have_bytes, have.Encode());
    GK_ASSIGN_OR_RETURN(
        HubResponse response,
        client.Send(
            "POST", "/v1/pull?batch=2&codec=" + std::to_string(BatchCodec()),
            std::string_view(reinterpret_cast<const char*>(have_bytes.data()), have_bytes.size())));
    ++report.pull_rounds;
    auto note = response.headers.find(kCheckpointHeader);
    if (note == response.headers.end()) return Malformed("pull answer without a checkpoint");
    GK_ASSIGN_OR_RETURN(Bytes note_bytes, Base64Decode(note->second));
    checkpoint.assign(note_bytes.begin(), note_bytes.end());
    GK_ASSIGN_OR_RETURN(OpenedBatch batch, OpenBatch(AsBytes(response.body)));
    const std::vector<ByteView>& envelopes = batch.envelopes;
    size_t applied_now = 0;
    {
      GK_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(replica.db()));
      for (ByteView envelope : envelopes) {
        ++report.pulled;
        Result<ApplyResult> applied = ApplyEnvelope(replica, envelope, "hub");
        if (!applied.ok()) {
          const Status& status = applied.status();
          if (status.kind() == StatusKind::kIoError || status.kind() == StatusKind::kUnavailable ||
              status.kind() == StatusKind::kInternal) {
            return status;
          }
          report.refused.push_back(
              {HexEncode(Sha256(envelope)), status.code(), status.message(), false});
          continue;
        }
        switch (applied->outcome) {
          case ApplyOutcome::kApplied:
            ++report.pull_applied;
            ++applied_now;
            break;
          case ApplyOutcome::kDuplicate:
            ++report.pull_duplicate;
            break;
          case ApplyOutcome::kOutOfScope:
            ++report.pull_out_of_scope;
            break;
        }
      }
      GK_RETURN_IF_ERROR(transaction.Commit());
    }
    auto more = response.headers.find(kMoreHeader);
    const bool has_more = more != response.headers.end() && more->second == "1";
    // Envelopes refused here are offered again by the hub: stop once a round brings nothing new.
    if (!has_more || applied_now == 0) break;
  }
  return Status::Ok();
}

Result<std::vector<Hash256>> ParseProof(const JsonValue& answer) {
  const JsonValue* proof = answer.Find("proof");
  if (proof == nullptr || !proof->is_array()) return Malformed("consistency proof");
  std::vector<Hash256> out;
  for (const JsonValue& item : proof->array()) {
    if (!item.is_string()) return Malformed("consistency proof");
    Result<Bytes> hash = Base64Decode(item.string());
    if (!hash.ok() || hash->size() != kHashSize) return Malformed("consistency proof hash");
    Hash256 h{};
    std::copy(hash->begin(), hash->end(), h.begin());
    out.push_back(h);
  }
  return out;
}

Status CheckCheckpoint(Replica& replica, HubClient& client, const NodeIdentity& self,
                       const PublicKey& hub_key, const std::string& note, SyncReport& report) {
  const std::string origin = CountyLogOrigin(self.region);
  GK_ASSIGN_OR_RETURN(Checkpoint latest, OpenCheckpoint(note, origin, origin, hub_key));
  report.checkpoint_size = latest.size;
  GK_ASSIGN_OR_RETURN(std::optional<Bytes> stored, replica.GetSetting(kSettingHubCheckpoint));
  if (stored) {
    const std::string stored_note(stored->begin(), stored->end());
    GK_ASSIGN_OR_RETURN(Checkpoint previous, OpenCheckpoint(stored_note, origin, origin, hub_key));
    report.had_checkpoint = true;
    report.previous_checkpoint_size = previous.size;
    const Status rewritten = Status::Conflict(
        kErrSyncHistoryRewritten, "hub history rewritten：汇聚服务器的日志（" +
                                      std::to_string(latest.size) + " 条）与上次同步时的检查点（" +
                                      std::to_string(previous.size) + " 条）不一致");
    if (latest.size < previous.size) return rewritten;
    if (latest.size == previous.size) {
      if (latest.root != previous.root) return rewritten;
    } else {
      GK_ASSIGN_OR_RETURN(
          HubResponse response,
          client.Send("GET", "/v1/proof/consistency?old=" + std::to_string(previous.size) +
                                 "&new=" + std::to_string(latest.size)));
      GK_ASSIGN_OR_RETURN(JsonValue answer, ParseJsonObject(response.body));
      GK_ASSIGN_OR_RETURN(std::vector<Hash256> proof, ParseProof(answer));
      if (!VerifyConsistency(previous.size, latest.size, proof, previous.root, latest.root).ok()) {
        return rewritten;
      }
    }
  }
  return replica.PutSetting(kSettingHubCheckpoint, AsBytes(note));
}

}  // namespace

Status EnsureHubReceiptTable(sqlite3* db) {
  return ExecSql(db,
                 "CREATE TABLE IF NOT EXISTS hub_receipt("
                 " envelope_id TEXT PRIMARY KEY NOT NULL CHECK(length(envelope_id) = 64),"
                 " log_index INTEGER NOT NULL,"
                 " received_at INTEGER NOT NULL,"
                 " bytes BLOB NOT NULL,"
                 " stored_at INTEGER NOT NULL) STRICT");
}

Result<SyncReport> SyncWithHub(Replica& replica, HubClient& client, int64_t now_ms) {
  GK_ASSIGN_OR_RETURN(NodeIdentity self, replica.Identity());
  GK_RETURN_IF_ERROR(EnsureHubReceiptTable(replica.db()));
  GK_RETURN_IF_ERROR(EnsureHubRefusalTable(replica.db()));
  GK_ASSIGN_OR_RETURN(PublicKey hub_key, HubKey(replica.db(), self));
  SyncReport report;
  GK_ASSIGN_OR_RETURN(std::optional<int64_t> withheld,
                      QueryInt(replica.db(),
                               "SELECT count(*) FROM hub_refusal WHERE permanent = 1"
                               " AND envelope_id NOT IN (SELECT envelope_id FROM hub_receipt)"));
  report.withheld = static_cast<size_t>(withheld.value_or(0));
  std::string checkpoint;
  GK_RETURN_IF_ERROR(PushAll(replica, client, hub_key, now_ms, report, checkpoint));
  GK_RETURN_IF_ERROR(PullAll(replica, client, report, checkpoint));
  GK_RETURN_IF_ERROR(CheckCheckpoint(replica, client, self, hub_key, checkpoint, report));
  return report;
}

}  // namespace gongkai
