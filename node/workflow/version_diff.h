// What changed between two versions of a disclosure, row by row and cell by cell, for the
// township reviewer who returned a list and must see what the village corrected.
//
// Items are the versions' disclosure_item data (JSON objects, node/README.md "Row
// formats"); each becomes a row of named cells (the object's keys; an affairs row's
// "cells" array becomes cells "1", "2", ...; "line", the row's position, is left out as it
// shifts when a row is added). Rows are aligned by the longest common
// subsequence of identical rows; between two aligned rows, the removed and added rows are
// paired in order as "changed" (listing the cells that differ), and the rest are added or
// removed. Totals are the sums of every integer cell named *_cents, before and after.
// Thread-safety: pure functions.
#ifndef GONGKAI_NODE_WORKFLOW_VERSION_DIFF_H_
#define GONGKAI_NODE_WORKFLOW_VERSION_DIFF_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/disclosure_limits.h"
#include "protocol/status.h"

namespace gongkai {

// Longest lists compared cell by cell; longer ones are refused (workflow.input) rather than
// taking quadratic time.
inline constexpr size_t kMaxDiffRows = static_cast<size_t>(kMaxDisclosureItems);
// Largest middle part (rows after the common head and tail, earlier × later) aligned by
// LCS; a larger one is compared row by row in order.
inline constexpr size_t kMaxLcsCells = 4'000'000;

struct ItemCells {
  std::vector<std::pair<std::string, std::string>> cells;  // key, text (integers as digits)
};

struct CellChange {
  std::string key;
  std::string before;
  std::string after;
};

enum class RowChangeKind { kSame, kAdded, kRemoved, kChanged };

struct RowChange {
  RowChangeKind kind = RowChangeKind::kSame;
  int64_t before_line = 0;  // 1-based line in the earlier version; 0 when added
  int64_t after_line = 0;   // 1-based line in the later version; 0 when removed
  ItemCells before;
  ItemCells after;
  std::vector<CellChange> changed;  // kChanged only
};

struct TotalChange {
  std::string key;  // e.g. "amount_cents"
  int64_t before = 0;
  int64_t after = 0;
};

struct VersionDiff {
  std::vector<RowChange> rows;  // in the later version's order, removed rows in place
  size_t added = 0;
  size_t removed = 0;
  size_t changed = 0;
  std::vector<TotalChange> totals;  // keys in sorted order
  bool empty() const { return added == 0 && removed == 0 && changed == 0; }
};

// The cells of one item. workflow.input when `data` is not a JSON object.
Result<ItemCells> ItemCellsOf(std::string_view data);

// The items (disclosure_item data) of `version_id`, in line order.
Result<std::vector<std::string>> VersionItems(sqlite3* db, std::string_view version_id);

// Compares the items of an earlier and a later version. workflow.input for an item that is
// not a JSON object, or for lists longer than kMaxDiffRows.
Result<VersionDiff> DiffItems(const std::vector<std::string>& before,
                              const std::vector<std::string>& after);

}  // namespace gongkai

#endif  // GONGKAI_NODE_WORKFLOW_VERSION_DIFF_H_
