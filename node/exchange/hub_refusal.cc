#include "node/exchange/hub_refusal.h"

#include "node/replica/apply.h"
#include "node/replica/changeset_rows.h"
#include "node/replica/sql.h"
#include "protocol/inspect.h"
#include "protocol/schema.h"

namespace gongkai {

namespace {

std::string_view CutUtf8(std::string_view text, size_t max) {
  if (text.size() <= max) return text;
  size_t cut = max;
  while (cut > 0 && (static_cast<uint8_t>(text[cut]) & 0xc0) == 0x80) --cut;
  return text.substr(0, cut);
}

}  // namespace

bool IsPermanentRefusal(std::string_view code) {
  return code != kErrApplyUnknownSigner && code != kErrSchemaMismatch &&
         code != kErrInspectUnknownTable && code != kErrSchemaUnknownTable;
}

Status EnsureHubRefusalTable(sqlite3* db) {
  return ExecSql(db,
                 "CREATE TABLE IF NOT EXISTS hub_refusal("
                 " envelope_id TEXT PRIMARY KEY NOT NULL CHECK(length(envelope_id) = 64),"
                 " code TEXT NOT NULL,"
                 " message TEXT NOT NULL,"
                 " permanent INTEGER NOT NULL CHECK(permanent IN (0, 1)),"
                 " first_at INTEGER NOT NULL,"
                 " last_at INTEGER NOT NULL,"
                 " times INTEGER NOT NULL CHECK(times >= 1)) STRICT");
}

Status RecordHubRefusal(sqlite3* db, std::string_view envelope_id, std::string_view code,
                        std::string_view message, int64_t now_ms) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "INSERT INTO hub_refusal(envelope_id, code, message, permanent, first_at,"
                         " last_at, times) VALUES (?, ?, ?, ?, ?, ?, 1)"
                         " ON CONFLICT(envelope_id) DO UPDATE SET code = excluded.code,"
                         " message = excluded.message, permanent = excluded.permanent,"
                         " last_at = excluded.last_at, times = times + 1"));
  stmt.Bind(1, envelope_id)
      .Bind(2, code)
      .Bind(3, CutUtf8(message, kMaxHubRefusalMessageSize))
      .Bind(4, int64_t{IsPermanentRefusal(code) ? 1 : 0})
      .Bind(5, now_ms)
      .Bind(6, now_ms);
  return stmt.Run();
}

Status ForgetHubRefusal(sqlite3* db, std::string_view envelope_id) {
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db, "DELETE FROM hub_refusal WHERE envelope_id = ?"));
  stmt.Bind(1, envelope_id);
  return stmt.Run();
}

Result<std::vector<HubRefusal>> ListHubRefusals(sqlite3* db) {
  GK_ASSIGN_OR_RETURN(
      std::optional<int64_t> exists,
      QueryInt(db,
               "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'hub_refusal'"));
  std::vector<HubRefusal> out;
  if (exists.value_or(0) == 0) return out;
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "SELECT envelope_id, code, message, permanent, first_at,"
                                         " last_at, times FROM hub_refusal"
                                         " ORDER BY last_at DESC, envelope_id"));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back({stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnText(2),
                   stmt.ColumnInt(3) != 0, stmt.ColumnInt(4), stmt.ColumnInt(5),
                   stmt.ColumnInt(6)});
  }
  return out;
}

}  // namespace gongkai
