// 自检 of a hub home (`gongkai-hub doctor`), with the check list of node/app/doctor.h.
//
// Thread-safety: one call at a time; RunHubDoctor opens the home itself.
#ifndef GONGKAI_HUB_APP_HUB_DOCTOR_H_
#define GONGKAI_HUB_APP_HUB_DOCTOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "node/app/doctor.h"

namespace gongkai {

// The TLS certificate warns this many days before it expires.
inline constexpr int64_t kDoctorTlsWarnDays = 30;
// Refusals newer than this are counted by the "refusals" check.
inline constexpr int64_t kDoctorRefusalWindowMs = 7ll * 24 * 60 * 60 * 1000;

// Runs every check on the hub home `home`, in order: home (folder writable, free space),
// database (opens as a county, PRAGMA quick_check; a damaged file named), keys (root.key and
// hub.key present, readable, not readable by others), tls (tls.crt when present: readable,
// not expired, warns within kDoctorTlsWarnDays; none is ok, the hub then serves http), log
// (as many log entries as envelopes in the journal, the latest checkpoint present), stale
// (nodes not heard from in audit.stale_days: a warning), refusals (envelopes refused in the
// last kDoctorRefusalWindowMs: a warning). `now_ms` 0 = the system clock. Never fails itself.
std::vector<DoctorCheck> RunHubDoctor(const std::string& home, int64_t now_ms = 0);

}  // namespace gongkai

#endif  // GONGKAI_HUB_APP_HUB_DOCTOR_H_
