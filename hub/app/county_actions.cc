#include "hub/app/county_actions.h"

#include "hub/log/log.h"
#include "protocol/certificate_file.h"
#include "protocol/checkpoint.h"

namespace gongkai {

Result<IssuedCertificate> EnrolOffline(County& county, std::string_view root_passphrase,
                                       ByteView request, Role role) {
  GK_ASSIGN_OR_RETURN(Bytes file, EnrollFromRequest(county, root_passphrase, request, role));
  GK_ASSIGN_OR_RETURN(CertificateFile opened, OpenCertificateFile(file));
  return IssuedCertificate{std::move(file), std::move(opened.node)};
}

Status AppendToCountyLog(County& county) {
  GK_ASSIGN_OR_RETURN(
      HubLog log, HubLog::Open(county.replica(), county.hub_key(), CountyLogOrigin(county.code())));
  GK_ASSIGN_OR_RETURN(uint64_t appended, log.AppendMissing());
  if (appended > 0) GK_RETURN_IF_ERROR(log.SignCheckpoint().status());
  return Status::Ok();
}

Result<AuditSession> OpenAuditSession(const std::string& home) {
  GK_ASSIGN_OR_RETURN(County county, OpenCounty(home));
  GK_RETURN_IF_ERROR(PrepareAuditTables(county.replica().db()));
  GK_ASSIGN_OR_RETURN(
      NodeDirectory nodes,
      LoadNodeDirectory(county.replica().db(), NodeIdHex(county.hub_key().node_id())));
  return AuditSession{std::move(county), std::move(nodes)};
}

}  // namespace gongkai
