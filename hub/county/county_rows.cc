#include "hub/county/county_rows.h"

#include "node/replica/sql.h"
#include "protocol/sha256.h"

namespace gongkai {

Status InsertCertificateRow(sqlite3* db, const CaptureStamp& stamp, const Certificate& cert,
                            ByteView body) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "INSERT INTO certificate(node_id, public_key, role, subject_region, name,"
                         " body, origin, hlc, region) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, NodeIdHex(cert.subject_id()))
      .Bind(2, ByteView(cert.subject_key))
      .Bind(3, RoleName(cert.role))
      .Bind(4, std::string_view(cert.region))
      .Bind(5, std::string_view(cert.name))
      .Bind(6, body)
      .Bind(7, std::string_view(stamp.origin))
      .Bind(8, static_cast<int64_t>(stamp.hlc))
      .Bind(9, std::string_view(cert.county));
  return stmt.Run();
}

Status InsertRevocationRow(sqlite3* db, const CaptureStamp& stamp, const Revocation& revocation,
                           ByteView body, std::string_view county) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "INSERT INTO revocation(revocation_id, node_id, reason, body, origin,"
                         " hlc, region) VALUES(?, ?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, HashHex(Sha256(body)))
      .Bind(2, NodeIdHex(revocation.subject))
      .Bind(3, RevocationReasonName(revocation.reason))
      .Bind(4, body)
      .Bind(5, std::string_view(stamp.origin))
      .Bind(6, static_cast<int64_t>(stamp.hlc))
      .Bind(7, county);
  return stmt.Run();
}

Result<std::optional<CertificateRow>> FindCertificateRow(sqlite3* db, std::string_view node_id) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "SELECT node_id, role, subject_region, name, body FROM certificate"
                         " WHERE node_id=?"));
  stmt.Bind(1, node_id);
  GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<CertificateRow>();
  return std::optional<CertificateRow>(CertificateRow{stmt.ColumnText(0), stmt.ColumnText(1),
                                                      stmt.ColumnText(2), stmt.ColumnText(3),
                                                      stmt.ColumnBlob(4)});
}

Result<std::vector<std::string>> NodeIdsWithPrefix(sqlite3* db, std::string_view prefix,
                                                   int limit) {
  // substr, not LIKE: no wildcard characters to escape, and the comparison is exact.
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "SELECT node_id FROM certificate WHERE"
                                         " substr(node_id, 1, ?) = ? ORDER BY node_id LIMIT ?"));
  stmt.Bind(1, static_cast<int64_t>(prefix.size())).Bind(2, prefix).Bind(3, int64_t{limit});
  std::vector<std::string> ids;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ids.push_back(stmt.ColumnText(0));
  }
  return ids;
}

Result<std::vector<std::string>> RevocationReasons(sqlite3* db, std::string_view node_id) {
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db, "SELECT reason FROM revocation WHERE node_id=?"));
  stmt.Bind(1, node_id);
  std::vector<std::string> reasons;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    reasons.push_back(stmt.ColumnText(0));
  }
  return reasons;
}

}  // namespace gongkai
