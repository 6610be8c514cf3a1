// The audit queries' answers as tables (node/cli/table_output.h), with the columns and words
// of `gongkai-hub audit …`: the commands print them (terminal, CSV, JSON) and the county
// console shows and offers them for download, so both say exactly the same.
//
// `format` chooses the cells for people (kTerminal: Chinese labels, hours, Beijing times) or
// for scripts and spreadsheets (kCsv, kJson: codes, minutes, nulls).
// Thread-safety: none needed (pure functions).
#ifndef GONGKAI_HUB_APP_AUDIT_TABLES_H_
#define GONGKAI_HUB_APP_AUDIT_TABLES_H_

#include <vector>

#include "hub/audit/audit_alarms.h"
#include "hub/audit/audit_common.h"
#include "hub/audit/audit_history.h"
#include "hub/audit/audit_overdue.h"
#include "hub/audit/audit_report.h"
#include "hub/audit/audit_stale.h"
#include "node/cli/table_output.h"

namespace gongkai {

// A node role for people: "村", "乡镇", "县", "审计" (else the role as given).
std::string RoleLabel(std::string_view role);
// A duration in hours with one decimal, rounded: "26.5".
std::string HoursText(int64_t ms);

Table HistoryTable(const std::vector<HistoryEvent>& events, TableFormat format);
Table StaleTable(const std::vector<StaleNode>& stale, TableFormat format);
Table FinanceTable(const OverdueReport& report, const NodeDirectory& nodes);
Table SubsidyTable(const OverdueReport& report, const NodeDirectory& nodes);
Table ReportTable(const std::vector<ReportRow>& rows, TableFormat format);
Table EquivocationTable(const AlarmsReport& report, const NodeDirectory& nodes);
Table RefusedTable(const AlarmsReport& report);
Table RevokedTable(const AlarmsReport& report);
// `terminal`: offsets as "+2天3小时"; otherwise in ms.
Table ClockTable(const AlarmsReport& report, bool terminal);

}  // namespace gongkai

#endif  // GONGKAI_HUB_APP_AUDIT_TABLES_H_
