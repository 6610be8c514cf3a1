// What a `gongkai` command opens: the node's home (replica.db and node.key), its identity
// and clock, for one command run.
#ifndef GONGKAI_NODE_APP_NODE_SESSION_H_
#define GONGKAI_NODE_APP_NODE_SESSION_H_

#include <memory>
#include <optional>
#include <string>

#include "node/replica/home.h"
#include "node/replica/replica.h"
#include "node/workflow/workflow.h"
#include "protocol/hlc.h"
#include "protocol/keys.h"
#include "protocol/wall_clock.h"

namespace gongkai {

// settings key of the person name used when --by is not given.
inline constexpr char kSettingPerson[] = "person";

struct NodeSession {
  std::string home;
  std::unique_ptr<Replica> replica;
  NodeIdentity identity;
  std::string node_name;           // from the certificate
  std::unique_ptr<SecretKey> key;  // set when opened with need_key
  std::unique_ptr<HlcClock> clock;

  // The actor of a write: `by` when given and not empty (a command's --by, a page's 经办人),
  // else the `person` setting, else the node's name.
  Actor ActorFor(const std::optional<std::string>& by) const;
};

// Opens an enrolled node's home. replica.open when the home has no replica,
// replica.not_enrolled before enrolment, key file errors when need_key.
Result<NodeSession> OpenNodeSession(const std::string& home, bool need_key);

}  // namespace gongkai

#endif  // GONGKAI_NODE_APP_NODE_SESSION_H_
