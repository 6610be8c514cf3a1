#include "node/workflow/workflow.h"

#include <sodium.h>

#include "node/intake/calendar.h"
#include "node/intake/sheet_dates.h"
#include "node/workflow/disclosure_view.h"
#include "node/intake/finance_import.h"
#include "node/intake/import_source.h"
#include "node/json/json_text.h"
#include "node/json/json_value.h"
#include "node/replica/sql.h"
#include "node/intake/subsidy_import.h"
#include "protocol/bytes.h"
#include "protocol/region.h"
#include "protocol/sha256.h"
#include "protocol/utf8.h"

namespace gongkai {

namespace {

constexpr std::string_view kDefaultSubsidyName = "耕地地力保护补贴";
// Today in China for a wall clock reading.
CivilDate BeijingToday(int64_t now_ms) { return BeijingDate(MakeHlc(static_cast<uint64_t>(now_ms), 0)); }

Status InputError(std::string message) {
  return Status::Invalid(kErrWorkflowInput, std::move(message));
}

// A single line of text a person typed: valid UTF-8, no control characters, not empty after
// trimming, at most `limit` bytes.
Result<std::string> CleanLine(std::string_view what, std::string_view text, size_t limit) {
  if (!IsValidUtf8(text)) return InputError(std::string(what) + "不是有效的 UTF-8 文本");
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  std::string out(text.substr(begin, end - begin));
  if (out.empty()) return InputError(std::string(what) + "不能为空");
  if (out.size() > limit) {
    return InputError(std::string(what) + "太长（最多 " + std::to_string(limit) + " 字节）");
  }
  for (unsigned char c : out) {
    if (c < 0x20 || c == 0x7f) return InputError(std::string(what) + "不能含换行或控制字符");
  }
  return out;
}

Result<std::string> CleanText(std::string_view what, std::string_view text, size_t limit) {
  if (!IsValidUtf8(text)) return InputError(std::string(what) + "不是有效的 UTF-8 文本");
  if (text.size() > limit) {
    return InputError(std::string(what) + "太长（最多 " + std::to_string(limit) + " 字节）");
  }
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      return InputError(std::string(what) + "含有控制字符");
    }
  }
  return std::string(text);
}

Result<NodeIdentity> WriterIdentity(const Replica& replica) {
  GK_ASSIGN_OR_RETURN(NodeIdentity identity, replica.Identity());
  if (identity.role == Role::kAuditor) {
    return Status::Denied(kErrWorkflowRole, "审计节点只能查看，不能编写或审核公开内容");
  }
  return identity;
}

// The body JSON of a draft from its parts.
struct BodyParts {
  std::string text;
  std::string subsidy_name;
  std::vector<std::string> attachments;
  std::vector<std::string> headers;
  int64_t opening_cents = 0;
  int64_t closing_cents = 0;
};

std::string BuildBody(Category category, const BodyParts& parts) {
  JsonObject body;
  body.Set("text", parts.text);
  switch (category) {
    case Category::kAffairs:
      body.SetRaw("attachments", JsonStringArray(parts.attachments));
      body.SetRaw("headers", JsonStringArray(parts.headers));
      break;
    case Category::kFinance:
      body.Set("opening_cents", parts.opening_cents);
      body.Set("closing_cents", parts.closing_cents);
      break;
    case Category::kSubsidy:
      body.Set("subsidy_name", parts.subsidy_name);
      break;
  }
  return body.ToString();
}

Result<BodyParts> SplitBody(std::string_view body_json) {
  GK_ASSIGN_OR_RETURN(JsonValue body, ParseJsonObject(body_json));
  BodyParts parts;
  GK_ASSIGN_OR_RETURN(parts.text, body.StringOr("text", ""));
  GK_ASSIGN_OR_RETURN(parts.subsidy_name, body.StringOr("subsidy_name", ""));
  GK_ASSIGN_OR_RETURN(parts.attachments, body.StringsOr("attachments"));
  GK_ASSIGN_OR_RETURN(parts.headers, body.StringsOr("headers"));
  GK_ASSIGN_OR_RETURN(parts.opening_cents, body.IntegerOr("opening_cents", 0));
  GK_ASSIGN_OR_RETURN(parts.closing_cents, body.IntegerOr("closing_cents", 0));
  return parts;
}

// workflow.too_many_items past the one row limit of a disclosure.
Status CheckItemCount(size_t items) {
  if (items <= static_cast<size_t>(kMaxDisclosureItems)) return Status::Ok();
  return Status::TooLarge(kErrWorkflowTooManyItems,
                          "明细有 " + std::to_string(items) + " 行，一项公开最多 " +
                              std::to_string(kMaxDisclosureItems) + " 行，请拆分成几项公开");
}

Result<std::vector<std::string>> AffairsItems(const std::vector<std::string>& headers,
                                              const std::vector<std::vector<std::string>>& rows) {
  GK_RETURN_IF_ERROR(CheckItemCount(rows.size()));
  std::vector<std::string> items;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].size() != headers.size()) {
      return InputError("表格第 " + std::to_string(i + 1) + " 行有 " +
                        std::to_string(rows[i].size()) + " 列，表头有 " +
                        std::to_string(headers.size()) + " 列");
    }
    for (const std::string& cell : rows[i]) {
      if (!IsValidUtf8(cell)) return InputError("表格内容不是有效的 UTF-8 文本");
    }
    JsonObject item;
    item.SetRaw("cells", JsonStringArray(rows[i]));
    items.push_back(item.ToString());
  }
  return items;
}

// Applies `input` to `draft` (its category already set). Imports read files here.
Status ApplyInput(Draft& draft, const DraftInput& input, int64_t now_ms,
                  std::vector<ImportError>* errors) {
  if (input.title) {
    GK_ASSIGN_OR_RETURN(draft.title, CleanLine("标题", *input.title, kMaxTitleBytes));
  }
  if (input.period) {
    Result<Period> period = ParsePeriod(*input.period);
    if (!period.ok()) {
      return InputError("期间“" + input.period->substr(0, 40) +
                        "”无法识别：请写成 2024（年）、2024Q3（季度）或 2024-07（月）");
    }
    draft.period = period->text;
  }
  if (input.author) {
    GK_ASSIGN_OR_RETURN(draft.author, CleanLine("填报人", *input.author, kMaxPersonBytes));
  }
  if (input.publicity_days) {
    if (*input.publicity_days < 1 || *input.publicity_days > kMaxPublicityDays) {
      return InputError("公示天数须在 1 到 " + std::to_string(kMaxPublicityDays) + " 之间");
    }
    draft.publicity_days = *input.publicity_days;
  }
  if (input.publicity_from) {
    std::optional<CivilDate> from = ParseClerkDate(*input.publicity_from, false);
    if (!from) return InputError("公示开始日期“" + input.publicity_from->substr(0, 40) + "”无法识别");
    draft.publicity_from = from->ToString();
  }

  BodyParts parts;
  if (!draft.body.empty()) {
    GK_ASSIGN_OR_RETURN(parts, SplitBody(draft.body));
  }
  if (input.body_text) {
    GK_ASSIGN_OR_RETURN(parts.text, CleanText("正文", *input.body_text, kMaxBodyBytes));
  }
  if (input.subsidy_name) {
    if (draft.category != Category::kSubsidy) return InputError("只有惠农补贴公示有补贴名称");
    GK_ASSIGN_OR_RETURN(parts.subsidy_name, CleanLine("补贴名称", *input.subsidy_name, kMaxTitleBytes));
  }
  if (draft.category == Category::kSubsidy && parts.subsidy_name.empty()) {
    parts.subsidy_name = std::string(kDefaultSubsidyName);
  }
  if (input.attachments) {
    if (draft.category != Category::kAffairs) return InputError("只有村务公开可以列附件");
    parts.attachments.clear();
    for (const std::string& a : *input.attachments) {
      GK_ASSIGN_OR_RETURN(std::string line, CleanLine("附件名", a, kMaxTitleBytes));
      parts.attachments.push_back(std::move(line));
    }
  }
  if (input.table_headers || input.table_rows) {
    if (draft.category != Category::kAffairs) return InputError("只有村务公开可以附表格");
    std::vector<std::string> headers = input.table_headers.value_or(parts.headers);
    GK_ASSIGN_OR_RETURN(draft.items, AffairsItems(headers, input.table_rows.value_or(
                                                               std::vector<std::vector<std::string>>{})));
    parts.headers = std::move(headers);
  }
  if (input.opening_cents && draft.category != Category::kFinance) {
    return InputError("只有财务公开有期初余额");
  }

  if (input.import_path) {
    switch (draft.category) {
      case Category::kSubsidy: {
        SubsidyImportOptions options;
        options.today = BeijingToday(now_ms);
        options.default_item = parts.subsidy_name;
        GK_ASSIGN_OR_RETURN(SubsidyList list, ImportSubsidyFile(*input.import_path, options, errors));
        draft.items.clear();
        for (const SubsidyRow& row : list.rows) draft.items.push_back(SubsidyRowPublishedJson(row));
        break;
      }
      case Category::kFinance: {
        FinanceImportOptions options;
        options.period = draft.period;
        if (input.opening_cents) options.opening_cents = *input.opening_cents;
        GK_ASSIGN_OR_RETURN(FinanceStatement statement,
                            ImportFinanceFile(*input.import_path, options, errors));
        draft.items.clear();
        for (const FinanceRow& row : statement.rows) draft.items.push_back(FinanceRowPublishedJson(row));
        parts.opening_cents = statement.opening_cents;
        parts.closing_cents = statement.closing_cents;
        break;
      }
      case Category::kAffairs: {
        ImportError error;
        Result<ImportSheet> sheet = ReadSheetFile(*input.import_path, &error);
        if (!sheet.ok()) {
          if (errors != nullptr) errors->push_back(error);
          return sheet.status();
        }
        if (sheet->rows.empty()) return InputError(ImportFileName(*input.import_path) + " 是空表");
        std::vector<std::string> headers = sheet->rows[0].cells;
        std::vector<std::vector<std::string>> rows;
        for (size_t i = 1; i < sheet->rows.size(); ++i) {
          std::vector<std::string> cells = sheet->rows[i].cells;
          cells.resize(headers.size());
          rows.push_back(std::move(cells));
        }
        GK_ASSIGN_OR_RETURN(draft.items, AffairsItems(headers, rows));
        parts.headers = std::move(headers);
        break;
      }
    }
  } else if (input.opening_cents && draft.category == Category::kFinance) {
    // A new opening balance moves the closing one by the same amount.
    parts.closing_cents += *input.opening_cents - parts.opening_cents;
    parts.opening_cents = *input.opening_cents;
  }
  draft.body = BuildBody(draft.category, parts);
  draft.updated_at = now_ms;
  return Status::Ok();
}

Status SaveDraft(sqlite3* db, const Draft& draft) {
  const std::string items = JsonArray(draft.items);
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "INSERT OR REPLACE INTO draft(id, category, title, period, body,"
                         " items_json, publicity_days, updated_at, based_on, publicity_from,"
                         " author) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, draft.id)
      .Bind(2, CategoryName(draft.category))
      .Bind(3, draft.title)
      .Bind(4, draft.period)
      .Bind(5, draft.body)
      .Bind(6, items)
      .Bind(7, draft.publicity_days)
      .Bind(8, draft.updated_at);
  if (draft.based_on.empty()) {
    stmt.BindNull(9);
  } else {
    stmt.Bind(9, draft.based_on);
  }
  stmt.Bind(10, draft.publicity_from).Bind(11, draft.author);
  return stmt.Run();
}

bool IsHexId(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<DisclosureState> LoadExisting(sqlite3* db, std::string_view disclosure_id) {
  GK_ASSIGN_OR_RETURN(std::optional<DisclosureState> state, LoadDisclosure(db, disclosure_id));
  if (!state) {
    return Status::NotFound(kErrWorkflowNotFound, "没有编号为 " + std::string(disclosure_id) +
                                                      " 的公开事项");
  }
  return std::move(*state);
}

Result<CapturedEnvelope> CaptureFacts(Replica& replica, const Actor& actor,
                                      const CaptureWrites& writes,
                                      const CaptureFaults& faults = {}) {
  if (actor.key == nullptr || actor.clock == nullptr) {
    return Status::Internal(kErrWorkflowInput, "actor without key or clock");
  }
  return Capture(replica, *actor.key, *actor.clock, writes, faults);
}

}  // namespace

std::string_view CategoryName(Category category) {
  switch (category) {
    case Category::kAffairs:
      return "affairs";
    case Category::kFinance:
      return "finance";
    case Category::kSubsidy:
      return "subsidy";
  }
  return "?";
}

std::string_view CategoryLabel(Category category) {
  switch (category) {
    case Category::kAffairs:
      return "村务公开";
    case Category::kFinance:
      return "财务公开";
    case Category::kSubsidy:
      return "惠农补贴公示";
  }
  return "?";
}

Result<Category> ParseCategory(std::string_view name) {
  if (name == "affairs" || name == "村务") return Category::kAffairs;
  if (name == "finance" || name == "财务") return Category::kFinance;
  if (name == "subsidy" || name == "惠农补贴") return Category::kSubsidy;
  return InputError("类别须为 affairs（村务）、finance（财务）或 subsidy（惠农补贴）");
}

int64_t DefaultPublicityDays(Category category) {
  switch (category) {
    case Category::kAffairs:
      return 7;
    case Category::kFinance:
      return 30;
    case Category::kSubsidy:
      return 7;
  }
  return 7;
}

std::string NewFactId() {
  EnsureSodium();
  uint8_t bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  return HexEncode(ByteView(bytes, sizeof bytes));
}

Result<Draft> CreateDraft(Replica& replica, const DraftInput& input, int64_t now_ms,
                          std::vector<ImportError>* errors) {
  GK_RETURN_IF_ERROR(WriterIdentity(replica).status());
  if (!input.category) return InputError("请用 --category 指定类别（affairs、finance 或 subsidy）");
  if (!input.title) return InputError("请用 --title 写明标题");
  if (!input.period) return InputError("请用 --period 写明期间（如 2024Q3）");
  Draft draft;
  draft.id = NewFactId();
  draft.category = *input.category;
  draft.publicity_days = DefaultPublicityDays(draft.category);
  GK_RETURN_IF_ERROR(ApplyInput(draft, input, now_ms, errors));
  GK_RETURN_IF_ERROR(SaveDraft(replica.db(), draft));
  return draft;
}

Result<Draft> EditDraft(Replica& replica, std::string_view disclosure_id, const DraftInput& input,
                        int64_t now_ms, std::vector<ImportError>* errors) {
  GK_ASSIGN_OR_RETURN(NodeIdentity identity, WriterIdentity(replica));
  if (input.category) return InputError("类别不能修改；请新建一个公开事项");
  GK_ASSIGN_OR_RETURN(DisclosureState state, LoadExisting(replica.db(), disclosure_id));
  if (state.status == DisclosureStatus::kWithdrawn) {
    return Status::Invalid(kErrWorkflowState, "该公开事项已撤回，不能再修改");
  }
  Draft draft;
  if (state.draft) {
    draft = *state.draft;
  } else {
    const VersionFact* current = state.current();
    if (current->region != identity.region) {
      return Status::Denied(kErrWorkflowRole, "只有 " + current->region + " 的节点可以修改该公开事项");
    }
    draft.id = state.id;
    draft.category = state.category;
    draft.title = current->title;
    draft.period = current->period;
    draft.body = current->body;
    draft.author = current->author;
    draft.based_on = current->version_id;
    std::optional<CivilDate> from = ParseClerkDate(current->publicity_from, false);
    std::optional<CivilDate> to = ParseClerkDate(current->publicity_to, false);
    draft.publicity_days = (from && to) ? DaysFromCivil(*to) - DaysFromCivil(*from) + 1
                                        : DefaultPublicityDays(draft.category);
    GK_ASSIGN_OR_RETURN(Statement items,
                        Statement::Prepare(replica.db(),
                                           "SELECT data FROM disclosure_item WHERE version_id = ?"
                                           " ORDER BY line_no"));
    items.Bind(1, current->version_id);
    while (true) {
      GK_ASSIGN_OR_RETURN(bool row, items.Step());
      if (!row) break;
      draft.items.push_back(items.ColumnText(0));
    }
  }
  GK_RETURN_IF_ERROR(ApplyInput(draft, input, now_ms, errors));
  GK_RETURN_IF_ERROR(SaveDraft(replica.db(), draft));
  return draft;
}

Result<std::optional<Draft>> LoadDraft(sqlite3* db, std::string_view disclosure_id) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "SELECT id, category, title, period, body, items_json, publicity_days,"
                         " updated_at, ifnull(based_on, ''), publicity_from, author"
                         " FROM draft WHERE id = ?"));
  stmt.Bind(1, disclosure_id);
  GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<Draft>();
  Draft draft;
  draft.id = stmt.ColumnText(0);
  GK_ASSIGN_OR_RETURN(draft.category, ParseCategory(stmt.ColumnText(1)));
  draft.title = stmt.ColumnText(2);
  draft.period = stmt.ColumnText(3);
  draft.body = stmt.ColumnText(4);
  draft.publicity_days = stmt.ColumnInt(6);
  draft.updated_at = stmt.ColumnInt(7);
  draft.based_on = stmt.ColumnText(8);
  draft.publicity_from = stmt.ColumnText(9);
  draft.author = stmt.ColumnText(10);
  // items_json is an array of objects written by SaveDraft; keep each object's exact text.
  GK_ASSIGN_OR_RETURN(Statement items,
                      Statement::Prepare(db, "SELECT value FROM json_each(?) ORDER BY key"));
  items.Bind(1, stmt.ColumnText(5));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool item_row, items.Step());
    if (!item_row) break;
    draft.items.push_back(items.ColumnText(0));
  }
  return std::optional<Draft>(std::move(draft));
}

Status DiscardDraft(Replica& replica, std::string_view disclosure_id) {
  GK_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(replica.db(), "DELETE FROM draft WHERE id = ?"));
  stmt.Bind(1, disclosure_id);
  GK_RETURN_IF_ERROR(stmt.Run());
  if (sqlite3_changes(replica.db()) == 0) {
    return Status::NotFound(kErrWorkflowNotFound, "没有编号为 " + std::string(disclosure_id) + " 的草稿");
  }
  return Status::Ok();
}

Result<std::string> ResolveDisclosureId(sqlite3* db, std::string_view prefix) {
  if (prefix.size() < kMinIdPrefix || prefix.size() > 32 || !IsHexId(prefix)) {
    return InputError("编号“" + std::string(prefix.substr(0, 40)) + "”无效：请至少输入编号的前 " +
                      std::to_string(kMinIdPrefix) + " 位（小写十六进制）");
  }
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "SELECT DISTINCT id FROM (SELECT disclosure_id AS id FROM"
                         " disclosure_version UNION SELECT id FROM draft)"
                         " WHERE substr(id, 1, ?) = ? LIMIT 2"));
  stmt.Bind(1, static_cast<int64_t>(prefix.size())).Bind(2, prefix);
  std::vector<std::string> found;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    found.push_back(stmt.ColumnText(0));
  }
  if (found.empty()) {
    return Status::NotFound(kErrWorkflowNotFound, "没有编号以 " + std::string(prefix) + " 开头的公开事项");
  }
  if (found.size() > 1) {
    return Status::Invalid(kErrWorkflowAmbiguous,
                           "编号 " + std::string(prefix) + " 对应多个公开事项，请多输入几位");
  }
  return found[0];
}

std::string ContentHash(std::string_view disclosure_id, std::string_view category,
                        std::string_view title, std::string_view period, std::string_view body,
                        std::string_view publicity_from, std::string_view publicity_to,
                        const std::vector<std::string>& items) {
  Sha256Stream hash;
  auto text = [&hash](std::string_view s) {
    ByteWriter w;
    w.U32(static_cast<uint32_t>(s.size()));
    hash.Update(w.bytes());
    hash.Update(ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
  };
  text("gongkai-content-1");
  text(disclosure_id);
  text(category);
  text(title);
  text(period);
  text(body);
  text(publicity_from);
  text(publicity_to);
  ByteWriter count;
  count.U32(static_cast<uint32_t>(items.size()));
  hash.Update(count.bytes());
  for (const std::string& item : items) text(item);
  const Hash256 digest = hash.Finish();
  return HexEncode(digest);
}

Result<WriteResult> Submit(Replica& replica, const Actor& actor, std::string_view disclosure_id,
                           const CaptureFaults& faults) {
  GK_ASSIGN_OR_RETURN(NodeIdentity identity, WriterIdentity(replica));
  WriteResult result;
  result.fact_id = NewFactId();
  CaptureWrites writes = [&](sqlite3* db, const CaptureStamp& stamp) -> Status {
    // Read inside the capture's transaction, so that the draft removed here is the one
    // submitted.
    GK_ASSIGN_OR_RETURN(std::optional<Draft> draft, LoadDraft(db, disclosure_id));
    if (!draft) {
      return Status::NotFound(kErrWorkflowNotFound,
                              "公开事项 " + std::string(disclosure_id) + " 没有待提交的草稿");
    }
    if (draft->category != Category::kAffairs && draft->items.empty()) {
      return InputError("财务公开和惠农补贴公示须先用 --import 导入明细");
    }
    GK_RETURN_IF_ERROR(CheckItemCount(draft->items.size()));
    GK_ASSIGN_OR_RETURN(std::optional<DisclosureState> state, LoadDisclosure(db, disclosure_id));
    if (state && state->status == DisclosureStatus::kWithdrawn) {
      return Status::Invalid(kErrWorkflowState, "该公开事项已撤回，不能再提交");
    }
    if (!draft->based_on.empty()) {
      const VersionFact* current = state ? state->current() : nullptr;
      if (current == nullptr || current->version_id != draft->based_on) {
        return Status::Conflict(kErrWorkflowStale,
                                "草稿所依据的版本已被其他修改取代；请先查看 history，再重新编辑");
      }
    }
    const CivilDate from = ParseClerkDate(draft->publicity_from, false)
                               .value_or(BeijingToday(actor.now_ms));
    const CivilDate to = CivilFromDays(DaysFromCivil(from) + draft->publicity_days - 1);
    const std::string author = draft->author.empty() ? actor.person : draft->author;
    const std::string hash =
        ContentHash(draft->id, CategoryName(draft->category), draft->title, draft->period,
                    draft->body, from.ToString(), to.ToString(), draft->items);
    GK_ASSIGN_OR_RETURN(
        Statement version,
        Statement::Prepare(db,
                           "INSERT INTO disclosure_version(version_id, disclosure_id,"
                           " parent_version, category, title, period, body, publicity_from,"
                           " publicity_to, item_count, content_hash, author, origin, hlc, region)"
                           " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    version.Bind(1, result.fact_id)
        .Bind(2, draft->id)
        .Bind(3, draft->based_on)
        .Bind(4, CategoryName(draft->category))
        .Bind(5, draft->title)
        .Bind(6, draft->period)
        .Bind(7, draft->body)
        .Bind(8, from.ToString())
        .Bind(9, to.ToString())
        .Bind(10, static_cast<int64_t>(draft->items.size()))
        .Bind(11, hash)
        .Bind(12, author)
        .Bind(13, stamp.origin)
        .Bind(14, static_cast<int64_t>(stamp.hlc))
        .Bind(15, identity.region);
    GK_RETURN_IF_ERROR(version.Run());
    GK_ASSIGN_OR_RETURN(
        Statement item,
        Statement::Prepare(db,
                           "INSERT INTO disclosure_item(version_id, line_no, data, origin, hlc,"
                           " region) VALUES(?, ?, ?, ?, ?, ?)"));
    for (size_t i = 0; i < draft->items.size(); ++i) {
      item.Reset();
      item.Bind(1, result.fact_id)
          .Bind(2, static_cast<int64_t>(i + 1))
          .Bind(3, draft->items[i])
          .Bind(4, stamp.origin)
          .Bind(5, static_cast<int64_t>(stamp.hlc))
          .Bind(6, identity.region);
      GK_RETURN_IF_ERROR(item.Run());
    }
    GK_ASSIGN_OR_RETURN(Statement remove, Statement::Prepare(db, "DELETE FROM draft WHERE id = ?"));
    remove.Bind(1, draft->id);
    return remove.Run();
  };
  GK_ASSIGN_OR_RETURN(result.envelope, CaptureFacts(replica, actor, writes, faults));
  return result;
}

Result<WriteResult> Review(Replica& replica, const Actor& actor, std::string_view disclosure_id,
                           Decision decision, std::string_view comment) {
  GK_ASSIGN_OR_RETURN(NodeIdentity identity, WriterIdentity(replica));
  std::string clean_comment;
  if (!comment.empty()) {
    GK_ASSIGN_OR_RETURN(clean_comment, CleanText("意见", comment, kMaxCommentBytes));
  }
  if (decision == Decision::kReturn && clean_comment.empty()) {
    return InputError("退回时请用 --comment 写明退回理由");
  }
  GK_ASSIGN_OR_RETURN(DisclosureState state, LoadExisting(replica.db(), disclosure_id));
  const VersionFact* current = state.current();
  if (current == nullptr) return Status::Invalid(kErrWorkflowState, "该公开事项还只是草稿，尚未提交");
  std::string stage;
  if (identity.role == Role::kVillage && current->region == identity.region) {
    stage = "supervision";
  } else if (identity.role == Role::kTownship && current->region != identity.region &&
             IsWithin(current->region, identity.region)) {
    stage = "township";
  } else {
    return Status::Denied(kErrWorkflowRole,
                          "本节点（" + std::string(RoleName(identity.role)) + " " + identity.region +
                              "）不能审核 " + current->region + " 的公开事项：村务监督委员会在本村节点审核，"
                              "乡镇在乡镇节点审核所辖村");
  }
  if (state.status == DisclosureStatus::kWithdrawn) {
    return Status::Invalid(kErrWorkflowState, "该公开事项已撤回，不能审核");
  }
  if (const ReviewFact* done = current->LatestReview(stage)) {
    return Status::Invalid(kErrWorkflowState,
                           std::string("当前版本已由") + (stage == "township" ? "乡镇" : "村务监督委员会") +
                               (done->decision == "approve" ? "审核通过" : "退回") + "（" +
                               done->reviewer + "，" + HlcBeijingTime(done->hlc) + "）");
  }
  WriteResult result;
  result.fact_id = NewFactId();
  const std::string version_id = current->version_id;
  const std::string region = current->region;
  CaptureWrites writes = [&](sqlite3* db, const CaptureStamp& stamp) -> Status {
    GK_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db,
                           "INSERT INTO review(review_id, version_id, disclosure_id, stage,"
                           " decision, comment, reviewer, origin, hlc, region)"
                           " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt.Bind(1, result.fact_id)
        .Bind(2, version_id)
        .Bind(3, state.id)
        .Bind(4, stage)
        .Bind(5, decision == Decision::kApprove ? "approve" : "return")
        .Bind(6, clean_comment)
        .Bind(7, actor.person)
        .Bind(8, stamp.origin)
        .Bind(9, static_cast<int64_t>(stamp.hlc))
        .Bind(10, region);
    return stmt.Run();
  };
  GK_ASSIGN_OR_RETURN(result.envelope, CaptureFacts(replica, actor, writes));
  return result;
}

Result<WriteResult> Withdraw(Replica& replica, const Actor& actor, std::string_view disclosure_id,
                             std::string_view reason) {
  GK_ASSIGN_OR_RETURN(NodeIdentity identity, WriterIdentity(replica));
  if (reason.empty()) return InputError("撤回时请用 --reason 写明理由");
  GK_ASSIGN_OR_RETURN(std::string clean_reason, CleanText("撤回理由", reason, kMaxCommentBytes));
  GK_ASSIGN_OR_RETURN(DisclosureState state, LoadExisting(replica.db(), disclosure_id));
  const VersionFact* current = state.current();
  if (current == nullptr) return Status::Invalid(kErrWorkflowState, "该公开事项尚未提交；草稿可直接删除（discard）");
  if (current->region != identity.region) {
    return Status::Denied(kErrWorkflowRole, "只有 " + current->region + " 的节点可以撤回该公开事项");
  }
  if (state.status == DisclosureStatus::kWithdrawn) {
    return Status::Invalid(kErrWorkflowState, "该公开事项已经撤回");
  }
  WriteResult result;
  result.fact_id = NewFactId();
  const std::string version_id = current->version_id;
  CaptureWrites writes = [&](sqlite3* db, const CaptureStamp& stamp) -> Status {
    GK_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db,
                           "INSERT INTO withdrawal(withdrawal_id, disclosure_id, version_id,"
                           " reason, author, origin, hlc, region) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt.Bind(1, result.fact_id)
        .Bind(2, state.id)
        .Bind(3, version_id)
        .Bind(4, clean_reason)
        .Bind(5, actor.person)
        .Bind(6, stamp.origin)
        .Bind(7, static_cast<int64_t>(stamp.hlc))
        .Bind(8, identity.region);
    return stmt.Run();
  };
  GK_ASSIGN_OR_RETURN(result.envelope, CaptureFacts(replica, actor, writes));
  return result;
}

Result<WriteResult> RecordPosting(Replica& replica, const Actor& actor,
                                  std::string_view disclosure_id, std::string_view version_id,
                                  int64_t copies) {
  GK_ASSIGN_OR_RETURN(NodeIdentity identity, WriterIdentity(replica));
  if (copies < 1 || copies > kMaxCopies) {
    return InputError("份数须在 1 到 " + std::to_string(kMaxCopies) + " 之间");
  }
  GK_ASSIGN_OR_RETURN(DisclosureState state, LoadExisting(replica.db(), disclosure_id));
  const VersionFact* version = state.FindVersion(version_id);
  if (version == nullptr) {
    return Status::NotFound(kErrWorkflowNotFound, "没有版本 " + std::string(version_id));
  }
  if (version->region != identity.region) {
    return Status::Denied(kErrWorkflowRole, "张贴记录只能由 " + version->region + " 的节点登记");
  }
  if (version->status != DisclosureStatus::kApproved) {
    return Status::Invalid(kErrWorkflowState, "只有乡镇审核通过的版本才能登记张贴");
  }
  WriteResult result;
  result.fact_id = NewFactId();
  CaptureWrites writes = [&](sqlite3* db, const CaptureStamp& stamp) -> Status {
    GK_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db,
                           "INSERT INTO posting(posting_id, version_id, disclosure_id, posted_by,"
                           " copies, origin, hlc, region) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt.Bind(1, result.fact_id)
        .Bind(2, version_id)
        .Bind(3, state.id)
        .Bind(4, actor.person)
        .Bind(5, copies)
        .Bind(6, stamp.origin)
        .Bind(7, static_cast<int64_t>(stamp.hlc))
        .Bind(8, identity.region);
    return stmt.Run();
  };
  GK_ASSIGN_OR_RETURN(result.envelope, CaptureFacts(replica, actor, writes));
  return result;
}

}  // namespace gongkai
