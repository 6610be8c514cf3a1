// HubService::Enrol: POST /v1/enrol, online enrolment with a one-time token
// (hub/enrolment/enrol_token.h).
#include "hub/enrolment/enrol_token.h"
#include "hub/server/service.h"
#include "node/json/json_text.h"

namespace gongkai {

Result<HubAnswer> HubService::Enrol(const HubRequest& request) {
  if (!root_key_) {
    return Status::Unavailable(kErrEnrolDisabled,
                               "汇聚服务未开启在线登记（县里需用 gongkai-hub serve --enrol 启动）；"
                               "请改用离线登记");
  }
  GK_ASSIGN_OR_RETURN(OnlineEnrolRequest online, ParseOnlineEnrolBody(request.body));
  GK_ASSIGN_OR_RETURN(
      Bytes file, RedeemEnrolToken(county_, *root_key_, online, request.peer, wall_clock_ms_()));
  // The certificate row's envelope enters the audit log now, not at the next push.
  GK_RETURN_IF_ERROR(log_->AppendMissing().status());
  GK_RETURN_IF_ERROR(log_->SignCheckpoint().status());
  JsonObject answer;
  answer.Set("certificate_file", Base64Encode(file));
  HubAnswer out;
  out.body = answer.ToString();
  return out;
}

}  // namespace gongkai
