// What both home pages show about the node's link with the county: the last sync, what
// waits to go out, refusals and alarms (the same figures as `gongkai status`).
#ifndef GONGKAI_NODE_WEB_HOME_DATA_H_
#define GONGKAI_NODE_WEB_HOME_DATA_H_

#include <mstch/mstch.hpp>

#include "node/app/node_session.h"

namespace gongkai {

// {"last_sync", "never_synced", "pending_out", "alarms":[{message}], "has_alarms",
//  "refusals":[{code, message}]} for the node of `session`.
Result<mstch::map> SyncSummary(NodeSession& session);

// The county's finance deadline day in force at this node (node/workflow/finance_due.h
// FinanceDeadlineDayAt).
Result<int64_t> FinanceDeadlineDay(NodeSession& session);

}  // namespace gongkai

#endif  // GONGKAI_NODE_WEB_HOME_DATA_H_
