// ImportBundle (node/exchange/exchange.h).
#include <optional>
#include <string>
#include <vector>

#include "node/replica/apply.h"
#include "node/exchange/bundle_maker.h"
#include "node/exchange/bundle_spool.h"
#include "node/exchange/exchange.h"
#include "node/exchange/peer_state.h"
#include "node/replica/sql.h"
#include "node/replica/trust.h"
#include "protocol/envelope.h"

namespace gongkai {

namespace {

// A failure of this replica rather than of the envelope: the import stops, because going
// on would report sound envelopes as refused.
bool IsLocalFailure(const Status& status) {
  return status.kind() == StatusKind::kIoError || status.kind() == StatusKind::kUnavailable ||
         status.kind() == StatusKind::kInternal;
}

void AddRefusal(ImportReport& report, ByteView bytes, Status status) {
  ++report.refused_count;
  if (report.refused.size() >= kMaxReportedRefusals) return;
  RefusedEnvelope refused;
  refused.id = Sha256(bytes);
  // The spool holds only envelopes the bundle reader decoded, so this decodes again.
  if (auto envelope = DecodeEnvelope(bytes); envelope.ok()) {
    refused.origin = envelope->origin();
    refused.seq = envelope->seq();
    refused.region = envelope->region();
  }
  refused.status = std::move(status);
  report.refused.push_back(std::move(refused));
}

void Count(ImportReport& report, ApplyOutcome outcome) {
  switch (outcome) {
    case ApplyOutcome::kApplied:
      ++report.applied;
      break;
    case ApplyOutcome::kDuplicate:
      ++report.duplicate;
      break;
    case ApplyOutcome::kOutOfScope:
      ++report.out_of_scope;
      break;
  }
}

std::string Summary(const ImportReport& report) {
  return "applied=" + std::to_string(report.applied) +
         " duplicate=" + std::to_string(report.duplicate) +
         " out_of_scope=" + std::to_string(report.out_of_scope) +
         " refused=" + std::to_string(report.refused_count);
}

}  // namespace

Result<ImportReport> ImportBundle(Replica& replica, const std::filesystem::path& path,
                                  const ImportOptions& options) {
  GK_RETURN_IF_ERROR(replica.Identity().status());
  std::filesystem::path dir = options.spool_dir;
  if (dir.empty()) dir = replica.path().parent_path();
  if (dir.empty()) dir = ".";
  BundleSpool::Progress reading;
  if (options.progress) {
    reading = [&](size_t done, size_t total) {
      options.progress({ExchangeStep::kReading, done, total});
    };
  }
  // 1-2. The whole bundle and its maker, before anything is applied.
  GK_ASSIGN_OR_RETURN(BundleSpool spool, BundleSpool::Read(path, dir, reading));
  GK_ASSIGN_OR_RETURN(Certificate maker, TrustBundleMaker(replica, spool));
  // A maker this replica knew only from the certificate its bundle carries: kept as a known
  // certificate, so that the maker's own envelopes in the bundle verify.
  if (!spool.header().maker_certificate.empty()) {
    GK_ASSIGN_OR_RETURN(PublicKey root, replica.RootPublicKey());
    auto held = FindSignerCertificate(replica.db(), maker.subject_id(), root);
    if (!held.ok()) {
      if (held.status().code() != kErrApplyUnknownSigner) return held.status();
      GK_RETURN_IF_ERROR(replica.AddKnownCertificate(spool.header().maker_certificate));
    }
  }

  ImportReport report;
  report.maker = spool.header().maker();
  report.maker_region = maker.region;
  report.maker_role = maker.role;
  report.for_region = spool.header().for_region;
  report.created_hlc = spool.header().created_hlc;
  report.bytes = spool.file_size();
  report.envelopes = spool.size();
  report.peer_have = spool.have();
  const std::string label =
      options.source_label.empty() ? BundlePeerName(report.maker) : options.source_label;

  // 3. Each envelope on its own. One whose signer is not known yet waits for a later round
  // (true); only the indexes wait, so memory stays at 8 bytes per waiting envelope.
  // Envelopes are applied kApplyBatchSize at a time under one commit, each still all or
  // nothing on its own (a savepoint inside the batch): one fsync per batch instead of one
  // per envelope. A local failure rolls back the open batch; importing again redoes it.
  std::optional<Transaction> batch;
  size_t in_batch = 0;
  auto flush = [&]() -> Status {
    in_batch = 0;
    if (!batch) return Status::Ok();
    Status status = batch->Commit();
    batch.reset();
    return status;
  };
  auto attempt = [&](size_t index, bool may_wait) -> Result<bool> {
    GK_ASSIGN_OR_RETURN(Bytes bytes, spool.Envelope(index));
    if (!batch) {
      GK_ASSIGN_OR_RETURN(Transaction begun, Transaction::Begin(replica.db()));
      batch.emplace(std::move(begun));
    }
    ++in_batch;
    auto applied = ApplyEnvelope(replica, bytes, label);
    if (applied.ok()) {
      Count(report, applied->outcome);
      return false;
    }
    if (IsLocalFailure(applied.status())) return applied.status();
    if (may_wait && applied.status().code() == kErrApplyUnknownSigner) return true;
    AddRefusal(report, bytes, applied.status());
    return false;
  };
  auto attempt_and_flush = [&](size_t index, bool may_wait) -> Result<bool> {
    GK_ASSIGN_OR_RETURN(bool waits, attempt(index, may_wait));
    if (in_batch >= kApplyBatchSize) GK_RETURN_IF_ERROR(flush());
    return waits;
  };
  std::vector<size_t> waiting;
  for (size_t i = 0; i < spool.size(); ++i) {
    GK_ASSIGN_OR_RETURN(bool waits, attempt_and_flush(i, true));
    if (waits) waiting.push_back(i);
    if (options.progress) options.progress({ExchangeStep::kApplying, i + 1, spool.size()});
  }
  GK_RETURN_IF_ERROR(flush());
  while (!waiting.empty()) {
    std::vector<size_t> still;
    for (size_t i : waiting) {
      GK_ASSIGN_OR_RETURN(bool waits, attempt_and_flush(i, true));
      if (waits) still.push_back(i);
    }
    GK_RETURN_IF_ERROR(flush());
    if (still.size() == waiting.size()) {
      // No progress: a last try records why each is refused.
      for (size_t i : still) GK_RETURN_IF_ERROR(attempt_and_flush(i, false).status());
      GK_RETURN_IF_ERROR(flush());
      break;
    }
    waiting = std::move(still);
  }

  // 4. What the maker holds, for the next export to it.
  GK_RETURN_IF_ERROR(RecordPeerHave(replica, BundlePeerName(report.maker),
                                    {report.peer_have, report.created_hlc}, Summary(report)));
  return report;
}

}  // namespace gongkai
