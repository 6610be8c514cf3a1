// Turning disclosures, items and diffs into the values the templates show (mstch maps),
// with the column names a clerk reads on the paper sheet.
// Thread-safety: pure functions (the sqlite3* is the caller's, under the server's lock).
#ifndef GONGKAI_NODE_WEB_PAGE_DATA_H_
#define GONGKAI_NODE_WEB_PAGE_DATA_H_

#include <sqlite3.h>

#include <mstch/mstch.hpp>
#include <string>
#include <vector>

#include "node/intake/sheet.h"
#include "node/workflow/disclosure_view.h"
#include "node/workflow/version_diff.h"

namespace gongkai {

struct ItemColumn {
  std::string key;    // item JSON key ("amount_cents"), or "1".. for an affairs table
  std::string label;  // "金额（元）"
  bool money = false;
};

// The columns of a category's items; affairs take the table headers of the body.
std::vector<ItemColumn> ItemColumns(Category category, const std::string& body_json);

// {"columns":[{label}], "rows":[{"line", "cells":[{text, money}]}], "totals":[{label, value}]}
mstch::map ItemsTable(const std::vector<ItemColumn>& columns,
                      const std::vector<std::string>& items);

// {"diff_rows":[...], "added", "removed", "changed", "diff_totals":[{label, before, after}],
//  "diff_empty"} for a diff whose rows have `columns`.
mstch::map DiffTable(const std::vector<ItemColumn>& columns, const VersionDiff& diff);

// One line of a list: id, short id, title, category label, period, status label and name,
// region, time of the current version, age in days, latest township comment.
mstch::map DisclosureSummary(const DisclosureState& state, int64_t now_ms);

// The `text` of a version body (JSON) or "".
std::string BodyText(const std::string& body_json);

// The latest township return comment of the current version ("" when none).
std::string ReturnComment(const DisclosureState& state);

// "3 天" / "5 小时" since `hlc`.
std::string AgeText(uint64_t hlc, int64_t now_ms);

// An editable grid of an uploaded sheet: rows with inputs named c_<row index>_<column>,
// cells named by an error marked.
mstch::map SheetGrid(const ImportSheet& sheet, const std::vector<ImportError>& errors);

// The rows of templates/error_table.mustache: {row ("整个文件" for the file as a whole),
// column, message, code}, as `gongkai --json` gives them in error.details.
mstch::array ImportErrorRows(const std::vector<ImportError>& errors);

// The category choices for a form (value, label, selected).
mstch::array CategoryChoices(const std::string& selected);

}  // namespace gongkai

#endif  // GONGKAI_NODE_WEB_PAGE_DATA_H_
