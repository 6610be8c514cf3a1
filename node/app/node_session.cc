#include "node/app/node_session.h"

#include <chrono>
#include <filesystem>

#include "node/replica/node_key.h"
#include "protocol/certificate.h"

namespace gongkai {


Actor NodeSession::ActorFor(const std::optional<std::string>& by) const {
  Actor actor;
  actor.key = key.get();
  actor.clock = clock.get();
  actor.now_ms = WallClockMs();
  if (by && !by->empty()) {
    actor.person = *by;
  } else if (Result<std::optional<Bytes>> person = replica->GetSetting(kSettingPerson);
             person.ok() && person->has_value() && !(*person)->empty()) {
    actor.person = std::string((*person)->begin(), (*person)->end());
  } else {
    actor.person = node_name;
  }
  return actor;
}

Result<NodeSession> OpenNodeSession(const std::string& home, bool need_key) {
  const std::filesystem::path dir(home);
  const std::filesystem::path db = dir / kReplicaFileName;
  std::error_code ec;
  if (!std::filesystem::exists(db, ec)) {
    return Status::NotFound(
        kErrReplicaNotEnrolled,
        "目录 " + home + " 中没有本节点的数据库：请先运行 gongkai init 登记本节点");
  }
  NodeSession session;
  session.home = home;
  ReplicaOptions options;
  options.create_if_missing = false;
  GK_ASSIGN_OR_RETURN(Replica replica, Replica::Open(db, options));
  session.replica = std::make_unique<Replica>(std::move(replica));
  GK_ASSIGN_OR_RETURN(session.identity, session.replica->Identity());
  GK_ASSIGN_OR_RETURN(Certificate cert, OpenCertificate(session.identity.certificate,
                                                        session.identity.root_public_key));
  session.node_name = cert.name;
  if (need_key) {
    GK_ASSIGN_OR_RETURN(SecretKey key, LoadNodeKey(dir / kNodeKeyFileName));
    if (key.node_id() != session.identity.node_id) {
      return Status::Denied(kErrReplicaIdentity, "密钥文件 " + (dir / kNodeKeyFileName).string() +
                                                     " 不是本节点登记的密钥");
    }
    session.key = std::make_unique<SecretKey>(std::move(key));
  }
  GK_ASSIGN_OR_RETURN(uint64_t last, session.replica->LastHlc());
  session.clock =
      std::make_unique<HlcClock>([] { return static_cast<uint64_t>(WallClockMs()); }, last);
  return session;
}

}  // namespace gongkai
