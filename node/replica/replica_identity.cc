// Replica::SetIdentity / Identity / RootPublicKey: the node's identity kept in settings.
#include <string>

#include "node/replica/replica.h"
#include "node/replica/sql.h"
#include "node/replica/trust.h"
#include "protocol/certificate.h"

namespace gongkai {

namespace {

Status NotEnrolled(std::string_view what) {
  return Status::NotFound(kErrReplicaNotEnrolled,
                          "本节点尚未注册 (缺少 " + std::string(what) + "); 请先完成注册");
}

Result<Bytes> Required(const Replica& replica, std::string_view key) {
  GK_ASSIGN_OR_RETURN(std::optional<Bytes> value, replica.GetSetting(key));
  if (!value) return NotEnrolled(key);
  return std::move(*value);
}

}  // namespace

Status Replica::SetIdentity(const NodeIdentity& identity) {
  auto cert = OpenCertificate(identity.certificate, identity.root_public_key);
  if (!cert.ok()) {
    return Status::Invalid(kErrReplicaIdentity,
                           "证书无法用县级根公钥验证: " + cert.status().ToString());
  }
  if (cert->subject_id() != identity.node_id || cert->role != identity.role ||
      cert->region != identity.region) {
    return Status::Invalid(kErrReplicaIdentity,
                           "证书与本节点不符: 证书为 " + NodeIdHex(cert->subject_id()) + " " +
                               std::string(RoleName(cert->role)) + " " + cert->region +
                               ", 本节点为 " + NodeIdHex(identity.node_id) + " " +
                               std::string(RoleName(identity.role)) + " " + identity.region);
  }
  GK_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db()));
  GK_RETURN_IF_ERROR(PutSetting(kSettingNodeId, AsBytes(NodeIdHex(identity.node_id))));
  GK_RETURN_IF_ERROR(PutSetting(kSettingRole, AsBytes(RoleName(identity.role))));
  GK_RETURN_IF_ERROR(PutSetting(kSettingRegion, AsBytes(identity.region)));
  GK_RETURN_IF_ERROR(PutSetting(kSettingCertificate, identity.certificate));
  GK_RETURN_IF_ERROR(PutSetting(kSettingRootKey, identity.root_public_key));
  GK_RETURN_IF_ERROR(
      gongkai::AddKnownCertificate(db(), identity.certificate, identity.root_public_key, NowMs()));
  return tx.Commit();
}

Result<NodeIdentity> Replica::Identity() const {
  NodeIdentity identity;
  GK_ASSIGN_OR_RETURN(Bytes node_id, Required(*this, kSettingNodeId));
  GK_ASSIGN_OR_RETURN(identity.node_id, HexDecodeFixed<kNodeIdSize>(AsChars(node_id)));
  GK_ASSIGN_OR_RETURN(Bytes role, Required(*this, kSettingRole));
  GK_ASSIGN_OR_RETURN(identity.role, ParseRole(AsChars(role)));
  GK_ASSIGN_OR_RETURN(Bytes region, Required(*this, kSettingRegion));
  identity.region = std::string(AsChars(region));
  GK_ASSIGN_OR_RETURN(identity.certificate, Required(*this, kSettingCertificate));
  GK_ASSIGN_OR_RETURN(identity.root_public_key, RootPublicKey());
  return identity;
}

Status Replica::AddKnownCertificate(ByteView body) {
  GK_ASSIGN_OR_RETURN(PublicKey root, RootPublicKey());
  return gongkai::AddKnownCertificate(db(), body, root, NowMs());
}

Result<PublicKey> Replica::RootPublicKey() const {
  GK_ASSIGN_OR_RETURN(Bytes root, Required(*this, kSettingRootKey));
  if (root.size() != kPublicKeySize) {
    return Status::Invalid(kErrReplicaIdentity, "设置中的县级根公钥长度错误");
  }
  PublicKey key{};
  std::copy(root.begin(), root.end(), key.begin());
  return key;
}

}  // namespace gongkai
