// The county office's actions, one function each, for the `gongkai-hub` commands and the
// county console alike. Each takes the open County (hub/county/county.h) and plain inputs and
// returns a plain result or a Status; none prints or renders. The rules live below, in
// hub/county, hub/log and hub/audit.
//
// Thread-safety: one call at a time per County.
#ifndef GONGKAI_HUB_APP_COUNTY_ACTIONS_H_
#define GONGKAI_HUB_APP_COUNTY_ACTIONS_H_

#include <string>
#include <string_view>

#include "hub/audit/audit_common.h"
#include "hub/county/county.h"
#include "protocol/certificate.h"
#include "protocol/status.h"

namespace gongkai {

// The largest enrolment request file the county reads.
inline constexpr size_t kMaxRequestFileBytes = 64 * 1024;

// A certificate signed for an offline enrolment: the file to carry back to the node and
// what it says.
struct IssuedCertificate {
  Bytes file;  // protocol/certificate_file.h
  Certificate certificate;
};

// 离线登记: signs the enrolment request (the file's bytes) for `role` with the root key.
// Errors: those of EnrollFromRequest (hub/county/county.h) and of the certificate file.
Result<IssuedCertificate> EnrolOffline(County& county, std::string_view root_passphrase,
                                       ByteView request, Role role);

// Appends every envelope of the replica that the audit log lacks, and signs a checkpoint
// when any was appended. Called after anything enters the county's replica by another road
// than a push (a bundle import: `gongkai-hub bundle import`), so that nothing the county
// accepts is missing from its log.
Status AppendToCountyLog(County& county);

// The opened hub and its directory of nodes, for every audit query.
struct AuditSession {
  County county;
  NodeDirectory nodes;
  sqlite3* db() { return county.replica().db(); }
};

// Opens the hub home at `home` for the audit queries (their tables prepared).
Result<AuditSession> OpenAuditSession(const std::string& home);

}  // namespace gongkai

#endif  // GONGKAI_HUB_APP_COUNTY_ACTIONS_H_
