// gongkai status | digest | config | alarms
#include <iostream>
#include <map>

#include "node/app/node_status.h"
#include "node/cli/commands.h"
#include "node/exchange/hub_refusal.h"
#include "node/json/json_text.h"
#include "node/replica/alarm.h"
#include "node/replica/digest.h"
#include "node/replica/sql.h"
#include "node/workflow/disclosure_view.h"
#include "protocol/region.h"

namespace gongkai {

namespace {

// Settings a person may set with `gongkai config set`, and what they mean.
constexpr struct {
  std::string_view key;
  std::string_view help;
} kConfigKeys[] = {
    {"person", "默认经办人姓名（submit、review 等未给 --by 时记录）"},
    {"phone.village", "村监督电话（印在公示单上）"},
    {"phone.township", "乡镇监督电话"},
    {"phone.county", "县监督电话"},
    {"hub", "县汇聚服务器地址，如 http://10.0.0.1:8440"},
    {"hub-fingerprint", "县汇聚服务器 TLS 证书的 SHA-256 指纹（64 位十六进制；https 地址必需）"},
    {"finance.deadline_day",
     "财务公开期限：季度结束后次月第几日（1 到 28，默认 15；县里设置后随同步下发并以县里为准，"
     "本项只在收到县里的设置前起作用）"},
};

}  // namespace

std::vector<std::string_view> NodeConfigKeys() {
  std::vector<std::string_view> keys;
  for (const auto& k : kConfigKeys) keys.push_back(k.key);
  return keys;
}

namespace {

bool KnownConfigKey(std::string_view key) {
  for (const auto& k : kConfigKeys) {
    if (k.key == key) return true;
  }
  return false;
}

int PrintStatus(const Args& args, const NodeStatus& status) {
  const std::map<DisclosureStatus, int64_t>& counts = status.disclosures;
  const int64_t conflicts = status.conflicts;
  const std::string& me = status.node_id;
  const int64_t journal = status.envelopes;
  const int64_t own = status.own_envelopes;
  const int64_t pending = status.pending_envelopes;
  const int64_t alarms = status.alarms;
  const int64_t last_sync = status.last_sync_ms;
  const int64_t withheld = status.hub_refused_withheld;
  if (args.json()) {
    JsonObject out;
    out.Set("node_id", me);
    out.Set("name", status.name);
    out.Set("role", RoleName(status.role));
    out.Set("region", status.region);
    JsonObject by_status;
    for (const auto& [status, n] : counts) by_status.Set(StatusName(status), n);
    out.SetRaw("disclosures", by_status.ToString());
    out.Set("conflicts", conflicts);
    out.Set("envelopes", journal);
    out.Set("own_envelopes", own);
    out.Set("pending_envelopes", pending);
    out.Set("alarms", alarms);
    out.Set("hub_refused", status.hub_refused);
    out.Set("hub_refused_withheld", withheld);
    out.Set("last_sync_ms", last_sync);
    if (status.hub_clock_offset_ms) {
      out.Set("hub_clock_offset_ms", *status.hub_clock_offset_ms);
      out.Set("hub_clock_measured_at", status.hub_clock_measured_at);
      out.SetRaw("clock_wrong",
                 DescribeClockOffset(*status.hub_clock_offset_ms).empty() ? "false" : "true");
    }
    out.Set("restored_from_backup_ms", status.restored_from_backup_ms);
    std::cout << out.ToString() << "\n";
    return kExitOk;
  }
  std::cout << "节点 " << status.name << "\n"
            << "  编号 " << me << "\n"
            << "  角色 " << RoleName(status.role) << "    区划 " << status.region << "\n"
            << "  公开事项：";
  if (counts.empty()) std::cout << "无";
  for (const auto& [status, n] : counts) std::cout << StatusLabel(status) << " " << n << "  ";
  std::cout << "\n";
  if (conflicts > 0) std::cout << "  有 " << conflicts << " 项并行修改待解决\n";
  std::cout << "  数据包 " << journal << "（本节点 " << own << "，未获县级回执 " << pending
            << "）\n";
  if (alarms > 0) std::cout << "  告警 " << alarms << " 条：gongkai alarms 查看\n";
  if (status.restored_from_backup_ms > 0) {
    std::cout << "  本机数据从备份恢复，尚未同步：同步之前不能提交、审核或登记张贴，"
                 "请先运行 gongkai sync\n";
  }
  if (status.hub_clock_offset_ms) {
    const std::string clock = DescribeClockOffset(*status.hub_clock_offset_ms);
    if (!clock.empty()) {
      std::cout << "  时钟 " << clock << "（上次同步时测得）：请在电脑右下角校准日期和时间。"
                << "同步不受影响，但本机记下的时间会不准\n";
    }
  }
  if (status.hub_refused > 0) {
    std::cout << "  被县汇聚服务器拒收 " << status.hub_refused << " 个数据包（其中 " << withheld
              << " 个无法补救、不再送出，其余下次同步再送）：gongkai alarms 查看\n";
  }
  std::cout << "  上次同步 ";
  if (last_sync > 0) {
    std::cout << HlcBeijingTime(MakeHlc(static_cast<uint64_t>(last_sync), 0)) << "\n";
  } else {
    std::cout << "从未\n";
  }
  return kExitOk;
}

int RunStatus(const Args& args) {
  return RunNodeAction(
      args, false,
      [&](NodeSession& session, std::vector<ImportError>*) { return ReadNodeStatus(session); },
      [&](const NodeStatus& status) { return PrintStatus(args, status); });
}

int RunDigest(const Args& args) {
  return WithNodeSession(args, false, [&](NodeSession& session) {
    return PrintRegionDigest(args, *session.replica, session.identity.region);
  });
}

}  // namespace

int PrintRegionDigest(const Args& args, const Replica& replica, std::string_view default_region) {
  const std::string region = args.Get("region").value_or(std::string(default_region));
  Result<Hash256> digest = RegionDigest(replica, region);
  if (!digest.ok()) return ReportFailure(digest.status(), args.json());
  if (args.json()) {
    JsonObject out;
    out.Set("region", region);
    out.Set("digest", HashHex(*digest));
    std::cout << out.ToString() << "\n";
  } else {
    std::cout << HashHex(*digest) << "  " << region << "\n";
  }
  return kExitOk;
}

namespace {

int RunConfigSet(const Args& args) {
  const std::string& key = args.positional()[0];
  if (!KnownConfigKey(key)) {
    std::string known;
    for (const auto& k : kConfigKeys) known += " " + std::string(k.key);
    return ReportFailure(Status::Invalid(kErrCliUsage, "没有设置项“" + key + "”；可设置：" + known),
                         args.json());
  }
  const std::string& value = args.positional()[1];
  return RunNodeAction(
      args, false,
      [&](NodeSession& session, std::vector<ImportError>*) -> Result<bool> {
        GK_RETURN_IF_ERROR(session.replica->PutSetting(key, AsBytes(value)));
        return true;
      },
      [&](bool) {
        JsonObject out;
        out.Set(key, value);
        return Emit(args, out.ToString(), "已设置 " + key + " = " + value);
      });
}

int PrintConfig(const Args& args, NodeSession& session) {
  JsonObject out;
  for (const auto& k : kConfigKeys) {
    Result<std::optional<Bytes>> value = session.replica->GetSetting(k.key);
    if (!value.ok()) return ReportFailure(value.status(), args.json());
    const std::string text =
        value->has_value() ? std::string((*value)->begin(), (*value)->end()) : "";
    if (args.json()) {
      out.Set(k.key, text);
    } else {
      std::cout << k.key << " = " << (text.empty() ? "（未设置）" : text) << "    # " << k.help
                << "\n";
    }
  }
  if (args.json()) std::cout << out.ToString() << "\n";
  return kExitOk;
}

int RunConfigShow(const Args& args) {
  return WithNodeSession(args, false,
                         [&](NodeSession& session) { return PrintConfig(args, session); });
}

int PrintAlarms(const Args& args, const NodeAlarms& found) {
  const std::vector<Alarm>* alarms = &found.alarms;
  const std::vector<HubRefusal>* refusals = &found.refusals;
  if (args.json()) {
    std::vector<std::string> out;
    for (const Alarm& a : *alarms) {
      JsonObject o;
      o.Set("kind", a.kind);
      o.Set("origin", a.origin);
      o.Set("seq", static_cast<int64_t>(a.seq));
      o.Set("held_envelope", a.held_envelope_id);
      o.Set("other_envelope", a.other_envelope_id);
      o.Set("source", a.source);
      o.Set("raised_at_ms", a.raised_at);
      o.Set("message", a.message);
      out.push_back(o.ToString());
    }
    std::cout << JsonArray(out) << "\n";
    return kExitOk;
  }
  if (alarms->empty()) std::cout << "没有告警。\n";
  for (const Alarm& a : *alarms) {
    std::cout << (a.kind == "equivocation" ? "一号两包" : "链条断裂") << "  节点 " << a.origin
              << " 序号 " << a.seq << "  来源 " << a.source << "\n    已有 " << a.held_envelope_id
              << "\n    拒收 " << a.other_envelope_id << "\n";
  }
  if (!alarms->empty()) {
    std::cout << "共 " << alarms->size()
              << " 条。请报县级管理员核查该节点的密钥是否外泄或被复制。\n";
  }
  if (!refusals->empty()) {
    std::cout << "\n被县汇聚服务器拒收的数据包 " << refusals->size() << " 个：\n";
    for (const HubRefusal& r : *refusals) {
      std::cout << "  " << r.envelope_id.substr(0, 12) << "  " << r.message << "（" << r.code
                << "）\n    拒收 " << r.times << " 次，"
                << (r.permanent ? "无法补救，不再送出；请报县级管理员" : "下次同步再送") << "\n";
    }
  }
  return kExitOk;
}

int RunAlarms(const Args& args) {
  return RunNodeAction(
      args, false,
      [&](NodeSession& session, std::vector<ImportError>*) { return ReadNodeAlarms(session); },
      [&](const NodeAlarms& found) { return PrintAlarms(args, found); });
}

}  // namespace

std::vector<CommandSpec> NodeCommands() {
  std::vector<CommandSpec> commands;
  {
    CommandSpec spec{"status", "", "显示本节点：身份、公开事项统计、待送出的数据包、上次同步"};
    spec.run = RunStatus;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"digest", "",
                     "计算某区划（含下级）全部同步数据的摘要，用于核对两台机器是否一致"};
    spec.options = {{"region", "CODE", "区划代码（默认本节点区划）"}};
    spec.run = RunDigest;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"config set", "KEY VALUE", "设置本机选项（经办人、监督电话、汇聚服务器地址）"};
    spec.min_args = spec.max_args = 2;
    spec.details = "可设置：person phone.village phone.township phone.county hub";
    spec.run = RunConfigSet;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"config show", "", "显示本机选项"};
    spec.run = RunConfigShow;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"alarms", "", "列出告警：同一节点的同一序号出现两个不同数据包等"};
    spec.run = RunAlarms;
    commands.push_back(spec);
  }
  return commands;
}

}  // namespace gongkai
