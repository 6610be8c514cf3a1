#include "node/replica/capture.h"

#include <optional>
#include <set>
#include <string>

#include "node/replica/changeset_rows.h"
#include "node/replica/journal.h"
#include "node/replica/local_schema.h"
#include "node/replica/provenance.h"
#include "node/replica/sql.h"
#include "node/replica/synced_tables.h"
#include "protocol/envelope.h"
#include "protocol/inspect.h"

namespace gongkai {

namespace {

Result<Bytes> TakeChangeset(sqlite3_session* session) {
  int size = 0;
  void* raw = nullptr;
  int rc = sqlite3session_changeset(session, &size, &raw);
  SqliteBuffer owned(raw, size);
  if (rc != SQLITE_OK) {
    return Status::Internal(kErrCaptureChangeset,
                            std::string("无法取得变更集: ") + sqlite3_errstr(rc));
  }
  return owned.ToBytes();
}

// The changeset of `writes`, recorded by a session on the synced tables only.
Result<Bytes> RunUnderSession(sqlite3* db, const CaptureWrites& writes, const CaptureStamp& stamp,
                              const CaptureFaults& faults) {
  sqlite3_session* raw = nullptr;
  int rc = sqlite3session_create(db, "main", &raw);
  SqliteSession session(raw);
  if (rc != SQLITE_OK) return SqlStatus(db, rc, "sqlite3session_create");
  for (std::string_view table : SyncedTableNames()) {
    rc = sqlite3session_attach(session.get(), std::string(table).c_str());
    if (rc != SQLITE_OK) return SqlStatus(db, rc, "sqlite3session_attach");
  }
  GK_RETURN_IF_ERROR(writes(db, stamp));
  if (faults.after_writes) GK_RETURN_IF_ERROR(faults.after_writes());
  return TakeChangeset(session.get());
}

}  // namespace

Result<CapturedEnvelope> Capture(Replica& replica, const SecretKey& key, HlcClock& clock,
                                 const CaptureWrites& writes, const CaptureFaults& faults) {
  GK_ASSIGN_OR_RETURN(NodeIdentity identity, replica.Identity());
  if (key.node_id() != identity.node_id) {
    return Status::Invalid(kErrCaptureKeyMismatch, "签名密钥 " + NodeIdHex(key.node_id()) +
                                                       " 不是本节点 " +
                                                       NodeIdHex(identity.node_id) + " 的密钥");
  }
  GK_ASSIGN_OR_RETURN(std::optional<Bytes> restored, replica.GetSetting(kSettingRestoredFrom));
  if (restored.has_value()) {
    return Status::Conflict(kErrCaptureRestored,
                            "本机数据是从备份恢复的, 还没有从县级平台取回备份之后本机签发的记录; "
                            "现在写入可能与那些记录重号. 请先同步 (gongkai sync), 再写入");
  }
  sqlite3* db = replica.db();
  GK_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db));

  GK_ASSIGN_OR_RETURN(Hlc persisted, replica.LastHlc());
  CaptureStamp stamp{NodeIdHex(identity.node_id), clock.Now()};
  if (stamp.hlc <= persisted) {
    return Status::Invalid(kErrCaptureClockBehind,
                           "时钟 " + HlcToString(stamp.hlc) + " 不晚于本节点上次记录的 " +
                               HlcToString(persisted) + "; 时钟须以 Replica::LastHlc() 创建");
  }

  GK_ASSIGN_OR_RETURN(Bytes changeset, RunUnderSession(db, writes, stamp, faults));
  if (changeset.empty()) {
    return Status::Invalid(kErrCaptureEmpty, "没有写入任何同步数据, 不生成信封");
  }
  GK_ASSIGN_OR_RETURN(std::set<std::string> regions, ChangesetRegions(db, changeset));
  if (regions.size() != 1) {
    std::string list;
    for (const std::string& r : regions) list += (list.empty() ? "" : ", ") + r;
    return Status::Invalid(kErrCaptureTwoRegions, "一次写入涉及多个区划 (" + list +
                                                      "); 一个信封只能属于一个区划, 请分开写入");
  }
  const std::string region = *regions.begin();
  // The same rules every receiver applies: refuse here what others would refuse.
  Signer self{NodeIdHex(identity.node_id), identity.role, identity.region};
  GK_RETURN_IF_ERROR(InspectChangeset(changeset, self, region, nullptr));

  GK_ASSIGN_OR_RETURN(std::optional<ChainLink> latest, LatestLink(db, identity.node_id));
  uint64_t seq = latest ? latest->seq + 1 : 1;
  Hash256 prev = latest ? latest->id : Hash256{};
  GK_ASSIGN_OR_RETURN(Bytes bytes, BuildEnvelope(seq, prev, stamp.hlc, region, changeset, key));
  GK_ASSIGN_OR_RETURN(Envelope envelope, DecodeEnvelope(ByteView(bytes)));

  GK_RETURN_IF_ERROR(
      InsertJournal(replica.statements(), envelope, replica.NowMs(), kSourceLocal, kJournalOwn));
  GK_RETURN_IF_ERROR(RecordProvenance(replica.statements(), changeset, HashHex(envelope.id())));
  GK_RETURN_IF_ERROR(replica.PutSetting(kSettingHlc, AsBytes(std::to_string(stamp.hlc))));
  if (faults.after_journal) GK_RETURN_IF_ERROR(faults.after_journal());
  GK_RETURN_IF_ERROR(tx.Commit());

  return CapturedEnvelope{envelope.id(), seq, region, stamp.hlc, std::move(bytes)};
}

}  // namespace gongkai
