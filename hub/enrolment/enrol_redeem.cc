// Issuing and redeeming enrolment tokens (hub/enrolment/enrol_token.h).
#include <sodium.h>

#include <optional>

#include "hub/enrolment/enrol_token.h"
#include "node/json/json_value.h"
#include "node/replica/sql.h"
#include "protocol/enrolment_request.h"
#include "protocol/region.h"
#include "protocol/sha256.h"

namespace gongkai {

namespace {

struct TokenRow {
  std::string role;
  std::string region;
  std::string name;
  int64_t expires_at = 0;
  std::optional<int64_t> used_at;
  std::string used_by;
};

Result<std::optional<TokenRow>> FindToken(sqlite3* db, const std::string& hash) {
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "SELECT role, region, name, expires_at, used_at, used_by"
                                         " FROM enrol_token WHERE token_hash = ?1"));
  stmt.Bind(1, hash);
  GK_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return std::optional<TokenRow>();
  TokenRow row;
  row.role = stmt.ColumnText(0);
  row.region = stmt.ColumnText(1);
  row.name = stmt.ColumnText(2);
  row.expires_at = stmt.ColumnInt(3);
  if (!stmt.ColumnIsNull(4)) row.used_at = stmt.ColumnInt(4);
  row.used_by = stmt.ColumnText(5);
  return std::optional<TokenRow>(std::move(row));
}

Result<int64_t> CountRefusals(sqlite3* db, int64_t since, const std::string* peer) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(
          db, peer ? "SELECT count(*) FROM enrol_attempt"
                     " WHERE at > ?1 AND code != 'ok' AND peer = ?2"
                   : "SELECT count(*) FROM enrol_attempt WHERE at > ?1 AND code != 'ok'"));
  stmt.Bind(1, since);
  if (peer) stmt.Bind(2, *peer);
  GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnInt(0) : 0;
}

void RecordAttempt(sqlite3* db, int64_t now, std::string_view peer, const std::string& hash,
                   const std::string& node_id, std::string_view code) {
  Result<Statement> stmt = Statement::Prepare(
      db, "INSERT INTO enrol_attempt(at, peer, token_hash, node_id, code) VALUES (?1,?2,?3,?4,?5)");
  if (!stmt.ok()) return;
  stmt->Bind(1, now).Bind(2, peer);
  if (hash.empty())
    stmt->BindNull(3);
  else
    stmt->Bind(3, hash);
  if (node_id.empty())
    stmt->BindNull(4);
  else
    stmt->Bind(4, node_id);
  stmt->Bind(5, code);
  // Losing one record must not turn an issued certificate into an error.
  (void)stmt->Run();
}

Status CheckRateLimit(sqlite3* db, std::string_view peer, int64_t now) {
  const std::string peer_text(peer);
  const int64_t since = now - kEnrolFailureWindowMs;
  GK_ASSIGN_OR_RETURN(int64_t from_peer, CountRefusals(db, since, &peer_text));
  GK_ASSIGN_OR_RETURN(int64_t total, CountRefusals(db, since, nullptr));
  if (from_peer >= kMaxEnrolFailuresPerPeer || total >= kMaxEnrolFailuresTotal) {
    return Status::Unavailable(kErrEnrolRateLimited,
                               "登记口令错误次数过多，请 " +
                                   std::to_string(kEnrolFailureWindowMs / 60000) + " 分钟后再试");
  }
  return Status::Ok();
}

std::string TokenFor(const TokenRow& row) { return row.role + " " + row.region + " " + row.name; }

}  // namespace

Result<IssuedEnrolToken> IssueEnrolToken(County& county, Role role, std::string_view region,
                                         std::string_view name, int64_t valid_hours,
                                         int64_t now_ms) {
  GK_RETURN_IF_ERROR(CheckEnrolmentFields(region, name));
  if (!ValidateRegionForRole(region, role).ok()) {
    return Status::Invalid(kErrCountyRoleRegion, "区划代码 " + std::string(region) + " 有 " +
                                                     std::to_string(region.size()) +
                                                     " 位, 不能注册为" +
                                                     std::string(RoleName(role)) +
                                                     " (村 12 位, 乡镇 9 位, 县级和审计 6 位)");
  }
  if (!IsWithin(region, county.code())) {
    return Status::Denied(kErrCountyOutside, "区划代码 " + std::string(region) + " 不在本县 " +
                                                 county.code() + " 之内");
  }
  if (valid_hours < 1 || valid_hours > kMaxEnrolTokenValidHours) {
    return Status::Invalid(kErrEnrolValidHours, "有效期应为 1 到 " +
                                                    std::to_string(kMaxEnrolTokenValidHours) +
                                                    " 小时，而不是 " + std::to_string(valid_hours));
  }
  sqlite3* db = county.replica().db();
  GK_RETURN_IF_ERROR(CreateEnrolTables(db));
  EnsureSodium();
  Bytes secret(kEnrolTokenBytes);
  randombytes_buf(secret.data(), secret.size());
  IssuedEnrolToken issued;
  issued.token = FormatEnrolToken(secret);
  issued.token_hash = EnrolTokenHash(secret);
  sodium_memzero(secret.data(), secret.size());
  issued.role = role;
  issued.region = std::string(region);
  issued.name = std::string(name);
  issued.created_at_ms = now_ms;
  issued.expires_at_ms = now_ms + valid_hours * 3600 * 1000;
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "INSERT INTO enrol_token(token_hash, role, region, name,"
                                         " created_at, expires_at) VALUES (?1,?2,?3,?4,?5,?6)"));
  stmt.Bind(1, issued.token_hash)
      .Bind(2, RoleName(role))
      .Bind(3, issued.region)
      .Bind(4, issued.name)
      .Bind(5, issued.created_at_ms)
      .Bind(6, issued.expires_at_ms);
  GK_RETURN_IF_ERROR(stmt.Run());
  return issued;
}

Result<OnlineEnrolRequest> ParseOnlineEnrolBody(std::string_view body) {
  auto bad = [](std::string_view why) {
    return Status::Invalid(kErrEnrolBody, "登记请求格式不对：" + std::string(why));
  };
  if (body.size() > kMaxEnrolBodyBytes)
    return bad("超过 " + std::to_string(kMaxEnrolBodyBytes) + " 字节");
  Result<JsonValue> json = ParseJsonObject(body);
  if (!json.ok()) return bad(json.status().message());
  Result<std::string> token = json->StringOr("token", "");
  Result<std::string> request = json->StringOr("request", "");
  Result<std::string> role = json->StringOr("role", "");
  if (!token.ok() || !request.ok() || !role.ok() || token->empty() || request->empty()) {
    return bad("需要文本字段 token 和 request");
  }
  Result<Bytes> request_bytes = Base64Decode(*request);
  if (!request_bytes.ok()) return bad("request 不是 Base64");
  return OnlineEnrolRequest{*token, std::move(*request_bytes), *role};
}

Result<Bytes> RedeemEnrolToken(County& county, const SecretKey& root,
                               const OnlineEnrolRequest& online, std::string_view peer,
                               int64_t now_ms) {
  sqlite3* db = county.replica().db();
  GK_RETURN_IF_ERROR(CreateEnrolTables(db));
  GK_RETURN_IF_ERROR(CheckRateLimit(db, peer, now_ms));
  std::string hash;
  std::string node_id;
  Result<Bytes> answer = [&]() -> Result<Bytes> {
    GK_ASSIGN_OR_RETURN(Bytes secret, ParseEnrolToken(online.token));
    hash = EnrolTokenHash(secret);
    GK_ASSIGN_OR_RETURN(std::optional<TokenRow> row, FindToken(db, hash));
    if (!row) {
      return Status::Denied(kErrEnrolTokenUnknown,
                            "没有这个登记口令：请核对口令，或请县里重新签发");
    }
    GK_ASSIGN_OR_RETURN(EnrolmentRequest request, OpenEnrolmentRequest(online.request));
    node_id = NodeIdHex(request.node_id());
    const bool repeat = row->used_at && row->used_by == node_id;
    if (row->used_at && !repeat) {
      return Status::Conflict(kErrEnrolTokenUsed, "登记口令已被另一节点用过（" +
                                                      row->used_by.substr(0, 12) +
                                                      "），每个口令只能用一次；请县里重新签发");
    }
    if (!repeat && now_ms >= row->expires_at) {
      return Status::Denied(kErrEnrolTokenExpired, "登记口令已过期；请县里重新签发");
    }
    if (request.region != row->region || request.name != row->name ||
        (!online.role.empty() && online.role != row->role)) {
      return Status::Denied(kErrEnrolTokenMismatch,
                            "登记口令是为 " + TokenFor(*row) + " 签发的，而申请的是 " +
                                (online.role.empty() ? row->role : online.role) + " " +
                                request.region + " " + request.name);
    }
    GK_ASSIGN_OR_RETURN(Role role, ParseRole(row->role));
    if (repeat) return EnrollWithRootKey(county, root, online.request, role);
    return EnrollWithRootKey(county, root, online.request, role, [&](sqlite3* tx) -> Status {
      GK_ASSIGN_OR_RETURN(Statement mark,
                          Statement::Prepare(tx,
                                             "UPDATE enrol_token SET used_at = ?1, used_by = ?2"
                                             " WHERE token_hash = ?3 AND used_at IS NULL"));
      mark.Bind(1, now_ms).Bind(2, node_id).Bind(3, hash);
      GK_RETURN_IF_ERROR(mark.Run());
      if (sqlite3_changes(tx) != 1) {
        return Status::Conflict(kErrEnrolTokenUsed, "登记口令刚被另一节点用过，每个口令只能用一次");
      }
      return Status::Ok();
    });
  }();
  RecordAttempt(db, now_ms, peer, hash, node_id, answer.ok() ? "ok" : answer.status().code());
  return answer;
}

}  // namespace gongkai
