// HubMetrics (hub/app/hub_metrics.h).
#include "hub/app/hub_metrics.h"

#include <optional>
#include <system_error>

#include "hub/audit/audit_common.h"
#include "hub/audit/audit_settings.h"
#include "hub/audit/audit_stale.h"
#include "hub/server/tls_certificate.h"
#include "node/replica/sql.h"
#include "protocol/wall_clock.h"

namespace gongkai {

namespace {

// Appends one metric family with a single sample.
void Gauge(std::string& text, const std::string& name, const std::string& help, int64_t value,
           const std::string& labels = "") {
  text += "# HELP " + name + " " + help + "\n";
  text += "# TYPE " + name + " gauge\n";
  text += name + labels + " " + std::to_string(value) + "\n";
}

}  // namespace

Result<std::unique_ptr<HubMetrics>> HubMetrics::Open(const std::filesystem::path& home,
                                                     const HubService& service,
                                                     HubMetricsOptions options) {
  if (!options.wall_clock_ms) options.wall_clock_ms = WallClockMs;
  GK_ASSIGN_OR_RETURN(County county, OpenCounty(home));
  return std::unique_ptr<HubMetrics>(new HubMetrics(std::move(county), service, std::move(options)));
}

Result<std::string> HubMetrics::Collect() {
  const int64_t now_ms = options_.wall_clock_ms();
  std::string text;
  Gauge(text, "gongkai_hub_build_info", "The gongkai release this hub runs.", 1,
        "{version=\"" + PrometheusLabelValue(options_.version) + "\"}");
  text += HubCountersText(service_.Counters());

  std::lock_guard lock(mutex_);
  sqlite3* db = county_.replica().db();
  GK_ASSIGN_OR_RETURN(std::optional<int64_t> log_size,
                      QueryInt(db, "SELECT count(*) FROM log_entry"));
  Gauge(text, "gongkai_hub_log_size", "Entries in the audit log.", log_size.value_or(0));
  GK_ASSIGN_OR_RETURN(std::optional<int64_t> last_received,
                      QueryInt(db, "SELECT max(received_at) FROM log_entry"));
  if (last_received) {
    Gauge(text, "gongkai_hub_last_envelope_received_timestamp_seconds",
          "When the latest envelope in the audit log reached the hub (hub clock, Unix time).",
          *last_received / 1000);
  }
  GK_ASSIGN_OR_RETURN(std::optional<int64_t> refused_stored,
                      QueryInt(db, "SELECT count(*) FROM refused_envelope"));
  Gauge(text, "gongkai_hub_envelopes_refused_stored",
        "Refused envelopes kept in the hub database (each distinct refusal once).",
        refused_stored.value_or(0));

  GK_ASSIGN_OR_RETURN(NodeDirectory nodes,
                      LoadNodeDirectory(db, NodeIdHex(county_.hub_key().node_id())));
  int64_t enrolled = 0;
  int64_t revoked = 0;
  for (const auto& [id, node] : nodes.nodes) {
    if (node.is_hub) continue;
    ++enrolled;
    if (!node.revoked.empty()) ++revoked;
  }
  Gauge(text, "gongkai_hub_nodes", "Nodes with a certificate in the county replica.", enrolled);
  Gauge(text, "gongkai_hub_nodes_revoked", "Of those, nodes whose certificate is revoked.",
        revoked);
  GK_ASSIGN_OR_RETURN(AuditSettings settings, LoadAuditSettings(county_.replica()));
  GK_ASSIGN_OR_RETURN(std::vector<StaleNode> stale,
                      AuditStale(db, nodes, settings.stale_days, now_ms));
  Gauge(text, "gongkai_hub_nodes_stale",
        "Nodes not revoked whose data has not reached the hub for gongkai_hub_stale_days days.",
        static_cast<int64_t>(stale.size()));
  Gauge(text, "gongkai_hub_stale_days",
        "The county's threshold for a silent node (gongkai-hub audit settings audit.stale_days).",
        settings.stale_days);

  std::error_code ec;
  const std::filesystem::space_info space = std::filesystem::space(county_.home(), ec);
  if (!ec) {
    Gauge(text, "gongkai_hub_filesystem_avail_bytes",
          "Bytes free for the hub on the file system of its home.",
          static_cast<int64_t>(space.available));
    Gauge(text, "gongkai_hub_filesystem_size_bytes", "Size of the file system of the hub home.",
          static_cast<int64_t>(space.capacity));
  }
  if (!options_.tls_certificate.empty()) {
    GK_ASSIGN_OR_RETURN(int64_t not_after, TlsCertificateNotAfter(options_.tls_certificate));
    Gauge(text, "gongkai_hub_tls_certificate_expiry_timestamp_seconds",
          "When the hub's TLS certificate expires (Unix time).", not_after);
  }
  return text;
}

}  // namespace gongkai
