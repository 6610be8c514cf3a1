// Online enrolment (node/exchange/online_enrolment.h).
#include "node/exchange/online_enrolment.h"

#include "node/replica/home.h"
#include "node/exchange/hub_client.h"
#include "node/exchange/hub_sync.h"
#include "node/json/json_text.h"
#include "node/json/json_value.h"
#include "node/replica/node_key.h"
#include "node/exchange/tls_pin.h"

namespace gongkai {

Result<CompletedEnrolment> EnrolOnline(const std::filesystem::path& home,
                                       const OnlineEnrolment& enrolment, uint64_t now_ms,
                                       const ReplicaOptions& options) {
  // The address and the pin are checked before a key is made.
  GK_RETURN_IF_ERROR(CheckHubUrl(enrolment.hub_url, enrolment.tls_pin));
  if (!enrolment.tls_pin.empty())
    GK_RETURN_IF_ERROR(ParseTlsFingerprint(enrolment.tls_pin).status());
  GK_ASSIGN_OR_RETURN(Bytes request,
                      StartEnrolment(home, enrolment.region, enrolment.name, now_ms));
  GK_ASSIGN_OR_RETURN(SecretKey key, LoadNodeKey(home / kNodeKeyFileName));
  GK_ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                      HubClient::Create(enrolment.hub_url, key, {}, {}, enrolment.tls_pin));
  JsonObject body;
  body.Set("token", enrolment.token);
  body.Set("request", Base64Encode(request));
  if (!enrolment.role.empty()) body.Set("role", enrolment.role);
  GK_ASSIGN_OR_RETURN(HubResponse answer, client->Send("POST", kEnrolPath, body.ToString()));
  auto bad = [](std::string_view why) {
    return Status::Invalid(kErrEnrolAnswer, "汇聚服务器的登记答复无法识别：" + std::string(why));
  };
  if (answer.body.size() > kMaxEnrolAnswerBytes) return bad("太长");
  Result<JsonValue> json = ParseJsonObject(answer.body);
  if (!json.ok()) return bad(json.status().message());
  Result<std::string> file_text = json->StringOr("certificate_file", "");
  if (!file_text.ok() || file_text->empty()) return bad("没有 certificate_file");
  Result<Bytes> file = Base64Decode(*file_text);
  if (!file.ok()) return bad("certificate_file 不是 Base64");
  GK_ASSIGN_OR_RETURN(CompletedEnrolment done, CompleteEnrolment(home, *file, options));
  GK_RETURN_IF_ERROR(SaveHubSettings(home, enrolment.hub_url, enrolment.tls_pin, options));
  return done;
}

Status SaveHubSettings(const std::filesystem::path& home, const std::string& hub_url,
                       const std::string& tls_pin, const ReplicaOptions& options) {
  std::string pin;
  if (!tls_pin.empty()) {
    GK_ASSIGN_OR_RETURN(pin, ParseTlsFingerprint(tls_pin));
  }
  GK_ASSIGN_OR_RETURN(Replica replica, Replica::Open(home / kReplicaFileName, options));
  if (!hub_url.empty()) GK_RETURN_IF_ERROR(replica.PutSetting(kSettingHub, AsBytes(hub_url)));
  if (!pin.empty()) GK_RETURN_IF_ERROR(replica.PutSetting(kSettingHubTlsPin, AsBytes(pin)));
  return Status::Ok();
}

}  // namespace gongkai
