#include "node/sheets/sheet_facts.h"

#include "node/replica/sql.h"
#include "node/workflow/workflow.h"
#include "protocol/hlc.h"

namespace gongkai {

namespace {

bool IsLowerHexText(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Sheets print these times; a value no clock makes came from a broken or hostile writer.
Status CheckHlc(uint64_t hlc, std::string_view what, std::string_view id) {
  if (HlcIsValid(hlc)) return Status::Ok();
  return Status::Invalid(kErrSheetRow,
                         std::string(what) + " " + std::string(id) + " 的 hlc 超出范围");
}

Result<std::string> DisclosureOf(sqlite3* db, std::string_view version_id) {
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "SELECT disclosure_id FROM disclosure_version "
                                         "WHERE version_id = ?"));
  stmt.Bind(1, version_id);
  GK_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) {
    return Status::NotFound(kErrWorkflowNotFound,
                            "本机没有版本 " + std::string(version_id) + "（尚未同步或编号有误）");
  }
  return stmt.ColumnText(0);
}

}  // namespace

std::string SheetVersionFacts::SignerName(std::string_view origin) const {
  auto it = signer_names.find(std::string(origin));
  return it == signer_names.end() ? std::string() : it->second;
}

Result<std::string> ResolveVersionId(sqlite3* db, std::string_view id_or_prefix) {
  if (id_or_prefix.size() < kMinIdPrefix || id_or_prefix.size() > 32 ||
      !IsLowerHexText(id_or_prefix)) {
    return Status::Invalid(kErrWorkflowInput, "版本编号应为 " + std::to_string(kMinIdPrefix) +
                                                  " 到 32 位小写十六进制数");
  }
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "SELECT version_id FROM disclosure_version "
                                         "WHERE substr(version_id, 1, ?) = ? "
                                         "ORDER BY version_id LIMIT 2"));
  stmt.Bind(1, static_cast<int64_t>(id_or_prefix.size())).Bind(2, id_or_prefix);
  GK_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) {
    return Status::NotFound(kErrWorkflowNotFound,
                            "本机没有编号为 " + std::string(id_or_prefix) + " 的版本");
  }
  std::string id = stmt.ColumnText(0);
  GK_ASSIGN_OR_RETURN(bool second, stmt.Step());
  if (second) {
    return Status::Invalid(kErrWorkflowAmbiguous,
                           "编号 " + std::string(id_or_prefix) + " 对应不止一个版本，请多输入几位");
  }
  return id;
}

Result<SheetVersionFacts> ReadSheetVersionFacts(sqlite3* db, std::string_view version_id) {
  SheetVersionFacts facts;
  GK_ASSIGN_OR_RETURN(facts.disclosure_id, DisclosureOf(db, version_id));
  GK_ASSIGN_OR_RETURN(std::optional<DisclosureState> state,
                      LoadDisclosure(db, facts.disclosure_id));
  const VersionFact* version = state ? state->FindVersion(version_id) : nullptr;
  if (version == nullptr) {
    return Status::Internal(kErrSheetRow, "版本 " + std::string(version_id) + " 读取后不见了");
  }
  facts.version = *version;
  facts.conflict = state->conflict;
  GK_RETURN_IF_ERROR(CheckHlc(facts.version.hlc, "版本", facts.version.version_id));
  for (const VersionFact& v : state->versions) {
    if (v.parent_version == facts.version.version_id && v.region == facts.version.region) {
      facts.superseded_by.push_back(v.version_id);
    }
  }
  for (const WithdrawalFact& w : state->withdrawals) {
    if (w.region == facts.version.region) {
      GK_RETURN_IF_ERROR(CheckHlc(w.hlc, "撤回", w.withdrawal_id));
      facts.withdrawal = w;
      break;  // withdrawals are in hlc order: the earliest
    }
  }
  GK_ASSIGN_OR_RETURN(Statement name,
                      Statement::Prepare(db, "SELECT name FROM certificate WHERE node_id = ?"));
  for (const ReviewFact& review : facts.version.reviews) {
    GK_RETURN_IF_ERROR(CheckHlc(review.hlc, "审核", review.review_id));
    if (facts.signer_names.contains(review.origin)) continue;
    name.Reset();
    name.Bind(1, review.origin);
    GK_ASSIGN_OR_RETURN(bool found, name.Step());
    if (found) facts.signer_names[review.origin] = name.ColumnText(0);
  }
  return facts;
}

Result<std::vector<std::string>> ReadVersionItems(sqlite3* db, const VersionFact& version) {
  if (version.item_count < 0 || static_cast<uint64_t>(version.item_count) > kMaxSheetRows) {
    return Status::TooLarge(kErrSheetItemCount, "版本有 " + std::to_string(version.item_count) +
                                                    " 行，超出上限 " +
                                                    std::to_string(kMaxSheetRows));
  }
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "SELECT line_no, data FROM disclosure_item "
                                         "WHERE version_id = ? AND region = ? "
                                         "ORDER BY line_no LIMIT ?"));
  stmt.Bind(1, version.version_id).Bind(2, version.region).Bind(3, version.item_count + 1);
  std::vector<std::string> items;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) break;
    const int64_t line = stmt.ColumnInt(0);
    if (line != static_cast<int64_t>(items.size()) + 1) {
      return Status::Invalid(kErrSheetItemCount, "版本的表格行不连续：缺第 " +
                                                     std::to_string(items.size() + 1) + " 行");
    }
    if (line > version.item_count) {
      return Status::Invalid(kErrSheetItemCount, "版本应有 " + std::to_string(version.item_count) +
                                                     " 行，本机多出第 " + std::to_string(line) +
                                                     " 行");
    }
    items.push_back(stmt.ColumnText(1));
  }
  if (static_cast<int64_t>(items.size()) < version.item_count) {
    return Status::Unavailable(kErrSheetItemCount,
                               "版本应有 " + std::to_string(version.item_count) + " 行，本机只有 " +
                                   std::to_string(items.size()) + " 行；请先同步");
  }
  return items;
}

Status CheckVersionContent(const SheetVersionFacts& facts, const std::vector<std::string>& items) {
  const VersionFact& v = facts.version;
  const std::string hash = ContentHash(facts.disclosure_id, v.category, v.title, v.period, v.body,
                                       v.publicity_from, v.publicity_to, items);
  if (hash == v.content_hash) return Status::Ok();
  return Status::Invalid(kErrSheetContentHash,
                         "版本 " + v.version_id + " 的内容与其记载的内容摘要不符，不能打印或核验");
}

}  // namespace gongkai
