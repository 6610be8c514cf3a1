// The county audit (hub/audit/audit_verify.h): one pass over the log in index order, then the
// completeness, trust-row and replica comparisons.
#include "hub/audit/audit_verify.h"

#include <stdlib.h>

#include <algorithm>
#include <map>
#include <system_error>
#include <vector>

#include "hub/audit/audit_database.h"
#include "hub/audit/audit_verify_replica.h"
#include "hub/log/log.h"
#include "node/replica/apply.h"
#include "node/replica/digest.h"
#include "node/replica/node_key.h"
#include "node/replica/replica.h"
#include "node/replica/sql.h"
#include "node/replica/synced_tables.h"
#include "protocol/certificate.h"
#include "protocol/checkpoint.h"
#include "protocol/envelope.h"
#include "protocol/file_io.h"
#include "protocol/key_file.h"
#include "protocol/merkle.h"
#include "protocol/receipt.h"
#include "protocol/region.h"

namespace gongkai {

namespace {

constexpr size_t kMaxKeyFileBytes = 4096;

std::string Index(uint64_t index) { return "日志第 " + std::to_string(index) + " 条"; }

class Findings {
 public:
  explicit Findings(AuditReport& report) : report_(report) {}

  void Problem(AuditFinding finding) {
    ++report_.problem_count;
    ++report_.problems_by_code[finding.code];
    if (report_.problems.size() < kMaxAuditFindingsKept)
      report_.problems.push_back(std::move(finding));
  }
  void Problem(const char* code, std::optional<uint64_t> index, std::string envelope_id,
               std::string message, std::string cause = {}) {
    Problem(
        AuditFinding{code, index, std::move(envelope_id), std::move(cause), std::move(message)});
  }
  void Warning(AuditFinding finding) {
    ++report_.warning_count;
    if (report_.warnings.size() < kMaxAuditFindingsKept)
      report_.warnings.push_back(std::move(finding));
  }

 private:
  AuditReport& report_;
};

// A private folder for the scratch replica, removed with everything in it.
class ScratchDir {
 public:
  static Result<ScratchDir> Make(const std::filesystem::path& parent) {
    std::error_code error;
    std::filesystem::path base =
        parent.empty() ? std::filesystem::temp_directory_path(error) : parent;
    std::string pattern = (base / "gongkai-audit-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return Status::IoError(kErrAuditOpen, "无法在 " + base.string() + " 建立临时目录");
    }
    return ScratchDir(pattern);
  }
  ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    std::error_code error;
    if (!path_.empty()) std::filesystem::remove_all(path_, error);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ScratchDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

// The right border of the tree over the leaves so far: one hash per set bit of the size.
class CompactRange {
 public:
  // Appends a leaf and calls done(level, position, hash) for every subtree of level >= 1
  // that it completes, lowest first.
  template <typename F>
  void Append(const Hash256& leaf, F&& done) {
    const uint64_t index = size_++;
    hashes_.push_back(leaf);
    for (int level = 0; (index >> level) & 1; ++level) {
      const Hash256 right = hashes_.back();
      hashes_.pop_back();
      hashes_.back() = NodeHash(hashes_.back(), right);
      done(level + 1, index >> (level + 1), hashes_.back());
    }
  }
  Hash256 Root() const {
    if (hashes_.empty()) return EmptyTreeRoot();
    Hash256 root = hashes_.back();
    for (size_t i = hashes_.size() - 1; i-- > 0;) root = NodeHash(hashes_[i], root);
    return root;
  }
  uint64_t size() const { return size_; }

 private:
  std::vector<Hash256> hashes_;
  uint64_t size_ = 0;
};

// A root some stored record claims for a tree size, checked when the pass reaches it.
struct ClaimedRoot {
  const char* code;  // audit.checkpoint or audit.receipt
  std::optional<uint64_t> index;
  std::string envelope_id;
  std::string what;  // Chinese, names the record
  Hash256 root;
};

// The audit code of an ApplyEnvelope refusal.
const char* ApplyFindingCode(std::string_view code) {
  if (code == kErrApplyUnknownSigner || code == kErrApplyRevoked || code.starts_with("cert.")) {
    return kAuditSigner;
  }
  if (code.starts_with("envelope.signature") || code.starts_with("envelope.signer")) {
    return kAuditSignature;
  }
  if (code.starts_with("chain.")) return kAuditChain;
  if (code == kErrApplyCertificateRow || code == kErrApplyRevocationRow) return kAuditTrustRow;
  return kAuditEnvelopeRules;
}

class Auditor {
 public:
  Auditor(sqlite3* hub, const HubIdentity& identity, Replica& rebuilt, const AuditOptions& options,
          AuditReport& report)
      : hub_(hub),
        identity_(identity),
        rebuilt_(rebuilt),
        options_(options),
        report_(report),
        findings_(report) {}

  Status Run() {
    // The scratch replica is attached now, because ATTACH cannot run inside a transaction,
    // and the whole audit reads the hub database in one read transaction: on a live hub
    // (--home while it serves) every check then sees the same snapshot. The scratch replica
    // is first read from this connection at the end, after its own connection committed.
    {
      GK_ASSIGN_OR_RETURN(Statement attach,
                          Statement::Prepare(hub_, "ATTACH DATABASE ? AS rebuilt"));
      attach.Bind(1, rebuilt_.path().string());
      GK_RETURN_IF_ERROR(attach.Run());
    }
    GK_RETURN_IF_ERROR(ExecSql(hub_, "BEGIN"));
    GK_RETURN_IF_ERROR(CopyKnownCertificates());
    GK_ASSIGN_OR_RETURN(std::optional<int64_t> total,
                        QueryInt(hub_, "SELECT count(*) FROM log_entry"));
    total_ = static_cast<uint64_t>(total.value_or(0));
    GK_RETURN_IF_ERROR(LoadCheckpoints());
    GK_RETURN_IF_ERROR(PassOverLog());
    GK_RETURN_IF_ERROR(AfterPass());
    return ExecSql(hub_, "COMMIT");
  }

 private:
  // Certificates the hub trusts outside envelopes (its own, given at enrolment).
  Status CopyKnownCertificates() {
    GK_ASSIGN_OR_RETURN(
        Statement rows,
        Statement::Prepare(hub_, "SELECT node_id, body FROM known_certificate ORDER BY node_id"));
    while (true) {
      GK_ASSIGN_OR_RETURN(bool more, rows.Step());
      if (!more) break;
      if (Status s = rebuilt_.AddKnownCertificate(rows.ColumnBlob(1)); !s.ok()) {
        findings_.Problem(kAuditCertificateRow, std::nullopt, "",
                          "已知证书表中节点 " + rows.ColumnText(0) +
                              " 的证书不是本县根密钥签发的：" + s.message(),
                          s.code());
      }
    }
    return Status::Ok();
  }

  Status LoadCheckpoints() {
    GK_ASSIGN_OR_RETURN(
        Statement rows,
        Statement::Prepare(hub_, "SELECT size, root, note FROM log_checkpoint ORDER BY size"));
    while (true) {
      GK_ASSIGN_OR_RETURN(bool more, rows.Step());
      if (!more) break;
      ++report_.checkpoints;
      const uint64_t size = static_cast<uint64_t>(rows.ColumnInt(0));
      const Bytes root = rows.ColumnBlob(1);
      const std::string what = "大小为 " + std::to_string(size) + " 的检查点";
      Result<Checkpoint> opened =
          OpenCheckpoint(rows.ColumnText(2), report_.origin, report_.origin, identity_.hub_key);
      // Findings about a checkpoint are told when the pass reaches its size, so that the
      // first finding is the earliest in the log.
      if (!opened.ok()) {
        deferred_[size].push_back(
            AuditFinding{kAuditCheckpoint, std::nullopt, "", opened.status().code(),
                         what + "的签名或格式不对：" + opened.status().message()});
        continue;
      }
      if (opened->size != size || root.size() != kHashSize ||
          !std::equal(root.begin(), root.end(), opened->root.begin())) {
        deferred_[size].push_back(AuditFinding{kAuditCheckpoint, std::nullopt, "", "",
                                               what + "的记录与其签名内容（大小、根哈希）不符"});
        continue;
      }
      if (size > total_) {
        deferred_[size].push_back(AuditFinding{
            kAuditCheckpointBeyond, std::nullopt, "", "",
            what + "超出日志现有的 " + std::to_string(total_) + " 条：日志被截短或回退"});
        continue;
      }
      claims_[size].push_back(ClaimedRoot{kAuditCheckpoint, std::nullopt, "", what, opened->root});
    }
    CheckClaims(0, EmptyTreeRoot());
    return Status::Ok();
  }

  void CheckClaims(uint64_t size, const Hash256& root) {
    if (auto deferred = deferred_.find(size); deferred != deferred_.end()) {
      for (AuditFinding& finding : deferred->second) findings_.Problem(std::move(finding));
      deferred_.erase(deferred);
    }
    auto found = claims_.find(size);
    if (found == claims_.end()) return;
    for (const ClaimedRoot& claim : found->second) {
      if (claim.root != root) {
        findings_.Problem(
            claim.code, claim.index, claim.envelope_id,
            claim.what + "所记大小 " + std::to_string(size) + " 时的根哈希与由信封重算的不符");
      }
    }
    claims_.erase(found);
  }

  Status PassOverLog() {
    GK_ASSIGN_OR_RETURN(
        entries_,
        Statement::Prepare(
            hub_, "SELECT idx, envelope_id, leaf_hash, received_at FROM log_entry ORDER BY idx"));
    GK_ASSIGN_OR_RETURN(
        journal_,
        Statement::Prepare(
            hub_,
            "SELECT origin, seq, prev, hlc, region, bytes FROM journal WHERE envelope_id = ?"));
    GK_ASSIGN_OR_RETURN(
        receipt_,
        Statement::Prepare(
            hub_, "SELECT log_index, tree_size, bytes FROM log_receipt WHERE envelope_id = ?"));
    GK_ASSIGN_OR_RETURN(
        subtree_,
        Statement::Prepare(hub_, "SELECT hash FROM log_subtree WHERE level = ? AND position = ?"));
    GK_RETURN_IF_ERROR(ExecSql(rebuilt_.db(), "BEGIN"));
    while (true) {
      GK_ASSIGN_OR_RETURN(bool more, entries_->Step());
      if (!more) break;
      GK_RETURN_IF_ERROR(CheckEntry());
      if (tree_.size() % kAuditApplyBatch == 0) {
        GK_RETURN_IF_ERROR(ExecSql(rebuilt_.db(), "COMMIT; BEGIN"));
      }
      if (options_.progress && tree_.size() % kAuditProgressStep == 0)
        options_.progress(tree_.size(), total_);
    }
    GK_RETURN_IF_ERROR(ExecSql(rebuilt_.db(), "COMMIT"));
    if (options_.progress) options_.progress(tree_.size(), total_);
    report_.log_size = tree_.size();
    report_.root = tree_.Root();
    return Status::Ok();
  }

  Status CheckEntry() {
    const uint64_t index = tree_.size();  // the position this row takes in the tree
    const int64_t stored_index = entries_->ColumnInt(0);
    const std::string id_hex = entries_->ColumnText(1);
    const Bytes leaf = entries_->ColumnBlob(2);
    const int64_t received_at = entries_->ColumnInt(3);
    // One finding per jump in the stored indexes, not one for every row after it.
    if (stored_index != next_stored_index_) {
      findings_.Problem(
          kAuditLogGap, index, id_hex,
          Index(index) + "缺失或错位：此处日志记为第 " + std::to_string(stored_index) + " 条");
    }
    next_stored_index_ = stored_index + 1;
    Hash256 id{};
    Result<Hash256> parsed = HexDecodeFixed<kHashSize>(id_hex);
    if (!parsed.ok() || HashHex(*parsed) != id_hex) {
      findings_.Problem(kAuditEntryId, index, id_hex,
                        Index(index) + "的信封编号不是 64 位小写十六进制数");
    } else {
      id = *parsed;
    }
    const Hash256 expected_leaf = EnvelopeLeafHash(id);
    if (leaf.size() != kHashSize || !std::equal(leaf.begin(), leaf.end(), expected_leaf.begin())) {
      findings_.Problem(kAuditLeafHash, index, id_hex,
                        Index(index) + "的叶哈希不是 SHA-256(0x00 ‖ 信封编号)");
    }
    GK_RETURN_IF_ERROR(AddLeaf(expected_leaf));
    if (parsed.ok()) {
      GK_RETURN_IF_ERROR(CheckReceipt(index, id, id_hex, received_at));
      GK_RETURN_IF_ERROR(CheckEnvelope(index, id, id_hex));
    }
    CheckClaims(tree_.size(), tree_.Root());
    return Status::Ok();
  }

  // The tree is recomputed from the envelope ids, so that a stored leaf hash that was
  // altered to match an altered subtree is still caught by the ids.
  Status AddLeaf(const Hash256& leaf) {
    Status failure;
    tree_.Append(leaf, [&](int level, uint64_t position, const Hash256& hash) {
      if (!failure.ok()) return;
      subtree_->Reset();
      subtree_->Bind(1, int64_t{level}).Bind(2, static_cast<int64_t>(position));
      Result<bool> found = subtree_->Step();
      if (!found.ok()) {
        failure = found.status();
        return;
      }
      const uint64_t first = position << level;
      const uint64_t last = ((position + 1) << level) - 1;
      const std::string range = "日志第 " + std::to_string(first) + "–" + std::to_string(last) +
                                " 条的子树（层 " + std::to_string(level) + "，位置 " +
                                std::to_string(position) + "）";
      if (!*found) {
        findings_.Problem(kAuditSubtree, last, "", range + "的哈希未存储");
        return;
      }
      const Bytes stored = subtree_->ColumnBlob(0);
      if (stored.size() != kHashSize || !std::equal(stored.begin(), stored.end(), hash.begin())) {
        findings_.Problem(kAuditSubtree, last, "", range + "的存储哈希与由信封编号重算的不符");
      }
    });
    return failure;
  }

  Status CheckReceipt(uint64_t index, const Hash256& id, const std::string& id_hex,
                      int64_t received_at) {
    receipt_->Reset();
    receipt_->Bind(1, id_hex);
    GK_ASSIGN_OR_RETURN(bool found, receipt_->Step());
    if (!found) return Status::Ok();
    const std::string what = Index(index) + "（信封 " + id_hex.substr(0, 12) + "）的回执";
    Result<Receipt> receipt = OpenReceipt(receipt_->ColumnBlob(2), identity_.hub_key);
    if (!receipt.ok()) {
      findings_.Problem(kAuditReceipt, index, id_hex,
                        what + "不是本汇聚节点签发的：" + receipt.status().message(),
                        receipt.status().code());
      return Status::Ok();
    }
    std::string wrong;
    if (receipt->envelope_id != id) {
      wrong = "所记信封编号不同";
    } else if (receipt->log_index != index ||
               receipt_->ColumnInt(0) != static_cast<int64_t>(index)) {
      wrong = "记其位于日志第 " + std::to_string(receipt->log_index) + " 条";
    } else if (static_cast<int64_t>(receipt->received_at_ms) != received_at) {
      wrong = "所记接收时间与日志条目不同";
    } else if (static_cast<int64_t>(receipt->tree_size) != receipt_->ColumnInt(1)) {
      wrong = "所记日志大小与回执表不同";
    } else if (receipt->tree_size > total_) {
      wrong = "所记日志大小 " + std::to_string(receipt->tree_size) + " 超出日志现有的 " +
              std::to_string(total_) + " 条";
    }
    if (!wrong.empty()) {
      findings_.Problem(kAuditReceipt, index, id_hex, what + wrong);
      return Status::Ok();
    }
    claims_[receipt->tree_size].push_back(
        ClaimedRoot{kAuditReceipt, index, id_hex, what, receipt->root});
    return Status::Ok();
  }

  Status CheckEnvelope(uint64_t index, const Hash256& id, const std::string& id_hex) {
    journal_->Reset();
    journal_->Bind(1, id_hex);
    GK_ASSIGN_OR_RETURN(bool found, journal_->Step());
    const std::string where = Index(index) + "（信封 " + id_hex + "）";
    if (!found) {
      findings_.Problem(kAuditNotJournaled, index, id_hex, where + "：数据库中没有这个信封");
      return Status::Ok();
    }
    Bytes bytes = journal_->ColumnBlob(5);
    if (Sha256(bytes) != id) {
      findings_.Problem(kAuditEnvelopeHash, index, id_hex,
                        where + "：存储的信封字节的 SHA-256 与信封编号不符（信封被改动）");
      return Status::Ok();
    }
    Result<Envelope> envelope = DecodeEnvelope(ByteView(bytes));
    if (!envelope.ok()) {
      findings_.Problem(kAuditEnvelopeDecode, index, id_hex,
                        where + "：存储的字节不是有效的信封：" + envelope.status().message(),
                        envelope.status().code());
      return Status::Ok();
    }
    if (journal_->ColumnText(0) != NodeIdHex(envelope->origin()) ||
        journal_->ColumnInt(1) != static_cast<int64_t>(envelope->seq()) ||
        journal_->ColumnText(2) != HashHex(envelope->prev()) ||
        journal_->ColumnInt(3) != static_cast<int64_t>(envelope->hlc()) ||
        journal_->ColumnText(4) != envelope->region()) {
      findings_.Problem(kAuditJournalHeader, index, id_hex,
                        where + "：日志库记录的来源、序号、前一信封、HLC 或区划与信封本身不符");
    }
    Result<ApplyResult> applied = ApplyEnvelope(rebuilt_, bytes, "audit");
    if (!applied.ok()) {
      const std::string code = applied.status().code();
      if (code.starts_with("sql.")) return applied.status();
      findings_.Problem(ApplyFindingCode(code), index, id_hex,
                        where + "：" + applied.status().message(), code);
    } else if (applied->outcome != ApplyOutcome::kApplied) {
      findings_.Problem(kAuditEnvelopeRules, index, id_hex,
                        where + "：重放时未被接受（重复或超出本县范围）");
    }
    return Status::Ok();
  }

  Status AfterPass() {
    // Stored subtrees beyond the log: a log cut back that kept its old hashes.
    GK_ASSIGN_OR_RETURN(
        Statement extra,
        Statement::Prepare(hub_,
                           "SELECT level, position FROM log_subtree WHERE level < 1 OR level > 63 "
                           "OR position >= (? >> level) ORDER BY level, position"));
    extra.Bind(1, static_cast<int64_t>(report_.log_size));
    while (true) {
      GK_ASSIGN_OR_RETURN(bool more, extra.Step());
      if (!more) break;
      findings_.Problem(kAuditSubtree, std::nullopt, "",
                        "存储了日志中不存在的子树（层 " + std::to_string(extra.ColumnInt(0)) +
                            "，位置 " + std::to_string(extra.ColumnInt(1)) +
                            "）：日志被截短或改动");
    }
    GK_ASSIGN_OR_RETURN(std::optional<int64_t> subtrees,
                        QueryInt(hub_, "SELECT count(*) FROM log_subtree"));
    report_.subtrees = static_cast<uint64_t>(subtrees.value_or(0));
    // Checkpoints of sizes the pass never reached: the log was cut back.
    for (auto& [size, findings] : deferred_) {
      for (AuditFinding& finding : findings) findings_.Problem(std::move(finding));
    }
    deferred_.clear();
    // Claims left over name sizes the pass never reached.
    for (const auto& [size, claims] : claims_) {
      for (const ClaimedRoot& claim : claims) {
        findings_.Problem(claim.code, claim.index, claim.envelope_id,
                          claim.what + "所记大小 " + std::to_string(size) + " 超出日志");
      }
    }
    GK_ASSIGN_OR_RETURN(
        Statement unlogged,
        Statement::Prepare(hub_,
                           "SELECT envelope_id FROM journal WHERE envelope_id NOT IN (SELECT "
                           "envelope_id FROM log_entry) ORDER BY rowid"));
    while (true) {
      GK_ASSIGN_OR_RETURN(bool more, unlogged.Step());
      if (!more) break;
      const std::string id = unlogged.ColumnText(0);
      findings_.Problem(kAuditNotLogged, std::nullopt, id,
                        "信封 " + id +
                            " 在数据库中却不在审计日志里（日志条目被删除或回退；汇聚节点重启时会补"
                            "记未入日志的信封）");
    }
    GK_ASSIGN_OR_RETURN(
        Statement orphans,
        Statement::Prepare(hub_,
                           "SELECT envelope_id, log_index FROM log_receipt WHERE envelope_id NOT "
                           "IN (SELECT envelope_id FROM log_entry) ORDER BY log_index"));
    while (true) {
      GK_ASSIGN_OR_RETURN(bool more, orphans.Step());
      if (!more) break;
      const std::string id = orphans.ColumnText(0);
      findings_.Problem(kAuditReceipt, static_cast<uint64_t>(orphans.ColumnInt(1)), id,
                        "信封 " + id + " 有回执（记为日志第 " +
                            std::to_string(orphans.ColumnInt(1)) + " 条），却不在审计日志里");
    }
    GK_ASSIGN_OR_RETURN(std::optional<int64_t> receipts,
                        QueryInt(hub_, "SELECT count(*) FROM log_receipt"));
    report_.receipts = static_cast<uint64_t>(receipts.value_or(0));
    GK_ASSIGN_OR_RETURN(std::optional<int64_t> journaled,
                        QueryInt(hub_, "SELECT count(*) FROM journal"));
    report_.journal_envelopes = static_cast<uint64_t>(journaled.value_or(0));
    GK_RETURN_IF_ERROR(ChainGaps());
    AuditSink sink = [this](AuditFinding finding) { findings_.Problem(std::move(finding)); };
    GK_RETURN_IF_ERROR(CheckTrustTables(hub_, identity_.node.root_public_key, sink));
    return CompareReplica(sink);
  }

  Status ChainGaps() {
    GK_ASSIGN_OR_RETURN(
        Statement gaps,
        Statement::Prepare(rebuilt_.db(),
                           "SELECT origin, count(*), max(seq) FROM journal GROUP BY origin HAVING "
                           "count(*) <> max(seq) ORDER BY origin"));
    while (true) {
      GK_ASSIGN_OR_RETURN(bool more, gaps.Step());
      if (!more) break;
      AuditFinding warning;
      warning.code = kAuditChainGap;
      warning.message = "节点 " + gaps.ColumnText(0) + " 的信封序号有缺口：日志中有 " +
                        std::to_string(gaps.ColumnInt(1)) + " 个，最大序号为 " +
                        std::to_string(gaps.ColumnInt(2)) + "（可能尚未送达汇聚节点）";
      findings_.Warning(std::move(warning));
    }
    return Status::Ok();
  }

  Status CompareReplica(const AuditSink& sink) {
    const std::vector<std::string_view>& tables = SyncedTableNames();
    const std::string county = report_.county;
    GK_ASSIGN_OR_RETURN(report_.replica_digest, TablesDigest(hub_, tables, county));
    GK_ASSIGN_OR_RETURN(report_.rebuilt_digest, TablesDigest(rebuilt_.db(), tables, county));
    entries_.reset();
    journal_.reset();
    receipt_.reset();
    subtree_.reset();
    // Left attached: VerifyHubDatabase closes this connection before the scratch folder goes.
    GK_RETURN_IF_ERROR(CompareReplicaTables(hub_, rebuilt_.db(), sink, report_.replica_rows));
    GK_RETURN_IF_ERROR(CompareProvenance(hub_, sink));
    return CheckRefusalRecords(hub_, rebuilt_.db(), identity_.node.root_public_key, sink);
  }

  sqlite3* hub_;
  const HubIdentity& identity_;
  Replica& rebuilt_;
  const AuditOptions& options_;
  AuditReport& report_;
  Findings findings_;
  uint64_t total_ = 0;
  int64_t next_stored_index_ = 0;
  CompactRange tree_;
  std::map<uint64_t, std::vector<ClaimedRoot>> claims_;
  std::map<uint64_t, std::vector<AuditFinding>> deferred_;  // by checkpoint size
  // Prepared by PassOverLog.
  std::optional<Statement> entries_;
  std::optional<Statement> journal_;
  std::optional<Statement> receipt_;
  std::optional<Statement> subtree_;
};

}  // namespace

Result<AuditReport> VerifyHubDatabase(const std::filesystem::path& db_path,
                                      const AuditOptions& options) {
  GK_ASSIGN_OR_RETURN(SqliteDb hub, OpenHubDatabaseReadOnly(db_path));
  GK_ASSIGN_OR_RETURN(HubIdentity identity, ReadHubIdentity(hub.get()));
  AuditReport report;
  report.county = identity.node.region;
  report.origin = CountyLogOrigin(report.county);
  GK_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Make(options.scratch_parent));
  ReplicaOptions replica_options;
  replica_options.busy_timeout_ms = 0;
  GK_ASSIGN_OR_RETURN(Replica rebuilt,
                      Replica::Open(scratch.path() / "rebuilt.db", replica_options));
  // A scratch copy that is thrown away needs no durability, and no write-ahead log.
  GK_RETURN_IF_ERROR(ExecSql(rebuilt.db(),
                             "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;"
                             " PRAGMA cache_size=-65536"));
  GK_RETURN_IF_ERROR(ExecSql(hub.get(), "PRAGMA cache_size=-65536"));
  GK_RETURN_IF_ERROR(rebuilt.SetIdentity(identity.node));
  Auditor auditor(hub.get(), identity, rebuilt, options, report);
  Status audited = auditor.Run();
  hub.reset();
  GK_RETURN_IF_ERROR(audited);
  return report;
}

Result<AuditReport> VerifyHubHome(const std::filesystem::path& home, const AuditOptions& options) {
  GK_ASSIGN_OR_RETURN(AuditReport report, VerifyHubDatabase(home / "replica.db", options));
  Findings findings(report);
  GK_ASSIGN_OR_RETURN(SqliteDb hub, OpenHubDatabaseReadOnly(home / "replica.db"));
  GK_ASSIGN_OR_RETURN(HubIdentity identity, ReadHubIdentity(hub.get()));
  Result<Bytes> root_file = ReadFileLimited((home / "root.key").string(), kMaxKeyFileBytes);
  Result<PublicKey> root =
      root_file.ok() ? KeyFilePublicKey(*root_file) : Result<PublicKey>(root_file.status());
  if (!root.ok()) {
    findings.Problem(kAuditHomeKeys, std::nullopt, "",
                     "无法读取 root.key 的公钥：" + root.status().message(), root.status().code());
  } else if (*root != identity.node.root_public_key) {
    findings.Problem(kAuditHomeKeys, std::nullopt, "", "root.key 的公钥不是数据库所信任的县根公钥");
  }
  Result<SecretKey> hub_key = LoadNodeKey(home / "hub.key");
  if (!hub_key.ok()) {
    findings.Problem(kAuditHomeKeys, std::nullopt, "",
                     "无法读取 hub.key：" + hub_key.status().message(), hub_key.status().code());
  } else if (hub_key->public_key() != identity.hub_key) {
    findings.Problem(kAuditHomeKeys, std::nullopt, "",
                     "hub.key 不是数据库中汇聚节点证书所载的密钥");
  }
  return report;
}

}  // namespace gongkai
