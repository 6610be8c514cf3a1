#include "node/exchange/enrolment.h"

#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "node/replica/home.h"
#include "node/replica/node_key.h"
#include "protocol/certificate_file.h"
#include "protocol/enrolment_request.h"
#include "protocol/file_io.h"

namespace gongkai {

namespace {

namespace fs = std::filesystem;

Status HomeError(const fs::path& home, std::string_view what, const std::error_code& ec) {
  return Status::IoError(kErrEnrolmentHome, "节点目录 " + home.string() + " " + std::string(what) +
                                                ": " + ec.message());
}

Status EnsureHome(const fs::path& home) {
  std::error_code ec;
  const fs::file_status status = fs::status(home, ec);
  if (fs::exists(status)) {
    if (!fs::is_directory(status)) {
      return Status::IoError(kErrEnrolmentHome, "节点目录 " + home.string() + " 不是目录");
    }
    return Status::Ok();
  }
  if (!fs::create_directories(home, ec) && ec) return HomeError(home, "无法创建", ec);
  fs::permissions(home, kHomeFolderPerms, ec);
  if (ec) return HomeError(home, "无法设置权限", ec);
  return Status::Ok();
}

// The identity of the replica in `home`, or nullopt when there is no replica or it has no
// identity yet.
Result<std::optional<NodeIdentity>> EnrolledIdentity(const fs::path& home,
                                                     const ReplicaOptions& options) {
  const fs::path path = home / kReplicaFileName;
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::optional<NodeIdentity>();
  ReplicaOptions existing = options;
  existing.create_if_missing = false;
  GK_ASSIGN_OR_RETURN(Replica replica, Replica::Open(path, existing));
  Result<NodeIdentity> identity = replica.Identity();
  if (identity.ok()) return std::optional<NodeIdentity>(std::move(*identity));
  if (identity.status().code() == kErrReplicaNotEnrolled) return std::optional<NodeIdentity>();
  return identity.status();
}

Status AlreadyEnrolled(const fs::path& home, const NodeIdentity& identity) {
  return Status::Conflict(kErrEnrolmentAlreadyEnrolled, "节点目录 " + home.string() + " 已注册为 " +
                                                            std::string(RoleName(identity.role)) +
                                                            " " + identity.region + " (节点 " +
                                                            NodeIdHex(identity.node_id) + ")");
}

struct PendingRequest {
  Bytes bytes;
  EnrolmentRequest request;
};

// DIR/enrolment.request, opened and checked to be `key`'s; nullopt when there is none.
Result<std::optional<PendingRequest>> ReadPending(const fs::path& home, const SecretKey& key) {
  const fs::path path = home / kEnrolmentRequestFileName;
  auto invalid = [&](std::string_view why) {
    return Status::Invalid(kErrEnrolmentPendingInvalid, "待处理的注册申请 " + path.string() +
                                                            " 不可用 (" + std::string(why) +
                                                            "); 请删除该文件后重新申请");
  };
  Result<Bytes> bytes = ReadFileLimited(path.string(), kMaxEnrolmentRequestSize);
  if (!bytes.ok()) {
    if (bytes.status().code() == kErrFileNotFound) return std::optional<PendingRequest>();
    if (bytes.status().code() == kErrFileTooLarge) return invalid(bytes.status().ToString());
    return bytes.status();
  }
  Result<EnrolmentRequest> request = OpenEnrolmentRequest(*bytes);
  if (!request.ok()) return invalid(request.status().ToString());
  if (request->node_key != key.public_key()) {
    return invalid("申请属于节点 " + NodeIdHex(request->node_id()) + ", 本节点密钥为 " +
                   NodeIdHex(key.node_id()));
  }
  return std::optional<PendingRequest>(PendingRequest{std::move(*bytes), std::move(*request)});
}

Status RemovePending(const fs::path& home) {
  std::error_code ec;
  fs::remove(home / kEnrolmentRequestFileName, ec);
  if (ec) return HomeError(home, "无法删除注册申请文件", ec);
  return Status::Ok();
}

}  // namespace

Result<Bytes> StartEnrolment(const fs::path& home, std::string_view region, std::string_view name,
                             uint64_t now_ms) {
  GK_RETURN_IF_ERROR(CheckEnrolmentFields(region, name));
  GK_ASSIGN_OR_RETURN(std::optional<NodeIdentity> enrolled, EnrolledIdentity(home, {}));
  if (enrolled) return AlreadyEnrolled(home, *enrolled);
  GK_RETURN_IF_ERROR(EnsureHome(home));

  const fs::path key_path = home / kNodeKeyFileName;
  std::optional<SecretKey> key;
  if (NodeKeyExists(key_path)) {
    GK_ASSIGN_OR_RETURN(SecretKey loaded, LoadNodeKey(key_path));
    GK_ASSIGN_OR_RETURN(std::optional<PendingRequest> pending, ReadPending(home, loaded));
    if (pending) {
      if (pending->request.region == region && pending->request.name == name) {
        return std::move(pending->bytes);
      }
      return Status::Conflict(kErrEnrolmentPendingDiffers,
                              "本节点已有一份待处理的注册申请 (" + pending->request.region + " " +
                                  pending->request.name + "); 请先完成它, 或删除 " +
                                  (home / kEnrolmentRequestFileName).string() + " 后重新申请");
    }
    key.emplace(std::move(loaded));
  } else {
    key.emplace(SecretKey::Generate());
    GK_RETURN_IF_ERROR(SaveNodeKey(key_path, *key));
  }
  GK_ASSIGN_OR_RETURN(Bytes request, MakeEnrolmentRequest(*key, region, name, now_ms));
  GK_RETURN_IF_ERROR(
      WriteFileAtomically((home / kEnrolmentRequestFileName).string(), request, 0644));
  return request;
}

Result<SecretKey> LoadKeyNamedBy(const fs::path& home, const Certificate& node,
                                 std::string_view without_key, std::string_view other_node) {
  const fs::path key_path = home / kNodeKeyFileName;
  if (!NodeKeyExists(key_path)) {
    return Status::NotFound(kErrEnrolmentNotStarted, "节点目录 " + home.string() +
                                                         " 中没有节点密钥 " + kNodeKeyFileName +
                                                         "；" + std::string(without_key));
  }
  GK_ASSIGN_OR_RETURN(SecretKey key, LoadNodeKey(key_path));
  if (node.subject_key != key.public_key()) {
    return Status::Denied(kErrEnrolmentOtherNode,
                          "这份证书属于节点 " + NodeIdHex(node.subject_id()) + "（" + node.region +
                              " " + node.name + "），本节点为 " + NodeIdHex(key.node_id()) +
                              "；" + std::string(other_node));
  }
  return key;
}

Result<CompletedEnrolment> CompleteEnrolment(const fs::path& home, ByteView certificate_file,
                                             const ReplicaOptions& options) {
  GK_ASSIGN_OR_RETURN(CertificateFile file, OpenCertificateFile(certificate_file));
  GK_ASSIGN_OR_RETURN(SecretKey key,
                      LoadKeyNamedBy(home, file.node, "请先生成注册申请", "请取回本节点的证书文件"));
  GK_ASSIGN_OR_RETURN(std::optional<PendingRequest> pending, ReadPending(home, key));
  if (pending &&
      (pending->request.region != file.node.region || pending->request.name != file.node.name)) {
    return Status::Denied(kErrEnrolmentCertificateDiffers,
                          "证书写的是 " + file.node.region + " " + file.node.name +
                              ", 本节点申请的是 " + pending->request.region + " " +
                              pending->request.name);
  }

  CompletedEnrolment done{file.node, file.hub, file.root_public_key, false};
  GK_ASSIGN_OR_RETURN(Replica replica, Replica::Open(home / kReplicaFileName, options));
  Result<NodeIdentity> identity = replica.Identity();
  if (identity.ok()) {
    if (identity->certificate != file.node_certificate ||
        identity->root_public_key != file.root_public_key) {
      return AlreadyEnrolled(home, *identity);
    }
    done.already_complete = true;
  } else if (identity.status().code() != kErrReplicaNotEnrolled) {
    return identity.status();
  } else {
    GK_RETURN_IF_ERROR(
        replica.SetIdentity(NodeIdentity{key.node_id(), file.node.role, file.node.region,
                                         file.node_certificate, file.root_public_key}));
  }
  // Also on a repeat: a run stopped after SetIdentity is finished here.
  GK_RETURN_IF_ERROR(replica.AddKnownCertificate(file.hub_certificate));
  GK_RETURN_IF_ERROR(RemovePending(home));
  return done;
}

}  // namespace gongkai
