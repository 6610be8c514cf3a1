// 自检 (`gongkai doctor`): the checks a support person asks a clerk to run over the phone,
// each with a plain Chinese finding and what to do.
//
// Thread-safety: one call at a time; RunNodeDoctor opens the home itself.
#ifndef GONGKAI_NODE_APP_DOCTOR_H_
#define GONGKAI_NODE_APP_DOCTOR_H_

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/status.h"

namespace gongkai {

// Free space in the home below kDoctorMinFreeBytes fails; below kDoctorLowFreeBytes warns.
inline constexpr uint64_t kDoctorMinFreeBytes = 100ull << 20;
inline constexpr uint64_t kDoctorLowFreeBytes = 1ull << 30;
// How long doctor waits for the hub (connect, and then the answer), in seconds.
inline constexpr int kDoctorHubTimeoutSeconds = 5;
// An envelope of this node without a county receipt for longer than this warns.
inline constexpr int64_t kDoctorPendingWarnMs = 3ll * 24 * 60 * 60 * 1000;

enum class CheckLevel { kOk, kWarn, kFail };
// "ok", "warn", "fail".
std::string_view CheckLevelName(CheckLevel level);

struct DoctorCheck {
  std::string id;  // stable: "home", "database", "certificate", ...
  CheckLevel level = CheckLevel::kOk;
  std::string message;  // the finding, Chinese
  std::string advice;   // what to do, Chinese; "" when nothing
};

// A CUPS queue as lpstat tells it.
struct PrinterProbe {
  bool lpstat_found = true;
  std::string queue;  // "" = no queue given and no default destination
  bool exists = false;
  bool accepting = false;
};

struct DoctorOptions {
  std::optional<std::string> printer;  // the queue to check; default the CUPS default
  int64_t now_ms = 0;                  // 0 = the system clock
  int hub_timeout_seconds = kDoctorHubTimeoutSeconds;
  // Replaceable for tests; default: lpstat (-d, -a QUEUE) and fontconfig (CheckSheetFont).
  std::function<PrinterProbe(const std::optional<std::string>&)> probe_printer;
  std::function<Status()> check_font;
};

// Runs every check on the node home `home`, in this order: home (folder writable, free
// space), database (opens, PRAGMA quick_check; a damaged file names the file), certificate
// (opens under the county root key, not revoked, node.key present and matching), clock (the
// hub's clock against this PC's, as the last sync measured it), hub (GET /v1/health within
// hub_timeout_seconds, the pinned TLS fingerprint; no hub address is ok for a node that
// syncs by U盘 only), outbox (this node's envelopes without a county receipt, and for how
// long), printer (the CUPS queue exists and accepts jobs; none configured warns), font (the
// sheet font). A check that cannot run because an earlier one failed says so and fails too.
// Never fails itself: every problem is a check.
std::vector<DoctorCheck> RunNodeDoctor(const std::string& home, const DoctorOptions& options);

// The checks gongkai-hub doctor shares. CheckDataFolder: `dir` is a folder, a file can be
// written in it, free space (kDoctorMinFreeBytes / kDoctorLowFreeBytes); id "home".
DoctorCheck CheckDataFolder(const std::filesystem::path& dir);
// PRAGMA quick_check of `db`, opened from the file `file` (named in the finding); id
// "database". `advice` is what to do when it is damaged.
DoctorCheck CheckDatabaseFile(sqlite3* db, const std::filesystem::path& file,
                              const std::string& advice);
// A check with its fields; advice may be empty.
DoctorCheck MakeCheck(std::string id, CheckLevel level, std::string message,
                      std::string advice = {});

// True when every check is kOk (warnings are not "all well").
bool DoctorAllOk(const std::vector<DoctorCheck>& checks);

// lpstat's view of `queue` (the default destination when nullopt). Bounded: lpstat asks the
// local CUPS server only.
PrinterProbe ProbePrinterWithLpstat(const std::optional<std::string>& queue);

}  // namespace gongkai

#endif  // GONGKAI_NODE_APP_DOCTOR_H_
