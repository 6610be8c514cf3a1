// What the hub tells Prometheus at `gongkai-hub serve --metrics-listen` (the listener is
// hub/server/metrics_listener.h; the table of metrics and sample alert rules are in
// hub/README.md, "Monitoring").
//
// HubMetrics reads the hub home through a database connection of its own and takes the
// service's counters from HubService::Counters, so a scrape never waits for the mutex a push
// holds. Every metric is named gongkai_hub_*; times are Unix seconds, sizes bytes:
//   build_info{version}                     1
//   start_time_seconds, *_total counters     (hub/server/service.h, HubCountersText)
//   log_size                                entries in the audit log
//   last_envelope_received_timestamp_seconds the latest entry's hub receipt time (absent
//                                           while the log is empty)
//   nodes, nodes_revoked                    certificates in the county replica (the hub's
//                                           own excluded), and how many of them are revoked
//   nodes_stale, stale_days                 nodes not revoked whose data has not reached
//                                           the hub for stale_days (hub/audit/audit_stale.h)
//   envelopes_refused_stored                refused envelopes kept in refused_envelope
//   filesystem_avail_bytes, filesystem_size_bytes   the file system of the hub home
//   tls_certificate_expiry_timestamp_seconds        the TLS certificate's notAfter (only
//                                           when the hub serves https)
//
// Thread-safety: Collect may be called from several threads; it serialises them.
#ifndef GONGKAI_HUB_APP_HUB_METRICS_H_
#define GONGKAI_HUB_APP_HUB_METRICS_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "hub/county/county.h"
#include "hub/server/service.h"
#include "protocol/status.h"

namespace gongkai {

struct HubMetricsOptions {
  std::string version;                     // the release, for build_info
  std::filesystem::path tls_certificate;   // empty: the hub serves plain http
  std::function<int64_t()> wall_clock_ms;  // defaults to the system clock
};

class HubMetrics {
 public:
  // Opens `home` a second time (OpenCounty) for reading. REQUIRES: service outlives this.
  static Result<std::unique_ptr<HubMetrics>> Open(const std::filesystem::path& home,
                                                  const HubService& service,
                                                  HubMetricsOptions options);

  // The whole scrape, Prometheus text format 0.0.4. Errors: sql.*, audit.* when the home
  // cannot be read.
  Result<std::string> Collect();

 private:
  HubMetrics(County county, const HubService& service, HubMetricsOptions options)
      : county_(std::move(county)), service_(service), options_(std::move(options)) {}

  std::mutex mutex_;
  County county_;  // guarded by mutex_
  const HubService& service_;
  const HubMetricsOptions options_;
};

}  // namespace gongkai

#endif  // GONGKAI_HUB_APP_HUB_METRICS_H_
