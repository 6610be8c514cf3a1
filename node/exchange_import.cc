// ImportBundle (node/exchange.h).
#include <string>
#include <vector>

#include "node/apply.h"
#include "node/bundle_maker.h"
#include "node/bundle_spool.h"
#include "node/exchange.h"
#include "node/peer_state.h"
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

  // 3. Each envelope on its own. Those whose signer is not known yet wait for a later round.
  std::vector<size_t> waiting;
  std::vector<Status> waiting_status;
  for (size_t i = 0; i < spool.size(); ++i) {
    GK_ASSIGN_OR_RETURN(Bytes bytes, spool.Envelope(i));
    auto applied = ApplyEnvelope(replica, bytes, label);
    if (applied.ok()) {
      Count(report, applied->outcome);
    } else if (IsLocalFailure(applied.status())) {
      return applied.status();
    } else if (applied.status().code() == kErrApplyUnknownSigner) {
      waiting.push_back(i);
      waiting_status.push_back(applied.status());
    } else {
      AddRefusal(report, bytes, applied.status());
    }
    if (options.progress) options.progress({ExchangeStep::kApplying, i + 1, spool.size()});
  }
  bool progressed = true;
  while (progressed && !waiting.empty()) {
    progressed = false;
    std::vector<size_t> still;
    std::vector<Status> still_status;
    for (size_t k = 0; k < waiting.size(); ++k) {
      GK_ASSIGN_OR_RETURN(Bytes bytes, spool.Envelope(waiting[k]));
      auto applied = ApplyEnvelope(replica, bytes, label);
      if (applied.ok()) {
        Count(report, applied->outcome);
        progressed = true;
      } else if (IsLocalFailure(applied.status())) {
        return applied.status();
      } else if (applied.status().code() == kErrApplyUnknownSigner) {
        still.push_back(waiting[k]);
        still_status.push_back(applied.status());
      } else {
        AddRefusal(report, bytes, applied.status());
      }
    }
    waiting = std::move(still);
    waiting_status = std::move(still_status);
  }
  for (size_t k = 0; k < waiting.size(); ++k) {
    GK_ASSIGN_OR_RETURN(Bytes bytes, spool.Envelope(waiting[k]));
    AddRefusal(report, bytes, waiting_status[k]);
  }

  // 4. What the maker holds, for the next export to it.
  GK_RETURN_IF_ERROR(RecordPeerHave(replica, BundlePeerName(report.maker),
                                    {report.peer_have, report.created_hlc}, Summary(report)));
  return report;
}

}  // namespace gongkai
