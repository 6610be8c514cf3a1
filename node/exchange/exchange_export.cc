// HaveOf and ExportBundle (node/exchange/exchange.h).
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "node/exchange/certificate_carriers.h"
#include "node/exchange/envelope_selection.h"
#include "node/exchange/exchange.h"
#include "node/exchange/exchange_order.h"
#include "node/replica/sql.h"
#include "protocol/region.h"

namespace gongkai {

namespace {

Result<NodeId> OriginFromHex(const std::string& hex) {
  auto id = HexDecodeFixed<kNodeIdSize>(hex);
  // The journal's CHECKs keep this well formed; a hand-edited file is reported, not guessed.
  if (!id.ok()) return Status::Internal(kErrSqlFailed, "journal.origin 不是 32 位十六进制: " + hex);
  return *id;
}

// The role whose read scope a receiver of `region` has: the one its level fits.
Role ReaderRole(std::string_view region) {
  switch (RegionLevelOf(region)) {
    case RegionLevel::kVillage:
      return Role::kVillage;
    case RegionLevel::kTownship:
      return Role::kTownship;
    case RegionLevel::kCounty:
      break;
  }
  return Role::kCounty;
}

// A journal envelope chosen for the bundle.
struct Candidate {
  int64_t rowid = 0;
  uint64_t size = 0;
};

// A receiver's read scope as SQL over a region column: the codes of its ancestors and its
// own (exact), and those below it (a range: every code that starts with the receiver's and is
// longer sorts between it and its last digit raised by one). Rows it lets through are still
// checked with InReadScope; it only lets SQLite skip, by index, the rows of other villages
// and townships.
struct ScopeClause {
  std::string reader;
  std::string upper;  // reader with its last digit raised: the end of the range below it

  explicit ScopeClause(std::string_view region) : reader(region), upper(region) {
    if (!upper.empty()) upper.back() = static_cast<char>(upper.back() + 1);
  }
  // "(col IN (?a,?b,?c) OR (col > ?d AND col < ?e))" with parameters numbered from `first`.
  static std::string Sql(std::string_view column, int first) {
    auto p = [&](int n) { return "?" + std::to_string(first + n); };
    const std::string c(column);
    return "(" + c + " IN (" + p(0) + "," + p(1) + "," + p(2) + ") OR (" + c + " > " + p(3) +
           " AND " + c + " < " + p(4) + "))";
  }
  void Bind(Statement& statement, int first) const {
    const std::string_view code = reader;
    const std::string_view county = code.substr(0, std::min(code.size(), kCountyCodeLength));
    const std::string_view township =
        code.size() >= kTownshipCodeLength ? code.substr(0, kTownshipCodeLength) : county;
    statement.Bind(first, county).Bind(first + 1, township).Bind(first + 2, code);
    statement.Bind(first + 3, code).Bind(first + 4, std::string_view(upper));
  }
};

struct Selection {
  std::vector<Candidate> candidates;
  std::vector<OrderItem> items;  // parallel to candidates
  std::vector<OrderRevocation> revocations;
};

// The journal rows of a receiver's read scope (all when unscoped), in (origin, seq) order.
std::string JournalSql(bool scoped) {
  return std::string("SELECT j.rowid, j.envelope_id, j.origin, j.seq, j.hlc, j.region,"
                     " length(j.bytes) FROM journal j") +
         (scoped ? " WHERE " + ScopeClause::Sql("j.region", 1) : std::string()) +
         " ORDER BY j.origin, j.seq";
}

// The journal envelopes within `for_region`'s read scope that `peer_have` lacks, less the
// envelopes that bring only certificates the receiver does not need (CertificateCarriers: of
// nodes outside its read scope, neither its ancestors, nor itself, nor a writer within its
// subtree; an envelope with a revocation or any other row always goes in), so that a village
// receives O(1) certificates, not one per village of the county. With what the order needs
// to know about them: which of them carries the certificate of another's signer, and which a
// revocation. `carriers` is brought up to date here; nullptr: one is read for this call.
Result<Selection> Select(sqlite3* db, const ExportOptions& options,
                         CertificateCarriers* carriers) {
  const bool scoped = !options.for_region.empty();
  const Role reader = scoped ? ReaderRole(options.for_region) : Role::kCounty;
  std::optional<CertificateCarriers> own;
  if (scoped) {
    if (!carriers) carriers = &own.emplace();
    GK_RETURN_IF_ERROR(carriers->CatchUp(db));
  }
  GK_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, JournalSql(scoped)));
  if (scoped) ScopeClause(options.for_region).Bind(stmt, 1);
  Selection out;
  std::map<std::string, size_t> index_of;  // envelope id (hex) -> its item
  std::map<std::string, NodeId> origins;   // hex -> id, of the items
  std::string origin_hex;
  NodeId origin{};
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (scoped && !InReadScope(reader, options.for_region, stmt.ColumnText(5))) continue;
    if (std::string hex = stmt.ColumnText(2); hex != origin_hex) {
      GK_ASSIGN_OR_RETURN(origin, OriginFromHex(hex));
      origin_hex = std::move(hex);
    }
    const auto seq = static_cast<uint64_t>(stmt.ColumnInt(3));
    if (options.peer_have && options.peer_have->Contains(origin, seq)) continue;
    std::string id = stmt.ColumnText(1);
    if (scoped && carriers->Unneeded(id, reader, options.for_region)) continue;
    origins.emplace(origin_hex, origin);
    index_of[std::move(id)] = out.items.size();
    out.candidates.push_back({stmt.ColumnInt(0), static_cast<uint64_t>(stmt.ColumnInt(6))});
    out.items.push_back({origin, seq, static_cast<Hlc>(stmt.ColumnInt(4)), kNoOrderItem});
  }
  // Each offered signer's certificate, when the envelope that brought it is offered too.
  GK_ASSIGN_OR_RETURN(Statement carrier,
                      Statement::Prepare(db,
                                         "SELECT envelope_id FROM provenance"
                                         " WHERE tbl='certificate' AND pk=?"));
  std::map<NodeId, size_t> certificate_item;
  for (const auto& [hex, node] : origins) {
    carrier.Reset();
    carrier.Bind(1, hex);
    GK_ASSIGN_OR_RETURN(bool row, carrier.Step());
    if (!row) continue;
    if (auto it = index_of.find(carrier.ColumnText(0)); it != index_of.end()) {
      certificate_item[node] = it->second;
    }
  }
  for (OrderItem& item : out.items) {
    if (auto it = certificate_item.find(item.origin); it != certificate_item.end()) {
      item.certificate_from = it->second;
    }
  }
  GK_ASSIGN_OR_RETURN(Statement revocations,
                      Statement::Prepare(db,
                                         "SELECT p.envelope_id, r.node_id FROM revocation r"
                                         " JOIN provenance p ON p.tbl='revocation'"
                                         " AND p.pk=r.revocation_id"));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, revocations.Step());
    if (!row) break;
    auto it = index_of.find(revocations.ColumnText(0));
    if (it == index_of.end()) continue;
    auto node = HexDecodeFixed<kNodeIdSize>(revocations.ColumnText(1));
    if (node.ok()) out.revocations.push_back({it->second, *node});
  }
  return out;
}

}  // namespace

Result<HaveSummary> HaveOf(const Replica& replica) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(replica.db(), "SELECT origin, seq FROM journal ORDER BY origin, seq"));
  HaveSummary have;
  std::string run_origin;
  NodeId origin{};
  SeqRange run{0, 0};
  auto flush = [&] {
    if (run.first != 0) have.AddRange(origin, run);
  };
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    std::string hex = stmt.ColumnText(0);
    const auto seq = static_cast<uint64_t>(stmt.ColumnInt(1));
    if (hex == run_origin && seq == run.last + 1) {
      run.last = seq;
      continue;
    }
    flush();
    if (hex != run_origin) {
      GK_ASSIGN_OR_RETURN(origin, OriginFromHex(hex));
      run_origin = std::move(hex);
    }
    run = {seq, seq};
  }
  flush();
  return have;
}

Result<ExportReport> ExportBundle(const Replica& replica, const SecretKey& key,
                                  const std::filesystem::path& path, const ExportOptions& options) {
  GK_ASSIGN_OR_RETURN(NodeIdentity self, replica.Identity());
  if (key.node_id() != self.node_id) {
    return Status::Invalid(
        kErrExchangeKeyMismatch,
        "密钥 " + NodeIdHex(key.node_id()) + " 不是本节点 " + NodeIdHex(self.node_id) + " 的密钥");
  }
  if (!options.for_region.empty()) {
    GK_RETURN_IF_ERROR(ValidateRegion(options.for_region).WithContext("接收方区划"));
  }
  BundleHeader header;
  header.version = options.bundle_version;
  header.maker_key = key.public_key();
  header.for_region = options.for_region;
  // Our certificate, so that a receiver with only the root key can check who made the file
  // (version 1 has no room for it).
  if (header.version != kBundleVersionWithoutCertificate) header.maker_certificate = self.certificate;
  header.created_hlc = options.created_hlc;
  if (header.created_hlc == 0) {
    GK_ASSIGN_OR_RETURN(header.created_hlc, replica.LastHlc());
  }
  // Our summary goes first: what it claims we hold we do hold, whatever is written meanwhile.
  GK_ASSIGN_OR_RETURN(HaveSummary have, HaveOf(replica));
  GK_ASSIGN_OR_RETURN(Bytes have_bytes, have.Encode());
  GK_ASSIGN_OR_RETURN(Selection selection, Select(replica.db(), options, nullptr));
  std::vector<size_t> order = ExportOrder(selection.items, selection.revocations);

  // The longest front part of the order within the limits.
  const size_t max_envelopes = std::min(options.max_envelopes, kMaxBundleEnvelopes);
  const uint64_t max_bytes = std::min<uint64_t>(options.max_bytes, kMaxBundleSize);
  uint64_t total = kBundleRegionOffset + 1 + header.for_region.size() + 2 +
                   header.maker_certificate.size() + 4 + 4 + have_bytes.size() + kSignatureSize;
  if (total > max_bytes) {
    return Status::TooLarge(kErrBundleTooLarge, "数据包上限 " + std::to_string(max_bytes) +
                                                    " 字节容不下包头和本节点的持有摘要");
  }
  size_t count = 0;
  while (count < order.size() && count < max_envelopes &&
         total + 4 + selection.candidates[order[count]].size <= max_bytes) {
    total += 4 + selection.candidates[order[count]].size;
    ++count;
  }
  header.envelope_count = static_cast<uint32_t>(count);

  GK_ASSIGN_OR_RETURN(BundleWriter writer, BundleWriter::Create(path, header));
  GK_ASSIGN_OR_RETURN(Statement fetch,
                      Statement::Prepare(replica.db(), "SELECT bytes FROM journal WHERE rowid=?"));
  for (size_t n = 0; n < count; ++n) {
    fetch.Reset();
    fetch.Bind(1, selection.candidates[order[n]].rowid);
    GK_ASSIGN_OR_RETURN(bool row, fetch.Step());
    if (!row) return Status::Internal(kErrSqlFailed, "journal row vanished during export");
    GK_RETURN_IF_ERROR(writer.Add(fetch.ColumnBlob(0)));
    if (options.progress) options.progress({ExchangeStep::kWriting, n + 1, count});
  }
  GK_RETURN_IF_ERROR(writer.Finish(have, key));
  ExportReport report;
  report.path = path;
  report.envelopes = count;
  report.left_out = order.size() - count;
  report.bytes = writer.size();
  return report;
}

Result<EnvelopeSelection> SelectEnvelopes(const Replica& replica, const SelectOptions& wanted) {
  ExportOptions options;
  options.for_region = wanted.for_region;
  options.peer_have = wanted.peer_have;
  options.max_envelopes = wanted.max_envelopes;
  options.max_bytes = wanted.max_bytes;
  if (!options.for_region.empty()) {
    GK_RETURN_IF_ERROR(ValidateRegion(options.for_region).WithContext("接收方区划"));
  }
  GK_ASSIGN_OR_RETURN(Selection selection, Select(replica.db(), options, wanted.carriers));
  std::vector<size_t> order = ExportOrder(selection.items, selection.revocations);
  size_t count = 0;
  uint64_t total = 0;
  while (count < order.size() && count < options.max_envelopes &&
         (count == 0 || total + selection.candidates[order[count]].size <= options.max_bytes)) {
    total += selection.candidates[order[count]].size;
    ++count;
  }
  GK_ASSIGN_OR_RETURN(Statement fetch,
                      Statement::Prepare(replica.db(), "SELECT bytes FROM journal WHERE rowid=?"));
  EnvelopeSelection out;
  out.envelopes.reserve(count);
  for (size_t n = 0; n < count; ++n) {
    fetch.Reset();
    fetch.Bind(1, selection.candidates[order[n]].rowid);
    GK_ASSIGN_OR_RETURN(bool row, fetch.Step());
    if (!row) return Status::Internal(kErrSqlFailed, "journal row vanished during selection");
    out.envelopes.push_back(fetch.ColumnBlob(0));
  }
  out.left_out = order.size() - count;
  return out;
}

}  // namespace gongkai
