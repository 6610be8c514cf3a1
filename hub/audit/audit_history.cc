#include "hub/audit/audit_history.h"

#include <algorithm>
#include <map>

#include "node/intake/sheet_dates.h"
#include "node/replica/sql.h"
#include "node/workflow/workflow.h"

namespace gongkai {

namespace {

// One SELECT per fact table, all with the same columns:
//   kind, fact_id, disclosure_id, version_id, region, a, b, c, person, origin, hlc,
//   log index, received_at, category, envelope id
// a, b, c carry what the sentence needs (see Describe).
constexpr std::string_view kFactsSql = R"sql(
WITH facts(kind, fact_id, disclosure_id, version_id, region, a, b, c, person, origin, hlc, tbl) AS (
  SELECT 'version', version_id, disclosure_id, version_id, region, title, parent_version,
         category || ' ' || period, author, origin, hlc, 'disclosure_version'
    FROM disclosure_version
  UNION ALL
  SELECT 'review', review_id, disclosure_id, version_id, region, stage, decision, comment,
         reviewer, origin, hlc, 'review' FROM review
  UNION ALL
  SELECT 'withdrawal', withdrawal_id, disclosure_id, version_id, region, reason, '', '', author,
         origin, hlc, 'withdrawal' FROM withdrawal
  UNION ALL
  SELECT 'posting', posting_id, disclosure_id, version_id, region, CAST(copies AS TEXT), '', '',
         posted_by, origin, hlc, 'posting' FROM posting
)
SELECT f.kind, f.fact_id, f.disclosure_id, f.version_id, f.region, f.a, f.b, f.c, f.person,
       f.origin, f.hlc, l.idx, l.received_at,
       (SELECT category FROM disclosure_version v WHERE v.disclosure_id = f.disclosure_id LIMIT 1),
       p.envelope_id
  FROM facts f
  LEFT JOIN provenance p ON p.tbl = f.tbl AND p.pk = f.fact_id
  LEFT JOIN log_entry l ON l.envelope_id = p.envelope_id
 WHERE (?1 = '' OR f.disclosure_id = ?1)
   AND (?2 = '' OR substr(f.region, 1, length(?2)) = ?2)
 ORDER BY f.hlc, f.fact_id
)sql";

std::string StageLabel(std::string_view stage) {
  return stage == "township"      ? "乡镇审核"
         : stage == "supervision" ? "村务监督委员会审核"
                                  : std::string(stage);
}

// "finance 2026Q3" -> "财务公开 2026年第三季度"; what cannot be read is shown as it is.
std::string CategoryAndPeriod(const std::string& text) {
  const size_t space = text.find(' ');
  if (space == std::string::npos) return text;
  Result<Category> category = ParseCategory(text.substr(0, space));
  Result<std::string> period = ChinesePeriod(text.substr(space + 1));
  return (category.ok() ? std::string(CategoryLabel(*category)) : text.substr(0, space)) + " " +
         (period.ok() ? *period : text.substr(space + 1));
}

}  // namespace

Result<std::vector<HistoryEvent>> AuditHistory(sqlite3* db, const NodeDirectory& nodes,
                                               const HistoryQuery& query) {
  if (query.disclosure_id.empty() && query.region.empty()) {
    return Status::Invalid(kErrAuditInput, "请用 --region 或 --disclosure 指定查询范围");
  }
  GK_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, kFactsSql));
  stmt.Bind(1, std::string_view(query.disclosure_id)).Bind(2, std::string_view(query.region));
  std::vector<HistoryEvent> events;
  // The version number of each version within its disclosure, in HLC order.
  std::map<std::string, int> version_count;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    HistoryEvent e;
    e.kind = stmt.ColumnText(0);
    e.fact_id = stmt.ColumnText(1);
    e.disclosure_id = stmt.ColumnText(2);
    e.version_id = stmt.ColumnText(3);
    e.region = stmt.ColumnText(4);
    const std::string a = stmt.ColumnText(5);
    const std::string b = stmt.ColumnText(6);
    const std::string c = stmt.ColumnText(7);
    e.person = stmt.ColumnText(8);
    e.origin = stmt.ColumnText(9);
    e.hlc = stmt.ColumnInt(10);
    if (!stmt.ColumnIsNull(11)) {
      e.log_index = stmt.ColumnInt(11);
      e.received_at = stmt.ColumnInt(12);
    }
    e.category = stmt.ColumnIsNull(13) ? "" : stmt.ColumnText(13);
    e.envelope_id = stmt.ColumnIsNull(14) ? "" : stmt.ColumnText(14);
    if (const AuditNode* node = nodes.Find(e.origin)) {
      e.node_name = node->name;
      e.node_role = node->role;
    }
    if (e.kind == "version") {
      const int n = ++version_count[e.disclosure_id];
      e.what = (b.empty() ? "提交《" : "修改后重新提交《") + a + "》（" + CategoryAndPeriod(c) +
               "，第 " + std::to_string(n) + " 版）";
    } else if (e.kind == "review") {
      e.what = StageLabel(a) + "：" +
               (b == "approve"  ? "通过"
                : b == "return" ? "退回"
                                : b) +
               (c.empty() ? "" : "（" + c + "）");
    } else if (e.kind == "withdrawal") {
      e.what = "撤回：" + a;
    } else {
      e.what = "打印张贴 " + a + " 份";
    }
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace gongkai
