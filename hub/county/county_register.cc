// EnrollFromRequest, Revoke and ListEnrolled: the county's register of nodes.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "hub/county/county.h"
#include "hub/county/county_rows.h"
#include "node/replica/capture.h"
#include "node/replica/sql.h"
#include "node/replica/trust.h"
#include "protocol/certificate_file.h"
#include "protocol/enrolment_request.h"
#include "protocol/file_io.h"
#include "protocol/utf8.h"

namespace gongkai {

namespace {

// Another process (the hub's server, a second command) may have captured into the replica
// since this County was opened; the next capture's HLC must still be later than that one.
Status CatchUpClock(County& county) {
  GK_ASSIGN_OR_RETURN(Hlc last, county.replica().LastHlc());
  county.clock().Observe(last);
  return Status::Ok();
}

// The root key, opened under `passphrase`. Costs one key derivation.
Result<SecretKey> OpenRootKey(const County& county, std::string_view passphrase) {
  GK_ASSIGN_OR_RETURN(
      Bytes file, ReadFileLimited((county.home() / kRootKeyFileName).string(), kKeyFileSize + 1));
  GK_ASSIGN_OR_RETURN(SecretKey root, OpenSecretKey(file, passphrase));
  if (root.public_key() != county.root_public_key()) {
    return Status::Invalid(kErrCountyInconsistent, "root.key 已被替换: 其公钥与县级副本不符");
  }
  return root;
}

Status CheckRoleRegion(const County& county, const EnrolmentRequest& request, Role role) {
  if (!ValidateRegionForRole(request.region, role).ok()) {
    return Status::Invalid(kErrCountyRoleRegion, "申请的区划代码 " + request.region + " 有 " +
                                                     std::to_string(request.region.size()) +
                                                     " 位, 不能注册为" +
                                                     std::string(RoleName(role)) +
                                                     " (村 12 位, 乡镇 9 位, 县级和审计 6 位)");
  }
  if (!IsWithin(request.region, county.code())) {
    return Status::Denied(kErrCountyOutside, "申请的区划代码 " + request.region + " 不在本县 " +
                                                 county.code() + " 之内");
  }
  return Status::Ok();
}

// The body of the certificate `request`'s key already holds, if it holds one for exactly
// this role, region and name; county.already_enrolled for any other.
Result<std::optional<Bytes>> ExistingCertificate(sqlite3* db, const EnrolmentRequest& request,
                                                 Role role) {
  const std::string node_id = NodeIdHex(request.node_id());
  GK_ASSIGN_OR_RETURN(std::optional<CertificateRow> row, FindCertificateRow(db, node_id));
  if (!row) return std::optional<Bytes>();
  if (row->role != RoleName(role) || row->subject_region != request.region ||
      row->name != request.name) {
    return Status::Conflict(kErrCountyAlreadyEnrolled,
                            "节点 " + node_id + " 已注册为 " + row->role + " " +
                                row->subject_region + " " + row->name +
                                "; 同一密钥只能注册一次, 请让该节点重新生成密钥后申请");
  }
  return std::optional<Bytes>(std::move(row->body));
}

// The full node id that `node_ref` names.
Result<std::string> ResolveNode(sqlite3* db, std::string_view node_ref) {
  std::string prefix(node_ref);
  std::transform(prefix.begin(), prefix.end(), prefix.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool hex = std::all_of(prefix.begin(), prefix.end(),
                               [](unsigned char c) { return std::isxdigit(c) != 0; });
  if (!hex || prefix.size() < kMinNodeRefLength || prefix.size() > 2 * kNodeIdSize) {
    return Status::Invalid(kErrCountyNodeRef, "“" + std::string(node_ref) +
                                                  "” 不是节点编号: 应为 " +
                                                  std::to_string(kMinNodeRefLength) +
                                                  " 到 32 位"
                                                  "十六进制数字 (节点编号或其开头)");
  }
  GK_ASSIGN_OR_RETURN(std::vector<std::string> ids, NodeIdsWithPrefix(db, prefix, 5));
  if (ids.empty()) {
    return Status::NotFound(kErrCountyUnknownNode, "没有编号以 " + prefix + " 开头的已注册节点");
  }
  if (ids.size() > 1) {
    std::string list;
    for (const std::string& id : ids) list += (list.empty() ? "" : ", ") + id;
    return Status::Invalid(kErrCountyAmbiguousNode,
                           "编号以 " + prefix + " 开头的节点不止一个 (" + list + "); 请多输入几位");
  }
  return ids.front();
}

Status CheckNote(std::string_view note) {
  if (note.size() > kMaxRevocationNoteSize) {
    return Status::TooLarge(kErrRevocationNoteTooLarge,
                            "吊销说明有 " + std::to_string(note.size()) + " 字节, 上限 " +
                                std::to_string(kMaxRevocationNoteSize));
  }
  if (!IsValidUtf8(note)) {
    return Status::Invalid(kErrRevocationNoteUtf8, "吊销说明不是有效的 UTF-8 文本");
  }
  return Status::Ok();
}

// The request opened and checked against the county's register: everything
// EnrollFromRequest checks before the root key.
struct CheckedRequest {
  EnrolmentRequest request;
  std::optional<Bytes> existing;  // the certificate this key already holds for it
};

Result<CheckedRequest> CheckRequest(County& county, ByteView request_bytes, Role role) {
  GK_ASSIGN_OR_RETURN(EnrolmentRequest request, OpenEnrolmentRequest(request_bytes));
  GK_RETURN_IF_ERROR(CheckRoleRegion(county, request, role));
  sqlite3* db = county.replica().db();
  GK_ASSIGN_OR_RETURN(bool revoked, IsRevoked(db, request.node_id()));
  if (revoked) {
    return Status::Denied(kErrCountyRevoked,
                          "节点 " + NodeIdHex(request.node_id()) +
                              " 的密钥已被吊销, 不能再注册; 请让该节点重新生成密钥");
  }
  GK_ASSIGN_OR_RETURN(std::optional<Bytes> existing, ExistingCertificate(db, request, role));
  return CheckedRequest{std::move(request), std::move(existing)};
}

Result<Bytes> Issue(County& county, const SecretKey& root, const CheckedRequest& checked, Role role,
                    const std::function<Status(sqlite3*)>& also_write) {
  if (checked.existing) {
    if (also_write) {
      GK_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(county.replica().db()));
      GK_RETURN_IF_ERROR(also_write(county.replica().db()));
      GK_RETURN_IF_ERROR(transaction.Commit());
    }
    return MakeCertificateFile(county.root_public_key(), *checked.existing,
                               county.hub_certificate());
  }
  Certificate cert;
  cert.county = county.code();
  cert.subject_key = checked.request.node_key;
  cert.role = role;
  cert.region = checked.request.region;
  cert.name = checked.request.name;
  cert.serial = RandomSerial();
  GK_RETURN_IF_ERROR(CatchUpClock(county));
  Bytes body;
  GK_RETURN_IF_ERROR(Capture(county.replica(), county.hub_key(), county.clock(),
                             [&](sqlite3* db, const CaptureStamp& stamp) -> Status {
                               cert.issued_hlc = stamp.hlc;
                               GK_ASSIGN_OR_RETURN(body, SignCertificate(cert, root));
                               GK_RETURN_IF_ERROR(InsertCertificateRow(db, stamp, cert, body));
                               return also_write ? also_write(db) : Status::Ok();
                             })
                         .status());
  return MakeCertificateFile(county.root_public_key(), body, county.hub_certificate());
}

}  // namespace

Result<SecretKey> OpenCountyRootKey(const County& county, std::string_view root_passphrase) {
  return OpenRootKey(county, root_passphrase);
}

Result<Bytes> EnrollFromRequest(County& county, std::string_view root_passphrase,
                                ByteView request_bytes, Role role) {
  GK_ASSIGN_OR_RETURN(CheckedRequest checked, CheckRequest(county, request_bytes, role));
  GK_ASSIGN_OR_RETURN(SecretKey root, OpenRootKey(county, root_passphrase));
  return Issue(county, root, checked, role, {});
}

Result<Bytes> EnrollWithRootKey(County& county, const SecretKey& root, ByteView request_bytes,
                                Role role, const std::function<Status(sqlite3*)>& also_write) {
  GK_ASSIGN_OR_RETURN(CheckedRequest checked, CheckRequest(county, request_bytes, role));
  return Issue(county, root, checked, role, also_write);
}

Result<Revocation> Revoke(County& county, std::string_view root_passphrase,
                          std::string_view node_ref, RevocationReason reason,
                          std::string_view note) {
  sqlite3* db = county.replica().db();
  GK_ASSIGN_OR_RETURN(std::string node_id, ResolveNode(db, node_ref));
  if (node_id == NodeIdHex(county.hub_key().node_id())) {
    return Status::Denied(kErrCountyRevokeHub,
                          "节点 " + node_id + " 是县级枢纽本身, 不能吊销 (它的信封携带所有证书)");
  }
  GK_ASSIGN_OR_RETURN(std::vector<std::string> held, RevocationReasons(db, node_id));
  const std::string_view wanted = RevocationReasonName(reason);
  for (const std::string& earlier : held) {
    if (earlier == wanted || earlier == RevocationReasonName(RevocationReason::kCompromised)) {
      return Status::Conflict(kErrCountyAlreadyRevoked,
                              "节点 " + node_id + " 已被吊销 (" + earlier + ")");
    }
  }
  GK_RETURN_IF_ERROR(CheckNote(note));
  GK_ASSIGN_OR_RETURN(SecretKey root, OpenRootKey(county, root_passphrase));

  Revocation revocation;
  GK_ASSIGN_OR_RETURN(revocation.subject, HexDecodeFixed<kNodeIdSize>(node_id));
  revocation.reason = reason;
  revocation.note = std::string(note);
  GK_RETURN_IF_ERROR(CatchUpClock(county));
  Bytes body;
  GK_RETURN_IF_ERROR(Capture(county.replica(), county.hub_key(), county.clock(),
                             [&](sqlite3* db, const CaptureStamp& stamp) -> Status {
                               revocation.revoked_hlc = stamp.hlc;
                               GK_ASSIGN_OR_RETURN(body, SignRevocation(revocation, root));
                               return InsertRevocationRow(db, stamp, revocation, body,
                                                          county.code());
                             })
                         .status());
  return OpenRevocation(body, county.root_public_key());
}

Result<std::vector<EnrolledNode>> ListEnrolled(const County& county) {
  // The strongest reason sorts first: 'compromised' < 'retired'.
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(county.replica().db(),
                         "SELECT c.node_id, c.role, c.subject_region, c.name, c.hlc,"
                         " (SELECT min(r.reason) FROM revocation r WHERE r.node_id = c.node_id)"
                         " FROM certificate c ORDER BY c.subject_region, c.name, c.node_id"));
  const std::string hub_id = NodeIdHex(county.hub_key().node_id());
  std::vector<EnrolledNode> nodes;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    EnrolledNode node;
    node.node_id = stmt.ColumnText(0);
    GK_ASSIGN_OR_RETURN(node.role, ParseRole(stmt.ColumnText(1)));
    node.region = stmt.ColumnText(2);
    node.name = stmt.ColumnText(3);
    node.issued_hlc = static_cast<Hlc>(stmt.ColumnInt(4));
    node.is_hub = node.node_id == hub_id;
    if (!stmt.ColumnIsNull(5)) {
      GK_ASSIGN_OR_RETURN(RevocationReason reason, ParseRevocationReason(stmt.ColumnText(5)));
      node.revoked = reason;
    }
    nodes.push_back(std::move(node));
  }
  return nodes;
}

}  // namespace gongkai
