#include "node/sheet_facts.h"

#include "node/sql.h"

namespace gongkai {

namespace {

bool IsLowerHexText(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<Hlc> ReadHlc(const Statement& stmt, int column, std::string_view what) {
  const int64_t value = stmt.ColumnInt(column);
  if (value < 0 || !HlcIsValid(static_cast<Hlc>(value))) {
    return Status::Invalid(kErrSheetRow, std::string(what) + " has an hlc no clock makes");
  }
  return static_cast<Hlc>(value);
}

Result<SheetVersionRow> ReadVersionRow(sqlite3* db, std::string_view version_id) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "SELECT version_id, disclosure_id, parent_version, category, title, "
                         "period, body, publicity_from, publicity_to, item_count, content_hash, "
                         "author, origin, hlc, region FROM disclosure_version "
                         "WHERE version_id = ?"));
  stmt.Bind(1, version_id);
  GK_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) {
    return Status::NotFound(kErrSheetUnknownVersion,
                            "本机没有版本 " + std::string(version_id) + "（尚未同步或编号有误）");
  }
  SheetVersionRow row;
  row.version_id = stmt.ColumnText(0);
  row.disclosure_id = stmt.ColumnText(1);
  row.parent_version = stmt.ColumnText(2);
  row.category = stmt.ColumnText(3);
  row.title = stmt.ColumnText(4);
  row.period = stmt.ColumnText(5);
  row.body = stmt.ColumnText(6);
  row.publicity_from = stmt.ColumnText(7);
  row.publicity_to = stmt.ColumnText(8);
  row.item_count = stmt.ColumnInt(9);
  row.content_hash = stmt.ColumnText(10);
  row.author = stmt.ColumnText(11);
  row.origin = stmt.ColumnText(12);
  GK_ASSIGN_OR_RETURN(row.hlc, ReadHlc(stmt, 13, "version " + row.version_id));
  row.region = stmt.ColumnText(14);
  return row;
}

Result<std::vector<SheetReview>> ReadReviews(sqlite3* db, const SheetVersionRow& version) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "SELECT r.review_id, r.stage, r.decision, r.comment, r.reviewer, "
                         "r.origin, r.hlc, (SELECT c.name FROM certificate c "
                         "WHERE c.node_id = r.origin) FROM review r "
                         "WHERE r.version_id = ? AND r.disclosure_id = ? AND r.region = ? "
                         "ORDER BY r.hlc, r.review_id"));
  stmt.Bind(1, version.version_id).Bind(2, version.disclosure_id).Bind(3, version.region);
  std::vector<SheetReview> reviews;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) break;
    SheetReview review;
    review.review_id = stmt.ColumnText(0);
    review.stage = stmt.ColumnText(1);
    review.decision = stmt.ColumnText(2);
    review.comment = stmt.ColumnText(3);
    review.reviewer = stmt.ColumnText(4);
    review.origin = stmt.ColumnText(5);
    GK_ASSIGN_OR_RETURN(review.hlc, ReadHlc(stmt, 6, "review " + review.review_id));
    review.signer_name = stmt.ColumnIsNull(7) ? "" : stmt.ColumnText(7);
    reviews.push_back(std::move(review));
  }
  return reviews;
}

Result<std::vector<std::string>> ReadChildren(sqlite3* db, const SheetVersionRow& version) {
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "SELECT version_id FROM disclosure_version "
                                         "WHERE parent_version = ? AND disclosure_id = ? AND "
                                         "region = ? ORDER BY hlc, version_id"));
  stmt.Bind(1, version.version_id).Bind(2, version.disclosure_id).Bind(3, version.region);
  std::vector<std::string> children;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) break;
    children.push_back(stmt.ColumnText(0));
  }
  return children;
}

Result<std::optional<SheetWithdrawal>> ReadWithdrawal(sqlite3* db, const SheetVersionRow& version) {
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "SELECT withdrawal_id, version_id, reason, author, hlc "
                                         "FROM withdrawal WHERE disclosure_id = ? AND region = ? "
                                         "ORDER BY hlc, withdrawal_id LIMIT 1"));
  stmt.Bind(1, version.disclosure_id).Bind(2, version.region);
  GK_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return std::optional<SheetWithdrawal>();
  SheetWithdrawal withdrawal;
  withdrawal.withdrawal_id = stmt.ColumnText(0);
  withdrawal.version_id = stmt.ColumnText(1);
  withdrawal.reason = stmt.ColumnText(2);
  withdrawal.author = stmt.ColumnText(3);
  GK_ASSIGN_OR_RETURN(withdrawal.hlc, ReadHlc(stmt, 4, "withdrawal " + withdrawal.withdrawal_id));
  return std::optional<SheetWithdrawal>(std::move(withdrawal));
}

Result<bool> InConflict(sqlite3* db, const SheetVersionRow& version) {
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "SELECT 1 FROM disclosure_version "
                                         "WHERE disclosure_id = ? AND region = ? "
                                         "GROUP BY parent_version HAVING count(*) > 1 LIMIT 1"));
  stmt.Bind(1, version.disclosure_id).Bind(2, version.region);
  return stmt.Step();
}

}  // namespace

std::string_view SheetStandingName(SheetStanding standing) {
  switch (standing) {
    case SheetStanding::kSubmitted:
      return "submitted";
    case SheetStanding::kApproved:
      return "approved";
    case SheetStanding::kReturned:
      return "returned";
    case SheetStanding::kSuperseded:
      return "superseded";
    case SheetStanding::kWithdrawn:
      return "withdrawn";
  }
  return "?";
}

std::string_view SheetStandingLabel(SheetStanding standing) {
  switch (standing) {
    case SheetStanding::kSubmitted:
      return "待乡镇审核";
    case SheetStanding::kApproved:
      return "乡镇审核通过";
    case SheetStanding::kReturned:
      return "乡镇退回";
    case SheetStanding::kSuperseded:
      return "已被新版本取代";
    case SheetStanding::kWithdrawn:
      return "已撤回";
  }
  return "?";
}

const SheetReview* SheetVersionFacts::LastReview(std::string_view stage) const {
  for (auto it = reviews.rbegin(); it != reviews.rend(); ++it) {
    if (it->stage == stage) return &*it;
  }
  return nullptr;
}

const SheetReview* SheetVersionFacts::DecidingReview() const { return LastReview("township"); }

Result<std::string> ResolveVersionId(sqlite3* db, std::string_view id_or_prefix) {
  if (id_or_prefix.size() < kMinVersionPrefixDigits || id_or_prefix.size() > 32 ||
      !IsLowerHexText(id_or_prefix)) {
    return Status::Invalid(kErrSheetVersionId, "版本编号应为 6 到 32 位小写十六进制数");
  }
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "SELECT version_id FROM disclosure_version "
                                         "WHERE substr(version_id, 1, ?) = ? "
                                         "ORDER BY version_id LIMIT 2"));
  stmt.Bind(1, static_cast<int64_t>(id_or_prefix.size())).Bind(2, id_or_prefix);
  GK_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) {
    return Status::NotFound(kErrSheetUnknownVersion,
                            "本机没有编号为 " + std::string(id_or_prefix) + " 的版本");
  }
  std::string id = stmt.ColumnText(0);
  GK_ASSIGN_OR_RETURN(bool second, stmt.Step());
  if (second) {
    return Status::Invalid(kErrSheetAmbiguousVersion,
                           "编号 " + std::string(id_or_prefix) + " 对应不止一个版本，请多输入几位");
  }
  return id;
}

Result<SheetVersionFacts> ReadSheetVersionFacts(sqlite3* db, std::string_view version_id) {
  SheetVersionFacts facts;
  GK_ASSIGN_OR_RETURN(facts.version, ReadVersionRow(db, version_id));
  GK_ASSIGN_OR_RETURN(facts.reviews, ReadReviews(db, facts.version));
  GK_ASSIGN_OR_RETURN(facts.superseded_by, ReadChildren(db, facts.version));
  GK_ASSIGN_OR_RETURN(facts.withdrawal, ReadWithdrawal(db, facts.version));
  GK_ASSIGN_OR_RETURN(facts.conflict, InConflict(db, facts.version));
  if (!facts.superseded_by.empty()) {
    facts.standing = SheetStanding::kSuperseded;
  } else if (facts.withdrawal) {
    facts.standing = SheetStanding::kWithdrawn;
  } else if (const SheetReview* deciding = facts.DecidingReview()) {
    facts.standing =
        deciding->decision == "approve" ? SheetStanding::kApproved : SheetStanding::kReturned;
  }
  return facts;
}

}  // namespace gongkai
