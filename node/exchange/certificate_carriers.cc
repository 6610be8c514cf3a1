// CertificateCarriers (node/exchange/certificate_carriers.h).
#include "node/exchange/certificate_carriers.h"

#include <algorithm>
#include <optional>

#include "node/replica/sql.h"

namespace gongkai {

Status CertificateCarriers::CatchUp(sqlite3* db) {
  // The end first: rows up to it are committed, so the second statement sees them all even
  // when a writer commits in between (and what it commits after is read next time).
  GK_ASSIGN_OR_RETURN(std::optional<int64_t> last,
                      QueryInt(db, "SELECT max(rowid) FROM provenance"));
  if (!last || *last <= seen_rowid_) return Status::Ok();
  GK_ASSIGN_OR_RETURN(Statement added,
                      Statement::Prepare(db,
                                         "SELECT p.envelope_id, c.subject_region FROM provenance p"
                                         " LEFT JOIN certificate c ON c.node_id=p.pk"
                                         " WHERE p.rowid > ? AND p.rowid <= ?"
                                         " AND p.tbl='certificate' ORDER BY p.rowid"));
  added.Bind(1, seen_rowid_).Bind(2, *last);
  GK_ASSIGN_OR_RETURN(Statement other_rows,
                      Statement::Prepare(db,
                                         "SELECT 1 FROM provenance WHERE envelope_id=?"
                                         " AND tbl<>'certificate' LIMIT 1"));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, added.Step());
    if (!row) break;
    std::string envelope_id = added.ColumnText(0);
    auto [it, fresh] = carriers_.try_emplace(std::move(envelope_id));
    Carrier& carrier = it->second;
    if (fresh) {
      // All of the envelope's rows came in one transaction: whether it brings another is
      // settled now.
      other_rows.Reset();
      other_rows.Bind(1, it->first);
      GK_ASSIGN_OR_RETURN(bool other, other_rows.Step());
      if (other) carrier.only_certificates = false;
    }
    if (added.ColumnIsNull(1)) {
      carrier.only_certificates = false;
    } else if (std::string subject = added.ColumnText(1); ValidateRegion(subject).ok()) {
      // A subject that is no region is within no one's read scope (IsWithin): it is not kept.
      carrier.subjects.push_back(std::move(subject));
    }
  }
  seen_rowid_ = *last;
  return Status::Ok();
}

bool CertificateCarriers::Unneeded(std::string_view envelope_id, Role reader,
                                   std::string_view region) const {
  auto it = carriers_.find(std::string(envelope_id));
  if (it == carriers_.end() || !it->second.only_certificates) return false;
  // InReadScope, with the subjects checked once when they were read.
  if (!ValidateRegionForRole(region, reader).ok()) return true;
  const std::vector<std::string>& subjects = it->second.subjects;
  return std::none_of(subjects.begin(), subjects.end(), [&](std::string_view subject) {
    return subject.starts_with(region) || region.starts_with(subject);
  });
}

}  // namespace gongkai
