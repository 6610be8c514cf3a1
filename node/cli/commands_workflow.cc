// gongkai new | edit | discard | submit | review | withdraw | list | show | history
#include <fstream>
#include <iostream>
#include <sstream>

#include "node/app/disclosure_actions.h"
#include "node/app/node_session.h"
#include "node/cli/commands.h"
#include "node/json/json_text.h"
#include "node/json/json_value.h"
#include "node/workflow/disclosure_view.h"
#include "node/workflow/workflow.h"
#include "protocol/file_io.h"

namespace gongkai {

namespace {

const OptionSpec kByOption{"by", "NAME",
                           "记录为经办人的姓名（默认：config 中的 person，或节点名称）"};

const std::vector<OptionSpec> kDraftOptions = {
    {"title", "T", "标题"},
    {"period", "P", "期间：2024（年）、2024Q3（季度）或 2024-07（月）"},
    {"import", "FILE", "导入明细：CSV（UTF-8 或 GBK/GB18030）或 XLSX"},
    {"body-file", "F", "正文（UTF-8 文本文件）"},
    {"body", "TEXT", "正文（直接写在命令行）"},
    {"publicity-days", "N", "公示天数（默认：补贴 7 天，财务 30 天，村务 7 天）"},
    {"publicity-from", "DATE", "公示开始日期（默认：提交当天）"},
    {"subsidy-name", "NAME", "补贴名称（惠农补贴，默认 耕地地力保护补贴）"},
    {"opening", "AMOUNT", "期初余额，元（财务，表中没有期初余额行时）"},
    {"attachment", "NAME", "附件名称（村务）", true},
    {"author", "NAME", "填报人"},
};

Result<int64_t> ParseYuan(std::string_view text) {
  // "1234.5" -> 123450 cents; at most two decimals; optional minus.
  bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  int64_t cents = 0;
  int decimals = -1;
  if (text.empty()) return Status::Invalid(kErrCliUsage, "金额不能为空");
  for (char c : text) {
    if (c == '.' && decimals < 0) {
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9' || decimals >= 2 || cents > 1'000'000'000'000'000) {
      return Status::Invalid(kErrCliUsage, "金额“" + std::string(text) + "”无效：请写成 1234.56");
    }
    cents = cents * 10 + (c - '0');
    if (decimals >= 0) ++decimals;
  }
  for (int i = std::max(decimals, 0); i < 2; ++i) cents *= 10;
  return negative ? -cents : cents;
}

Result<DraftInput> InputFromArgs(const Args& args) {
  DraftInput input;
  input.title = args.Get("title");
  input.period = args.Get("period");
  input.import_path = args.Get("import");
  input.subsidy_name = args.Get("subsidy-name");
  input.publicity_from = args.Get("publicity-from");
  input.author = args.Get("author");
  if (args.Has("body") && args.Has("body-file")) {
    return Status::Invalid(kErrCliUsage, "--body 和 --body-file 只能用一个");
  }
  input.body_text = args.Get("body");
  if (std::optional<std::string> file = args.Get("body-file")) {
    Result<Bytes> bytes = ReadFileLimited(*file, kMaxBodyBytes);
    if (!bytes.ok()) {
      return Status::Invalid(kErrWorkflowInput,
                             "无法读取正文文件 " + *file + "（" + bytes.status().message() + "）");
    }
    input.body_text = std::string(bytes->begin(), bytes->end());
  }
  GK_ASSIGN_OR_RETURN(input.publicity_days, args.GetInt("publicity-days", 1, kMaxPublicityDays));
  if (std::optional<std::string> opening = args.Get("opening")) {
    GK_ASSIGN_OR_RETURN(int64_t cents, ParseYuan(*opening));
    input.opening_cents = cents;
  }
  if (args.Has("attachment")) input.attachments = args.GetAll("attachment");
  return input;
}

std::string DraftJson(const Draft& draft) {
  JsonObject out;
  out.Set("id", draft.id);
  out.Set("category", CategoryName(draft.category));
  out.Set("title", draft.title);
  out.Set("period", draft.period);
  out.Set("items", static_cast<int64_t>(draft.items.size()));
  out.Set("publicity_days", draft.publicity_days);
  out.Set("based_on", draft.based_on);
  out.Set("status", "draft");
  return out.ToString();
}

int PrintDraft(const Args& args, const Draft& draft, std::string_view verb) {
  std::ostringstream text;
  text << verb << "草稿 " << draft.id << "\n"
       << "  " << CategoryLabel(draft.category) << "：" << draft.title << "（" << draft.period
       << "）\n";
  if (!draft.items.empty()) text << "  明细 " << draft.items.size() << " 行\n";
  text << "  核对无误后提交：gongkai submit " << draft.id.substr(0, 8) << "\n";
  return Emit(args, DraftJson(draft), text.str());
}

int RunNew(const Args& args) {
  return RunNodeAction(
      args, false,
      [&](NodeSession& session, std::vector<ImportError>* errors) -> Result<Draft> {
        GK_ASSIGN_OR_RETURN(DraftInput input, InputFromArgs(args));
        std::optional<std::string> category = args.Get("category");
        if (!category) return Status::Invalid(kErrCliUsage, "请用 --category 指定类别");
        GK_ASSIGN_OR_RETURN(input.category, ParseCategory(*category));
        return NewDisclosure(session, input, errors);
      },
      [&](const Draft& draft) { return PrintDraft(args, draft, "已建立"); });
}

int RunEdit(const Args& args) {
  return RunNodeAction(
      args, false,
      [&](NodeSession& session, std::vector<ImportError>* errors) -> Result<Draft> {
        // The id is checked before the options, as a person reads the command.
        GK_RETURN_IF_ERROR(
            ResolveDisclosureId(session.replica->db(), args.positional()[0]).status());
        GK_ASSIGN_OR_RETURN(DraftInput input, InputFromArgs(args));
        return EditDisclosure(session, args.positional()[0], input, errors);
      },
      [&](const Draft& draft) { return PrintDraft(args, draft, "已修改"); });
}

int RunDiscard(const Args& args) {
  return RunNodeAction(
      args, false,
      [&](NodeSession& session, std::vector<ImportError>*) {
        return DiscardDisclosureDraft(session, args.positional()[0]);
      },
      [&](const std::string& id) {
        return Emit(args, "{\"discarded\":" + JsonQuote(id) + "}",
                    "已删除草稿 " + id + "（已提交的版本不受影响）");
      });
}

// Renders a write of the synced tables (submit, review, withdraw).
auto PrintWrite(const Args& args, std::string_view what) {
  return [&args, what](const DisclosureWrite& done) {
    const WriteResult& result = done.write;
    JsonObject out;
    out.Set("disclosure_id", done.disclosure_id);
    out.Set("id", result.fact_id);
    out.Set("envelope", HashHex(result.envelope.id));
    out.Set("seq", static_cast<int64_t>(result.envelope.seq));
    out.Set("hlc", static_cast<int64_t>(result.envelope.hlc));
    std::ostringstream text;
    text << what << "（" << done.disclosure_id.substr(0, 8) << "，记录 "
         << result.fact_id.substr(0, 8) << "，数据包 #" << result.envelope.seq
         << "）。下次同步或导出数据包时送出。";
    return Emit(args, out.ToString(), text.str());
  };
}

int RunSubmit(const Args& args) {
  return RunNodeAction(
      args, true,
      [&](NodeSession& session, std::vector<ImportError>*) {
        return SubmitDisclosure(session, args.positional()[0], args.Get("by"));
      },
      PrintWrite(args, "已提交，等待审核"));
}

int RunReview(const Args& args) {
  if (args.Has("approve") == args.Has("return")) {
    return ReportFailure(
        Status::Invalid(kErrCliUsage, "请给出 --approve（通过）或 --return（退回）之一"),
        args.json());
  }
  const Decision decision = args.Has("approve") ? Decision::kApprove : Decision::kReturn;
  return RunNodeAction(
      args, true,
      [&](NodeSession& session, std::vector<ImportError>*) {
        return ReviewDisclosure(session, args.positional()[0], decision,
                                args.Get("comment").value_or(""), args.Get("by"));
      },
      PrintWrite(args, decision == Decision::kApprove ? "已审核通过" : "已退回"));
}

int RunWithdraw(const Args& args) {
  return RunNodeAction(
      args, true,
      [&](NodeSession& session, std::vector<ImportError>*) {
        return WithdrawDisclosure(session, args.positional()[0], args.Get("reason").value_or(""),
                                  args.Get("by"));
      },
      PrintWrite(args, "已撤回"));
}

std::string ReviewJson(const ReviewFact& r) {
  JsonObject out;
  out.Set("id", r.review_id);
  out.Set("version_id", r.version_id);
  out.Set("stage", r.stage);
  out.Set("decision", r.decision);
  out.Set("comment", r.comment);
  out.Set("reviewer", r.reviewer);
  out.Set("origin", r.origin);
  out.Set("hlc", static_cast<int64_t>(r.hlc));
  out.Set("time", HlcBeijingTime(r.hlc));
  return out.ToString();
}

std::string VersionJson(const VersionFact& v, bool with_body) {
  JsonObject out;
  out.Set("version_id", v.version_id);
  out.Set("parent_version", v.parent_version);
  out.Set("title", v.title);
  out.Set("period", v.period);
  out.Set("publicity_from", v.publicity_from);
  out.Set("publicity_to", v.publicity_to);
  out.Set("items", v.item_count);
  out.Set("content_hash", v.content_hash);
  out.Set("author", v.author);
  out.Set("origin", v.origin);
  out.Set("hlc", static_cast<int64_t>(v.hlc));
  out.Set("time", HlcBeijingTime(v.hlc));
  out.Set("region", v.region);
  out.Set("status", StatusName(v.status));
  if (with_body) out.SetRaw("body", v.body);
  std::vector<std::string> reviews;
  for (const ReviewFact& r : v.reviews) reviews.push_back(ReviewJson(r));
  out.SetRaw("reviews", JsonArray(reviews));
  return out.ToString();
}

std::string SummaryJson(const DisclosureState& s) {
  JsonObject out;
  out.Set("id", s.id);
  out.Set("category", CategoryName(s.category));
  out.Set("title", s.title);
  out.Set("period", s.period);
  out.Set("region", s.region);
  out.Set("status", StatusName(s.status));
  out.SetRaw("conflict", s.conflict ? "true" : "false");
  out.SetRaw("has_draft", s.draft ? "true" : "false");
  out.Set("versions", static_cast<int64_t>(s.versions.size()));
  if (const VersionFact* current = s.current()) {
    out.Set("current_version", current->version_id);
    out.Set("time", HlcBeijingTime(current->hlc));
  }
  return out.ToString();
}

std::string Pad(std::string text, size_t width) {
  // Width in terminal columns: CJK characters (3-byte UTF-8) count two.
  size_t columns = 0;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    columns += len >= 3 ? 2 : 1;
    i += len;
  }
  if (columns < width) text.append(width - columns, ' ');
  return text;
}

Result<ListFilter> FilterFromArgs(const Args& args) {
  ListFilter filter;
  if (std::optional<std::string> status = args.Get("status")) {
    GK_ASSIGN_OR_RETURN(filter.status, ParseStatus(*status));
  }
  if (std::optional<std::string> category = args.Get("category")) {
    GK_ASSIGN_OR_RETURN(filter.category, ParseCategory(*category));
  }
  filter.region = args.Get("region").value_or("");
  return filter;
}

int PrintList(const Args& args, const std::vector<DisclosureState>& list) {
  if (args.json()) {
    std::vector<std::string> out;
    for (const DisclosureState& s : list) out.push_back(SummaryJson(s));
    std::cout << JsonArray(out) << "\n";
    return kExitOk;
  }
  if (list.empty()) {
    std::cout << "没有符合条件的公开事项。\n";
    return kExitOk;
  }
  std::cout << Pad("编号", 10) << Pad("状态", 16) << Pad("类别", 14) << Pad("期间", 9)
            << Pad("区划", 14) << "标题\n";
  for (const DisclosureState& s : list) {
    std::string status(StatusLabel(s.status));
    if (s.conflict) status += "!";
    if (s.draft && s.status != DisclosureStatus::kDraft) status += "+草稿";
    std::cout << Pad(s.id.substr(0, 8), 10) << Pad(status, 16)
              << Pad(std::string(CategoryLabel(s.category)), 14) << Pad(s.period, 9)
              << Pad(s.region.empty() ? "（本地）" : s.region, 14) << s.title << "\n";
  }
  std::cout << "共 " << list.size() << " 项。";
  for (const DisclosureState& s : list) {
    if (s.conflict) {
      std::cout << "标 ! 的有并行修改，请用 history 查看后编辑解决。";
      break;
    }
  }
  std::cout << "\n";
  return kExitOk;
}

int RunList(const Args& args) {
  return RunNodeAction(
      args, false,
      [&](NodeSession& session, std::vector<ImportError>*) -> Result<std::vector<DisclosureState>> {
        GK_ASSIGN_OR_RETURN(ListFilter filter, FilterFromArgs(args));
        return FindDisclosures(session, filter);
      },
      [&](const std::vector<DisclosureState>& list) { return PrintList(args, list); });
}

std::string ItemLine(std::string_view category, const std::string& data) {
  Result<JsonValue> item = ParseJsonObject(data);
  if (!item.ok()) return "（无法读取：" + item.status().code() + "）";
  auto text = [&item](std::string_view key) { return item->StringOr(key, "").value_or("?"); };
  auto yuan = [&item](std::string_view key) {
    const int64_t cents = item->IntegerOr(key, 0).value_or(0);
    std::string sign = cents < 0 ? "-" : "";
    const int64_t a = cents < 0 ? -cents : cents;
    std::string frac = std::to_string(a % 100);
    if (frac.size() < 2) frac = "0" + frac;
    return sign + std::to_string(a / 100) + "." + frac;
  };
  if (category == "subsidy") {
    return text("group") + "  " + text("name") + "  " + text("id") + "  " + text("area") + " 亩  " +
           yuan("amount_cents") + " 元  " + text("account");
  }
  if (category == "finance") {
    std::string line = text("date") + "  " + text("voucher") + "  " + text("summary");
    if (item->IntegerOr("income_cents", 0).value_or(0) != 0)
      line += "  收入 " + yuan("income_cents");
    if (item->IntegerOr("expense_cents", 0).value_or(0) != 0)
      line += "  支出 " + yuan("expense_cents");
    return line + "  " + text("handler");
  }
  std::string line;
  for (const std::string& cell : item->StringsOr("cells").value_or(std::vector<std::string>{})) {
    if (!line.empty()) line += " | ";
    line += cell;
  }
  return line;
}

int PrintShow(const Args& args, const DisclosureDetail& detail) {
  const DisclosureState* state = &detail.state;
  const VersionFact* current = state->current();
  const std::vector<std::string>& items = detail.items;
  if (args.json()) {
    JsonObject out;
    out.SetRaw("disclosure", SummaryJson(*state));
    if (current != nullptr) out.SetRaw("current", VersionJson(*current, true));
    if (state->draft) out.SetRaw("draft", DraftJson(*state->draft));
    out.SetRaw("items", JsonArray(items));
    std::cout << out.ToString() << "\n";
    return kExitOk;
  }
  std::cout << CategoryLabel(state->category) << "：" << state->title << "\n"
            << "  编号 " << state->id << "\n"
            << "  期间 " << state->period << "    状态 " << StatusLabel(state->status) << "\n";
  if (state->conflict)
    std::cout << "  注意：有并行修改的版本（见 history），请编辑后重新提交以解决。\n";
  const std::string category(CategoryName(state->category));
  if (current != nullptr) {
    std::cout << "  当前版本 " << current->version_id.substr(0, 8) << "（" << current->author
              << "，" << HlcBeijingTime(current->hlc) << "）\n"
              << "  公示期 " << current->publicity_from << " 至 " << current->publicity_to << "\n";
    Result<JsonValue> body = ParseJsonObject(current->body);
    if (body.ok()) {
      std::string text = body->StringOr("text", "").value_or("");
      if (!text.empty()) std::cout << "  正文：" << text << "\n";
    }
    std::cout << "  审核：\n";
    if (current->reviews.empty()) std::cout << "    （尚无）\n";
    for (const ReviewFact& r : current->reviews) {
      std::cout << "    " << (r.stage == "township" ? "乡镇" : "村务监督委员会") << " "
                << (r.decision == "approve" ? "通过" : "退回") << "  " << r.reviewer << "  "
                << HlcBeijingTime(r.hlc) << (r.comment.empty() ? "" : "  意见：" + r.comment)
                << "\n";
    }
  }
  if (state->draft) {
    std::cout << "  本地草稿：" << state->draft->title << "（未提交）\n";
  }
  if (!items.empty()) {
    std::cout << "  明细（" << items.size() << " 行）：\n";
    for (size_t i = 0; i < items.size(); ++i) {
      std::cout << "    " << (i + 1) << ". " << ItemLine(category, items[i]) << "\n";
    }
  }
  return kExitOk;
}

int RunShow(const Args& args) {
  return RunNodeAction(
      args, false,
      [&](NodeSession& session, std::vector<ImportError>*) {
        return ShowDisclosure(session, args.positional()[0]);
      },
      [&](const DisclosureDetail& detail) { return PrintShow(args, detail); });
}

int PrintHistory(const Args& args, const DisclosureDetail& detail) {
  const DisclosureState* state = &detail.state;
  if (args.json()) {
    JsonObject out;
    out.SetRaw("disclosure", SummaryJson(*state));
    std::vector<std::string> versions;
    for (const VersionFact& v : state->versions) versions.push_back(VersionJson(v, false));
    out.SetRaw("versions", JsonArray(versions));
    std::vector<std::string> withdrawals;
    for (const WithdrawalFact& w : state->withdrawals) {
      JsonObject o;
      o.Set("id", w.withdrawal_id);
      o.Set("version_id", w.version_id);
      o.Set("reason", w.reason);
      o.Set("author", w.author);
      o.Set("origin", w.origin);
      o.Set("hlc", static_cast<int64_t>(w.hlc));
      o.Set("time", HlcBeijingTime(w.hlc));
      withdrawals.push_back(o.ToString());
    }
    out.SetRaw("withdrawals", JsonArray(withdrawals));
    std::vector<std::string> postings;
    for (const PostingFact& p : state->postings) {
      JsonObject o;
      o.Set("id", p.posting_id);
      o.Set("version_id", p.version_id);
      o.Set("posted_by", p.posted_by);
      o.Set("copies", p.copies);
      o.Set("origin", p.origin);
      o.Set("hlc", static_cast<int64_t>(p.hlc));
      o.Set("time", HlcBeijingTime(p.hlc));
      postings.push_back(o.ToString());
    }
    out.SetRaw("postings", JsonArray(postings));
    std::cout << out.ToString() << "\n";
    return kExitOk;
  }
  // One chronological list of every fact.
  struct Event {
    uint64_t hlc;
    std::string line;
  };
  std::vector<Event> events;
  for (const VersionFact& v : state->versions) {
    events.push_back(
        {v.hlc,
         "版本 " + v.version_id.substr(0, 8) +
             (v.parent_version.empty() ? "（首次提交）"
                                       : "（修改自 " + v.parent_version.substr(0, 8) + "）") +
             "  " + v.author + "  " + v.title + "  [" + std::string(StatusLabel(v.status)) +
             "]  节点 " + v.origin.substr(0, 8)});
    for (const ReviewFact& r : v.reviews) {
      events.push_back({r.hlc, std::string(r.stage == "township" ? "乡镇" : "村务监督委员会") +
                                   (r.decision == "approve" ? "通过" : "退回") + " 版本 " +
                                   r.version_id.substr(0, 8) + "  " + r.reviewer +
                                   (r.comment.empty() ? "" : "  意见：" + r.comment) + "  节点 " +
                                   r.origin.substr(0, 8)});
    }
  }
  for (const WithdrawalFact& w : state->withdrawals) {
    events.push_back(
        {w.hlc, "撤回  " + w.author + "  理由：" + w.reason + "  节点 " + w.origin.substr(0, 8)});
  }
  for (const PostingFact& p : state->postings) {
    events.push_back({p.hlc, "张贴 版本 " + p.version_id.substr(0, 8) + "  " + p.posted_by + "  " +
                                 std::to_string(p.copies) + " 份  节点 " + p.origin.substr(0, 8)});
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.hlc < b.hlc; });
  std::cout << CategoryLabel(state->category) << "：" << state->title << "（" << state->id
            << "）\n";
  for (const Event& e : events) {
    std::cout << "  " << HlcBeijingTime(e.hlc) << "  " << e.line << "\n";
  }
  if (state->draft) std::cout << "  （本地另有未提交的草稿）\n";
  if (state->conflict) std::cout << "  注意：有并行修改的版本，请编辑后重新提交以解决。\n";
  return kExitOk;
}

int RunHistory(const Args& args) {
  return RunNodeAction(
      args, false,
      [&](NodeSession& session, std::vector<ImportError>*) {
        return ShowDisclosure(session, args.positional()[0]);
      },
      [&](const DisclosureDetail& detail) { return PrintHistory(args, detail); });
}

}  // namespace

std::vector<CommandSpec> WorkflowCommands() {
  std::vector<CommandSpec> commands;
  {
    CommandSpec spec{"new", "", "新建公开事项草稿（只在本机，提交后才同步）"};
    spec.options = kDraftOptions;
    spec.options.insert(
        spec.options.begin(),
        {"category", "C", "类别：affairs（村务）、finance（财务）或 subsidy（惠农补贴）"});
    spec.details =
        "例：gongkai new --category subsidy --title \"2024年耕地地力保护补贴发放公示\" --period "
        "2024 "
        "--import 补贴名册.csv\n导入有误时列出所有错误（文件、行、列），不写入任何内容。";
    spec.run = RunNew;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"edit", "ID", "修改草稿；或在已提交（含被退回）的公开事项上开始新版本的草稿"};
    spec.options = kDraftOptions;
    spec.min_args = spec.max_args = 1;
    spec.run = RunEdit;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"discard", "ID", "删除本地草稿"};
    spec.min_args = spec.max_args = 1;
    spec.run = RunDiscard;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"submit", "ID", "提交草稿：生成不可更改的版本，等待审核"};
    spec.options = {kByOption};
    spec.min_args = spec.max_args = 1;
    spec.run = RunSubmit;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"review", "ID",
                     "审核：村节点记录村务监督委员会意见，乡镇节点记录乡镇审核结果"};
    spec.options = {{"approve", "", "通过"},
                    {"return", "", "退回（须写意见）"},
                    {"comment", "C", "审核意见"},
                    kByOption};
    spec.min_args = spec.max_args = 1;
    spec.run = RunReview;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"withdraw", "ID", "撤回公开事项"};
    spec.options = {{"reason", "R", "撤回理由（必填）"}, kByOption};
    spec.min_args = spec.max_args = 1;
    spec.run = RunWithdraw;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"list", "", "列出公开事项"};
    spec.options = {
        {"status", "S", "只列此状态：draft submitted returned approved withdrawn superseded"},
        {"category", "C", "只列此类别：affairs finance subsidy"},
        {"region", "CODE", "只列此区划及其下级"}};
    spec.run = RunList;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"show", "ID", "显示公开事项的当前版本、明细和审核情况"};
    spec.min_args = spec.max_args = 1;
    spec.run = RunShow;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"history", "ID", "显示公开事项的全部版本、审核、撤回和张贴记录"};
    spec.min_args = spec.max_args = 1;
    spec.run = RunHistory;
    commands.push_back(spec);
  }
  return commands;
}

}  // namespace gongkai
