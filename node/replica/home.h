// The files of a node home, the folder given with --home:
//   DIR/replica.db         the replica (replica.h); for the hub, also its hub-only tables
//   DIR/node.key           this node's secret key (node_key.h), mode 0600
//   DIR/enrolment.request  the enrolment request (protocol/enrolment_request.h) while an
//                          offline enrolment is pending; removed when it completes
// A hub home (hub/county/county.h) has DIR/replica.db too, with DIR/hub.key and DIR/root.key.
#ifndef GONGKAI_NODE_REPLICA_HOME_H_
#define GONGKAI_NODE_REPLICA_HOME_H_

#include <filesystem>

namespace gongkai {

inline constexpr char kReplicaFileName[] = "replica.db";
inline constexpr char kNodeKeyFileName[] = "node.key";
inline constexpr char kEnrolmentRequestFileName[] = "enrolment.request";

// A home folder is created with this mode: it holds a secret key.
inline constexpr std::filesystem::perms kHomeFolderPerms = std::filesystem::perms::owner_all;

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_HOME_H_
