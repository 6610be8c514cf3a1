// gongkai-hub audit history | stale | overdue | report | alarms.
#include <iostream>

#include "hub/app/audit_tables.h"
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
#include "protocol/wall_clock.h"

namespace gongkai {

namespace {

const OptionSpec kCsvOption{"csv", "", "以 CSV 表格输出（可用电子表格打开）"};


TableFormat FormatOf(const Args& args) {
  if (args.json()) return TableFormat::kJson;
  if (args.Has("csv")) return TableFormat::kCsv;
  return TableFormat::kTerminal;
}

Result<AuditSession> OpenAudit(const Args& args) {
  GK_ASSIGN_OR_RETURN(std::string home, HomeDir(args, true));
  return OpenAuditSession(home);
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
  const Table table = HistoryTable(*events, FormatOf(args));
  if (FormatOf(args) == TableFormat::kTerminal) {
    std::cout << FormatTerminal(table) << "共 " << events->size()
              << " 条。写入时间为写入节点自己的时钟，接收时间为县级汇聚节点的时钟。\n";
    return kExitOk;
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
  Result<std::vector<StaleNode>> stale = AuditStale(session->db(), session->nodes, n, WallClockMs());
  if (!stale.ok()) return ReportFailure(stale.status(), args.json());
  const Table table = StaleTable(*stale, FormatOf(args));
  PrintTable(table, args);
  if (FormatOf(args) == TableFormat::kTerminal) {
    std::cout << "超过 " << n << " 天没有数据送达县级的节点（已吊销的不列）：共 " << stale->size()
              << " 个。\n";
  }
  return kExitOk;
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
      AuditOverdue(session->db(), session->nodes, *period, *settings, WallClockMs());
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
      AuditYearReport(session->db(), session->nodes, **year, *settings, WallClockMs());
  if (!rows.ok()) return ReportFailure(rows.status(), args.json());
  const Table table = ReportTable(*rows, FormatOf(args));
  PrintTable(table, args);
  if (FormatOf(args) == TableFormat::kTerminal) {
    std::cout
        << **year
        << " 年（北京时间）：件数按首版送达县级的时间计；审核用时从版本送达县级到审核通过送达县级；"
           "财务逾期按各季度期限（config show 中 finance.deadline_day）。\n";
  }
  return kExitOk;
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
