// The audit's tables (hub/app/audit_tables.h).
#include "hub/app/audit_tables.h"

#include "node/workflow/disclosure_view.h"
#include "node/workflow/workflow.h"
#include "protocol/keys.h"

namespace gongkai {

namespace {

std::string Short(std::string_view id) { return std::string(id.substr(0, 8)); }

TableCell TimeCell(const std::optional<int64_t>& ms) {
  return ms ? TableCell(BeijingMinuteText(*ms)) : TableCell::Null();
}
TableCell NumberCell(const std::optional<int64_t>& n) {
  return n ? TableCell(*n) : TableCell::Null();
}

// "+2天3小时" / "-2天0小时": a signed duration for people.
std::string OffsetText(int64_t ms) {
  const int64_t abs = ms < 0 ? -ms : ms;
  const int64_t hours = abs / 3'600'000;
  return std::string(ms < 0 ? "-" : "+") + std::to_string(hours / 24) + "天" +
         std::to_string(hours % 24) + "小时";
}

std::string HeldLabel(std::string_view held) {
  if (held == "submitted") return "已提交未审核";
  if (held == "returned") return "被退回";
  if (held == "approved") return "已通过";
  return "未提交";
}

}  // namespace

std::string RoleLabel(std::string_view role) {
  if (role == "village") return "村";
  if (role == "township") return "乡镇";
  if (role == "county") return "县";
  if (role == "auditor") return "审计";
  return std::string(role);
}

std::string HoursText(int64_t ms) {
  const int64_t tenths = (ms + 180'000) / 360'000;  // rounded to 0.1 h
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}


Table FinanceTable(const OverdueReport& report, const NodeDirectory& nodes) {
  Table table;
  table.columns = {{"region", "区划"},        {"name", "村"},
                   {"township", "乡镇"},      {"period", "期间"},
                   {"deadline", "期限"},      {"state", "情况"},
                   {"held", "县级所见"},      {"approved_time", "审核通过送达县级"},
                   {"days_late", "逾期天数"}, {"disclosure_id", "公开事项编号"}};
  for (const FinanceDue& d : report.finance) {
    table.AddRow({d.region, nodes.RegionName(d.region), nodes.RegionName(TownshipOf(d.region)),
                  d.period, d.deadline.day.ToString(),
                  d.state == "late" ? "逾期通过" : "逾期未通过", HeldLabel(d.held),
                  TimeCell(d.approved_at),
                  d.state == "late" ? TableCell(d.days_late) : TableCell::Null(), d.disclosure_id});
  }
  return table;
}

Table SubsidyTable(const OverdueReport& report, const NodeDirectory& nodes) {
  Table table;
  table.columns = {{"region", "区划"},
                   {"name", "村"},
                   {"title", "标题"},
                   {"publicity_from", "公示起"},
                   {"publicity_to", "公示止"},
                   {"declared_days", "公示天数"},
                   {"effective_days", "通过后剩余天数"},
                   {"approved_time", "审核通过送达县级"},
                   {"disclosure_id", "公开事项编号"},
                   {"version_id", "版本编号"}};
  for (const ShortPublicity& s : report.subsidy) {
    table.AddRow({s.region, nodes.RegionName(s.region), s.title, s.publicity_from, s.publicity_to,
                  TableCell(s.declared_days), TableCell(s.effective_days), TimeCell(s.approved_at),
                  s.disclosure_id, s.version_id});
  }
  return table;
}

Table HistoryTable(const std::vector<HistoryEvent>& events, TableFormat format) {
  Table table;
  const bool terminal = format == TableFormat::kTerminal;
  if (terminal) {
    table.columns = {{"hlc_time", "写入时间(节点钟)"},
                     {"received_time", "县级接收时间"},
                     {"log_index", "日志号"},
                     {"region", "区划"},
                     {"disclosure_id", "事项"},
                     {"what", "内容"},
                     {"person", "经办人"},
                     {"node_name", "节点"},
                     {"node_role", "角色"},
                     {"origin", "节点编号"}};
    for (const HistoryEvent& e : events) {
      table.AddRow({HlcBeijingTime(static_cast<uint64_t>(e.hlc)),
                    e.received_at ? BeijingMinuteText(*e.received_at) : "（未入日志）",
                    NumberCell(e.log_index), e.region, Short(e.disclosure_id), e.what, e.person,
                    e.node_name.empty() ? "（未知节点）" : e.node_name, RoleLabel(e.node_role),
                    Short(e.origin)});
    }
    return table;
  }
  table.columns = {{"kind", "事项类别"},
                   {"fact_id", "记录编号"},
                   {"disclosure_id", "公开事项编号"},
                   {"version_id", "版本编号"},
                   {"region", "区划"},
                   {"category", "公开类别"},
                   {"what", "内容"},
                   {"person", "经办人"},
                   {"origin", "节点编号"},
                   {"node_name", "节点名称"},
                   {"node_role", "节点角色"},
                   {"hlc", "HLC"},
                   {"hlc_time", "写入时间(节点钟)"},
                   {"received_at", "县级接收(毫秒)"},
                   {"received_time", "县级接收时间"},
                   {"log_index", "日志号"},
                   {"envelope_id", "信封编号"}};
  for (const HistoryEvent& e : events) {
    table.AddRow({e.kind, e.fact_id, e.disclosure_id, e.version_id, e.region, e.category, e.what,
                  e.person, e.origin, e.node_name, e.node_role, TableCell(e.hlc),
                  HlcBeijingTime(static_cast<uint64_t>(e.hlc)), NumberCell(e.received_at),
                  TimeCell(e.received_at), NumberCell(e.log_index),
                  e.envelope_id.empty() ? TableCell() : TableCell(e.envelope_id)});
  }
  return table;
}

Table StaleTable(const std::vector<StaleNode>& stale, TableFormat format) {
  Table table;
  table.columns = {{"region", "区划"},
                   {"name", "名称"},
                   {"role", "角色"},
                   {"node_id", "节点编号"},
                   {"enrolled_time", "登记时间"},
                   {"last_contact", "最后送达县级"},
                   {"days_silent", "未同步天数"},
                   {"envelopes", "已送达数据包"},
                   {"never_synced", "从未同步"}};
  for (const StaleNode& s : stale) {
    const bool terminal = format == TableFormat::kTerminal;
    table.AddRow(
        {s.node.region, s.node.name, terminal ? RoleLabel(s.node.role) : s.node.role,
         s.node.node_id, BeijingMinuteText(s.node.enrolled_ms),
         s.last_contact
             ? TableCell(BeijingMinuteText(*s.last_contact))
             : (format == TableFormat::kJson ? TableCell::Null() : TableCell("从未同步")),
         NumberCell(s.days_silent), TableCell(s.envelopes),
         terminal ? TableCell(s.last_contact ? "" : "是") : TableCell::Bool(!s.last_contact)});
  }
  return table;
}

Table ReportTable(const std::vector<ReportRow>& rows, TableFormat format) {
  const bool terminal = format == TableFormat::kTerminal;
  Table table;
  // People read hours; scripts get whole minutes.
  table.columns = {{"kind", "层级"},
                   {"township", "乡镇代码"},
                   {"township_name", "乡镇"},
                   {"region", "区划"},
                   {"name", "名称"},
                   {"affairs", "村务"},
                   {"finance", "财务"},
                   {"subsidy", "惠农补贴"},
                   {"returns", "退回"},
                   {"approvals", "通过"},
                   terminal ? TableColumn{"average_hours", "平均审核用时(小时)"}
                            : TableColumn{"average_minutes", "平均审核用时(分钟)"},
                   terminal ? TableColumn{"worst_hours", "最长审核用时(小时)"}
                            : TableColumn{"worst_minutes", "最长审核用时(分钟)"},
                   {"late", "财务逾期通过"},
                   {"missing", "财务逾期未通过"}};
  auto duration = [terminal](int64_t ms) {
    return terminal ? TableCell(HoursText(ms)) : TableCell((ms + 30'000) / 60'000);
  };
  for (const ReportRow& r : rows) {
    const bool timed = r.timed_approvals > 0;
    const std::string kind = !terminal               ? r.kind
                             : r.kind == "region"    ? "村"
                             : r.kind == "township"  ? "乡镇"
                                                     : "全县";
    table.AddRow({kind, r.township, r.township_name, r.region, r.name, TableCell(r.affairs),
                  TableCell(r.finance), TableCell(r.subsidy), TableCell(r.returns),
                  TableCell(r.approvals),
                  timed ? duration(r.average_approval_ms()) : TableCell::Null(),
                  timed ? duration(r.worst_approval_ms) : TableCell::Null(), TableCell(r.late),
                  TableCell(r.missing)});
  }
  return table;
}

Table EquivocationTable(const AlarmsReport& report, const NodeDirectory& nodes) {
  Table table;
  table.columns = {{"kind", "类别"},
                   {"origin", "节点编号"},
                   {"name", "节点"},
                   {"seq", "序号"},
                   {"held_envelope_id", "已收数据包"},
                   {"other_envelope_id", "冲突数据包"},
                   {"raised_time", "发现时间"},
                   {"source", "来源"},
                   {"message", "说明"}};
  for (const Alarm& a : report.equivocations) {
    const AuditNode* node = nodes.Find(a.origin);
    table.AddRow({a.kind, a.origin, node ? node->name : "", TableCell(static_cast<int64_t>(a.seq)),
                  a.held_envelope_id, a.other_envelope_id, BeijingMinuteText(a.raised_at), a.source,
                  a.message});
  }
  return table;
}

Table RefusedTable(const AlarmsReport& report) {
  Table table;
  table.columns = {{"what", "对象"},     {"code", "原因代码"},    {"rows", "条数"},
                   {"attempts", "次数"}, {"origins", "涉及节点"}, {"first_time", "最早"},
                   {"last_time", "最近"}};
  for (const RefusedByCode& r : report.refused) {
    table.AddRow({r.what == "envelope" ? "数据包" : "请求", r.code, TableCell(r.rows),
                  TableCell(r.attempts), TableCell(r.origins), BeijingMinuteText(r.first_at),
                  BeijingMinuteText(r.last_at)});
  }
  return table;
}

Table RevokedTable(const AlarmsReport& report) {
  Table table;
  table.columns = {{"what", "对象"},         {"node_id", "节点编号"}, {"name", "节点"},
                   {"region", "区划"},       {"revoked", "吊销原因"}, {"attempts", "尝试次数"},
                   {"last_time", "最近一次"}};
  for (const RevokedAttempt& r : report.revoked) {
    table.AddRow({r.what == "envelope" ? "数据包" : "请求", r.node_id, r.name, r.region, r.revoked,
                  TableCell(r.attempts), BeijingMinuteText(r.last_at)});
  }
  return table;
}

Table ClockTable(const AlarmsReport& report, bool terminal) {
  Table table;
  table.columns = {{"node_id", "节点编号"},
                   {"name", "节点"},
                   {"region", "区划"},
                   {"envelopes", "数据包"},
                   {"beyond", "超差数据包"},
                   {"worst_offset_ms", "最大偏差"},
                   {"closest_offset_ms", "最小偏差(绝对值)"}};
  for (const ClockOffset& c : report.clocks) {
    table.AddRow(
        {c.node_id, c.name, c.region, TableCell(c.envelopes), TableCell(c.beyond),
         terminal ? TableCell(OffsetText(c.worst_ms)) : TableCell(c.worst_ms),
         terminal ? TableCell(OffsetText(c.closest_ms).substr(1)) : TableCell(c.closest_ms)});
  }
  return table;
}

}  // namespace gongkai
