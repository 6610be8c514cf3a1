#include "node/sheets/sheet_places.h"

#include <algorithm>

#include "node/replica/replica.h"
#include "node/replica/sql.h"
#include "protocol/certificate.h"
#include "protocol/region.h"

namespace gongkai {

namespace {

std::string_view FirstWord(std::string_view text) {
  constexpr std::string_view kIdeographicSpace = "\u3000";
  size_t start = 0;
  while (true) {
    if (start < text.size() && text[start] == ' ') {
      ++start;
    } else if (text.substr(start).starts_with(kIdeographicSpace)) {
      start += kIdeographicSpace.size();
    } else {
      break;
    }
  }
  text.remove_prefix(start);
  const size_t space = text.find(' ');
  const size_t wide = text.find(kIdeographicSpace);
  return text.substr(0, std::min(space, wide));
}

std::string_view LevelRole(RegionLevel level) {
  switch (level) {
    case RegionLevel::kCounty:
      return "county";
    case RegionLevel::kTownship:
      return "township";
    case RegionLevel::kVillage:
      return "village";
  }
  return "";
}

// The name in a certificate this node was given at enrolment (known_certificate: its own
// and the county hub's, from the certificate file) for `region` at its level, or "". Each
// body is opened under the county root key again, as every other certificate is.
Result<std::string> KnownCertificateName(sqlite3* db, std::string_view region) {
  GK_ASSIGN_OR_RETURN(Statement root_row,
                      Statement::Prepare(db, "SELECT value FROM settings WHERE key = ?"));
  root_row.Bind(1, std::string_view(kSettingRootKey));
  GK_ASSIGN_OR_RETURN(bool has_root, root_row.Step());
  if (!has_root) return std::string();
  const Bytes root_bytes = root_row.ColumnBlob(0);
  if (root_bytes.size() != kPublicKeySize) return std::string();
  PublicKey root{};
  std::copy(root_bytes.begin(), root_bytes.end(), root.begin());
  GK_ASSIGN_OR_RETURN(Statement known,
                      Statement::Prepare(db, "SELECT body FROM known_certificate ORDER BY node_id"));
  std::string name;
  uint64_t newest = 0;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool more, known.Step());
    if (!more) break;
    Result<Certificate> cert = OpenCertificate(known.ColumnBlob(0), root);
    if (!cert.ok() || cert->region != region || RoleName(cert->role) != LevelRole(RegionLevelOf(region))) {
      continue;
    }
    if (name.empty() || cert->issued_hlc > newest) {
      name = cert->name;
      newest = cert->issued_hlc;
    }
  }
  return name;
}

// The certificate name of `region`: from the county's certificate rows, else from the
// certificates given at enrolment; "" when none names it.
Result<std::string> CertificateName(sqlite3* db, std::string_view region) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "SELECT name FROM certificate c WHERE subject_region = ? AND role = ? "
                         "ORDER BY EXISTS (SELECT 1 FROM revocation r "
                         "WHERE r.node_id = c.node_id), hlc DESC, node_id DESC LIMIT 1"));
  stmt.Bind(1, region).Bind(2, LevelRole(RegionLevelOf(region)));
  GK_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (found) return stmt.ColumnText(0);
  return KnownCertificateName(db, region);
}

Status MissingName(std::string_view region, std::string_view level) {
  return Status::NotFound(kErrSheetPlaceName, "本机没有区划 " + std::string(region) +
                                                  " 的证书，无法得知" + std::string(level) +
                                                  "名称；请在打印时给出" + std::string(level) +
                                                  "名称");
}

}  // namespace

std::string PlaceNameFromCertificate(std::string_view certificate_name,
                                     std::initializer_list<std::string_view> above) {
  std::string_view name = FirstWord(certificate_name);
  for (std::string_view outer : above) {
    if (!outer.empty() && name.size() > outer.size() && name.starts_with(outer)) {
      name.remove_prefix(outer.size());
    }
  }
  return std::string(name);
}

Result<SheetPlaces> ReadSheetPlaces(sqlite3* db, std::string_view region,
                                    const SheetPlaces& given) {
  GK_RETURN_IF_ERROR(ValidateRegion(region));
  SheetPlaces places = given;
  const RegionLevel level = RegionLevelOf(region);
  const std::string_view county = CountyOf(region);
  if (places.county.empty()) {
    GK_ASSIGN_OR_RETURN(std::string name, CertificateName(db, county));
    if (name.empty()) return MissingName(county, "县");
    places.county = PlaceNameFromCertificate(name, {});
  }
  if (level == RegionLevel::kCounty) return places;
  const std::string_view township = region.substr(0, kTownshipCodeLength);
  if (places.township.empty()) {
    GK_ASSIGN_OR_RETURN(std::string name, CertificateName(db, township));
    if (name.empty()) return MissingName(township, "乡镇");
    places.township = PlaceNameFromCertificate(name, {places.county});
  }
  if (level == RegionLevel::kTownship) return places;
  if (places.village.empty()) {
    GK_ASSIGN_OR_RETURN(std::string name, CertificateName(db, region));
    if (name.empty()) return MissingName(region, "村");
    places.village = PlaceNameFromCertificate(name, {places.county, places.township});
  }
  return places;
}

}  // namespace gongkai
