// The names of the synced tables (protocol/schema.h), in schema order, for code that walks
// them: the capture session attaches exactly these, the digest hashes them in this order.
#ifndef GONGKAI_NODE_REPLICA_SYNCED_TABLES_H_
#define GONGKAI_NODE_REPLICA_SYNCED_TABLES_H_

#include <string_view>
#include <vector>

namespace gongkai {

const std::vector<std::string_view>& SyncedTableNames();

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_SYNCED_TABLES_H_
