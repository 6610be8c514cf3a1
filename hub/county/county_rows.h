// Internal to hub/county*.cc: writing the county's certificate and revocation rows inside a
// Capture, and reading them back.
#ifndef GONGKAI_HUB_COUNTY_COUNTY_ROWS_H_
#define GONGKAI_HUB_COUNTY_COUNTY_ROWS_H_

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/replica/capture.h"
#include "protocol/bytes.h"
#include "protocol/certificate.h"
#include "protocol/status.h"

namespace gongkai {

// INSERTs the certificate row of `cert` (as signed: `body`) with the capture's stamp;
// region = the issuing county.
Status InsertCertificateRow(sqlite3* db, const CaptureStamp& stamp, const Certificate& cert,
                            ByteView body);

// INSERTs the revocation row of `revocation` (as signed: `body`); revocation_id = the hex
// SHA-256 of the body, region = `county`.
Status InsertRevocationRow(sqlite3* db, const CaptureStamp& stamp, const Revocation& revocation,
                           ByteView body, std::string_view county);

// A certificate row's columns, as stored.
struct CertificateRow {
  std::string node_id;
  std::string role;
  std::string subject_region;
  std::string name;
  Bytes body;
};

// The certificate row of `node_id`, or nullopt.
Result<std::optional<CertificateRow>> FindCertificateRow(sqlite3* db, std::string_view node_id);

// The node ids of certificate rows that start with `prefix` (lowercase hex), at most
// `limit` of them.
Result<std::vector<std::string>> NodeIdsWithPrefix(sqlite3* db, std::string_view prefix, int limit);

// The reasons of the revocation rows naming `node_id`.
Result<std::vector<std::string>> RevocationReasons(sqlite3* db, std::string_view node_id);

}  // namespace gongkai

#endif  // GONGKAI_HUB_COUNTY_COUNTY_ROWS_H_
