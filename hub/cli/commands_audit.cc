// gongkai-hub audit history | stale | overdue | report | alarms.
#include <chrono>
#include <iostream>

#include "hub/app/county_actions.h"
#include "hub/audit/audit_alarms.h"
#include "hub/audit/audit_common.h"
#include "hub/audit/audit_history.h"
#include "hub/audit/audit_overdue.h"
#include "hub/audit/audit_report.h"
#include "hub/audit/audit_settings.h"
#include "hub/audit/audit_stale.h"
#include "hub/cli/commands.h"
#include "hub/county/county.h"
#include "node/cli/table_output.h"
#include "node/json/json_text.h"
#include "node/workflow/disclosure_view.h"
#include "node/workflow/workflow.h"
#include "protocol/keys.h"

namespace gongkai {

namespace {

const OptionSpec kCsvOption{"csv", "", "以 CSV 表格输出（可用电子表格打开）"};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TableFormat FormatOf(const Args& args) {
  if (args.json()) return TableFormat::kJson;
  if (args.Has("csv")) return TableFormat::kCsv;
  return TableFormat::kTerminal;
}

Result<AuditSession> OpenAudit(const Args& args) {
  GK_ASSIGN_OR_RETURN(std::string home, HomeDir(args, true));
  return OpenAuditSession(home);
}

std::string Short(std::string_view id) { return std::string(id.substr(0, 8)); }

TableCell TimeCell(const std::optional<int64_t>& ms) {
  return ms ? TableCell(BeijingMinuteText(*ms)) : TableCell::Null();
}
TableCell NumberCell(const std::optional<int64_t>& n) {
  return n ? TableCell(*n) : TableCell::Null();
}

std::string RoleLabel(std::string_view role) {
  if (role == "village") return "村";
  if (role == "township") return "乡镇";
  if (role == "county") return "县";
  if (role == "auditor") return "审计";
  return std::string(role);
}

// "+2天3小时" / "-2天0小时": a signed duration for people.
std::string OffsetText(int64_t ms) {
  const int64_t abs = ms < 0 ? -ms : ms;
  const int64_t hours = abs / 3'600'000;
  return std::string(ms < 0 ? "-" : "+") + std::to_string(hours / 24) + "天" +
         std::to_string(hours % 24) + "小时";
}

std::string HoursText(int64_t ms) {
  const int64_t tenths = (ms + 180'000) / 360'000;  // rounded to 0.1 h
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

int PrintTable(const Table& table, const Args& args) {
  std::cout << FormatTable(table, FormatOf(args));
  return kExitOk;
}

int RunHistory(const Args& args) {
  HistoryQuery query;
  query.region = args.Get("region").value_or("");
  std::optional<std::string> disclosure = args.Get("disclosure");
  if (query.region.empty() && !disclosure) {
    return ReportFailure(
        Status::Invalid(kErrCliUsage,
                        "请用 --region 区划代码 或 --disclosure 公开事项编号 指定范围"),
        args.json());
  }
  Result<AuditSession> session = OpenAudit(args);
  if (!session.ok()) return ReportFailure(session.status(), args.json());
  if (disclosure) {
    Result<std::string> id = ResolveDisclosureId(session->db(), *disclosure);
    if (!id.ok()) return ReportFailure(id.status(), args.json());
    query.disclosure_id = *id;
  }
  Result<std::vector<HistoryEvent>> events = AuditHistory(session->db(), session->nodes, query);
  if (!events.ok()) return ReportFailure(events.status(), args.json());
  Table table;
  const bool terminal = FormatOf(args) == TableFormat::kTerminal;
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
    for (const HistoryEvent& e : *events) {
      table.AddRow({HlcBeijingTime(static_cast<uint64_t>(e.hlc)),
                    e.received_at ? BeijingMinuteText(*e.received_at) : "（未入日志）",
                    NumberCell(e.log_index), e.region, Short(e.disclosure_id), e.what, e.person,
                    e.node_name.empty() ? "（未知节点）" : e.node_name, RoleLabel(e.node_role),
                    Short(e.origin)});
    }
    std::cout << FormatTerminal(table) << "共 " << events->size()
              << " 条。写入时间为写入节点自己的时钟，接收时间为县级汇聚节点的时钟。\n";
    return kExitOk;
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
  for (const HistoryEvent& e : *events) {
    table.AddRow({e.kind, e.fact_id, e.disclosure_id, e.version_id, e.region, e.category, e.what,
                  e.person, e.origin, e.node_name, e.node_role, TableCell(e.hlc),
                  HlcBeijingTime(static_cast<uint64_t>(e.hlc)), NumberCell(e.received_at),
                  TimeCell(e.received_at), NumberCell(e.log_index),
                  e.envelope_id.empty() ? TableCell() : TableCell(e.envelope_id)});
  }
  return PrintTable(table, args);
}

int RunStale(const Args& args) {
  Result<AuditSession> session = OpenAudit(args);
  if (!session.ok()) return ReportFailure(session.status(), args.json());
  Result<AuditSettings> settings = LoadAuditSettings(session->county.replica());
  if (!settings.ok()) return ReportFailure(settings.status(), args.json());
  Result<std::optional<int64_t>> days = args.GetInt("days", 1, kMaxStaleDays);
  if (!days.ok()) return ReportFailure(days.status(), args.json());
  const int64_t n = days->value_or(settings->stale_days);
  Result<std::vector<StaleNode>> stale = AuditStale(session->db(), session->nodes, n, NowMs());
  if (!stale.ok()) return ReportFailure(stale.status(), args.json());
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
  for (const StaleNode& s : *stale) {
    const bool terminal = FormatOf(args) == TableFormat::kTerminal;
    table.AddRow(
        {s.node.region, s.node.name, terminal ? RoleLabel(s.node.role) : s.node.role,
         s.node.node_id, BeijingMinuteText(s.node.enrolled_ms),
         s.last_contact
             ? TableCell(BeijingMinuteText(*s.last_contact))
             : (FormatOf(args) == TableFormat::kJson ? TableCell::Null() : TableCell("从未同步")),
         NumberCell(s.days_silent), TableCell(s.envelopes),
         terminal ? TableCell(s.last_contact ? "" : "是") : TableCell::Bool(!s.last_contact)});
  }
  PrintTable(table, args);
  if (FormatOf(args) == TableFormat::kTerminal) {
    std::cout << "超过 " << n << " 天没有数据送达县级的节点（已吊销的不列）：共 " << stale->size()
              << " 个。\n";
  }
  return kExitOk;
}

std::string HeldLabel(std::string_view held) {
  if (held == "submitted") return "已提交未审核";
  if (held == "returned") return "被退回";
  if (held == "approved") return "已通过";
  return "未提交";
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

int RunOverdue(const Args& args) {
  std::optional<std::string> period = args.Get("period");
  if (!period)
    return ReportFailure(Status::Invalid(kErrCliUsage, "请用 --period 指定期间，如 2026Q3"),
                         args.json());
  const std::string section = args.Get("section").value_or("finance");
  if (section != "finance" && section != "subsidy") {
    return ReportFailure(Status::Invalid(kErrCliUsage, "--section 须为 finance 或 subsidy"),
                         args.json());
  }
  Result<AuditSession> session = OpenAudit(args);
  if (!session.ok()) return ReportFailure(session.status(), args.json());
  Result<AuditSettings> settings = LoadAuditSettings(session->county.replica());
  if (!settings.ok()) return ReportFailure(settings.status(), args.json());
  Result<OverdueReport> report =
      AuditOverdue(session->db(), session->nodes, *period, *settings, NowMs());
  if (!report.ok()) return ReportFailure(report.status(), args.json());
  const Table finance = FinanceTable(*report, session->nodes);
  const Table subsidy = SubsidyTable(*report, session->nodes);
  switch (FormatOf(args)) {
    case TableFormat::kCsv:
      std::cout << FormatCsv(section == "finance" ? finance : subsidy);
      return kExitOk;
    case TableFormat::kJson: {
      JsonObject o;
      o.Set("period", report->period.text);
      o.Set("deadline", report->deadline.day.ToString());
      o.Set("villages", report->villages);
      o.Set("pending", report->pending);
      o.Set("min_publicity_days", report->min_publicity_days);
      o.SetRaw("finance", FormatJsonRows(finance));
      o.SetRaw("subsidy", FormatJsonRows(subsidy));
      std::cout << o.ToString() << "\n";
      return kExitOk;
    }
    case TableFormat::kTerminal:
      break;
  }
  std::cout << "财务公开（" << report->period.text << "，期限 " << report->deadline.day.ToString()
            << "，以县级收到乡镇审核通过的时间为准）：" << report->villages << " 个村中 "
            << report->finance.size() << " 个逾期";
  if (report->pending > 0) std::cout << "，" << report->pending << " 个尚未到期且未通过";
  std::cout << "\n";
  if (!report->finance.empty()) std::cout << FormatTerminal(finance);
  std::cout << "\n惠农补贴公示期不足 " << report->min_publicity_days
            << " 天（公示开始于本期间内且已审核通过）：" << report->subsidy.size() << " 份\n";
  if (!report->subsidy.empty()) std::cout << FormatTerminal(subsidy);
  return kExitOk;
}

int RunReport(const Args& args) {
  Result<std::optional<int64_t>> year = args.GetInt("year", kMinReportYear, kMaxReportYear);
  if (!year.ok()) return ReportFailure(year.status(), args.json());
  if (!*year)
    return ReportFailure(Status::Invalid(kErrCliUsage, "请用 --year 指定年份，如 2026"),
                         args.json());
  Result<AuditSession> session = OpenAudit(args);
  if (!session.ok()) return ReportFailure(session.status(), args.json());
  Result<AuditSettings> settings = LoadAuditSettings(session->county.replica());
  if (!settings.ok()) return ReportFailure(settings.status(), args.json());
  Result<std::vector<ReportRow>> rows =
      AuditYearReport(session->db(), session->nodes, **year, *settings, NowMs());
  if (!rows.ok()) return ReportFailure(rows.status(), args.json());
  const bool terminal = FormatOf(args) == TableFormat::kTerminal;
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
  for (const ReportRow& r : *rows) {
    const bool timed = r.timed_approvals > 0;
    table.AddRow({r.kind, r.township, r.township_name, r.region, r.name, TableCell(r.affairs),
                  TableCell(r.finance), TableCell(r.subsidy), TableCell(r.returns),
                  TableCell(r.approvals),
                  timed ? duration(r.average_approval_ms()) : TableCell::Null(),
                  timed ? duration(r.worst_approval_ms) : TableCell::Null(), TableCell(r.late),
                  TableCell(r.missing)});
  }
  PrintTable(table, args);
  if (FormatOf(args) == TableFormat::kTerminal) {
    std::cout
        << **year
        << " 年（北京时间）：件数按首版送达县级的时间计；审核用时从版本送达县级到审核通过送达县级；"
           "财务逾期按各季度期限（config show 中 finance.deadline_day）。\n";
  }
  return kExitOk;
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

int RunAlarms(const Args& args) {
  const std::string section = args.Get("section").value_or("equivocations");
  if (section != "equivocations" && section != "refused" && section != "revoked" &&
      section != "clocks") {
    return ReportFailure(
        Status::Invalid(kErrCliUsage, "--section 须为 equivocations、refused、revoked 或 clocks"),
        args.json());
  }
  Result<AuditSession> session = OpenAudit(args);
  if (!session.ok()) return ReportFailure(session.status(), args.json());
  Result<AuditSettings> settings = LoadAuditSettings(session->county.replica());
  if (!settings.ok()) return ReportFailure(settings.status(), args.json());
  Result<AlarmsReport> report =
      AuditAlarms(session->db(), session->nodes, settings->clock_skew_hours);
  if (!report.ok()) return ReportFailure(report.status(), args.json());
  const bool terminal = FormatOf(args) == TableFormat::kTerminal;
  const Table equivocations = EquivocationTable(*report, session->nodes);
  const Table refused = RefusedTable(*report);
  const Table revoked = RevokedTable(*report);
  const Table clocks = ClockTable(*report, terminal);
  if (FormatOf(args) == TableFormat::kCsv) {
    const Table& chosen = section == "refused"   ? refused
                          : section == "revoked" ? revoked
                          : section == "clocks"  ? clocks
                                                 : equivocations;
    std::cout << FormatCsv(chosen);
    return kExitOk;
  }
  if (args.json()) {
    JsonObject o;
    o.Set("clock_skew_hours", settings->clock_skew_hours);
    o.SetRaw("equivocations", FormatJsonRows(equivocations));
    o.SetRaw("refused", FormatJsonRows(refused));
    o.SetRaw("revoked", FormatJsonRows(revoked));
    o.SetRaw("clocks", FormatJsonRows(clocks));
    std::cout << o.ToString() << "\n";
    return kExitOk;
  }
  auto section_out = [](std::string_view title, const Table& table) {
    std::cout << title << "：" << table.rows.size() << " 项\n";
    if (!table.rows.empty()) std::cout << FormatTerminal(table);
  };
  section_out("同一节点同一序号的不同数据包（篡改或密钥被盗的迹象）", equivocations);
  section_out("被拒收的数据包和请求（按原因）", refused);
  section_out("已吊销的密钥仍在尝试", revoked);
  section_out(
      "节点时钟与县级接收时间相差超过 " + std::to_string(settings->clock_skew_hours) + " 小时",
      clocks);
  if (report->empty()) std::cout << "没有告警。\n";
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> AuditCommands() {
  std::vector<CommandSpec> commands;
  {
    CommandSpec spec{"audit history", "",
                     "某区划或某公开事项的全部记录：谁、何时写入，县级何时收到"};
    spec.options = {{"region", "CODE", "区划代码（含下级）"},
                    {"disclosure", "ID", "公开事项编号（或其前 6 位以上）"},
                    kCsvOption};
    spec.run = RunHistory;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"audit stale", "", "超过 N 天没有数据送达县级的节点"};
    spec.options = {{"days", "N", "天数（默认 config 中 audit.stale_days）"}, kCsvOption};
    spec.details =
        "最后送达时间为县级汇聚节点收到该节点数据包（或由它转交的数据包）的时间。只拉取不写入的节点"
        "不留记录。";
    spec.run = RunStale;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"audit overdue", "", "逾期未公开财务的村，以及公示期不足的惠农补贴名单"};
    spec.options = {{"period", "P", "期间，如 2026Q3、2026-07、2026"},
                    {"section", "S", "与 --csv 合用：finance（默认）或 subsidy"},
                    kCsvOption};
    spec.details =
        "是否逾期以县级收到乡镇“审核通过”的时间为准，不以各节点自己的时钟为准（节点时钟可能不准或被"
        "调回）。"
        "期限和公示期最少天数用 gongkai-hub config set 设置。";
    spec.run = RunOverdue;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"audit report", "",
                     "年度统计：各乡镇、村的公开件数、退回、审核用时、财务逾期"};
    spec.options = {{"year", "Y", "年份，如 2026"}, kCsvOption};
    spec.run = RunReport;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"audit alarms", "",
                     "告警：同序号不同数据包、拒收原因、已吊销密钥仍在尝试、节点时钟偏差"};
    spec.options = {
        {"section", "S", "与 --csv 合用：equivocations（默认）、refused、revoked 或 clocks"},
        kCsvOption};
    spec.run = RunAlarms;
    commands.push_back(spec);
  }
  return commands;
}

}  // namespace gongkai
