#include "hub/log/refused_request.h"

#include "node/replica/sql.h"

namespace gongkai {

namespace {

// Printable ASCII only, at most `max` bytes: the text came from a stranger.
std::string Printable(std::string_view text, size_t max) {
  std::string out(text.substr(0, max));
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return out;
}

}  // namespace

std::string_view RefusedRequestTableSql() {
  return "CREATE TABLE IF NOT EXISTS refused_request("
         " id INTEGER PRIMARY KEY,"
         " received_ms INTEGER NOT NULL,"
         " node_id TEXT NOT NULL,"
         " path TEXT NOT NULL,"
         " code TEXT NOT NULL) STRICT;";
}

Status EnsureRefusedRequestTable(sqlite3* db) { return ExecSql(db, RefusedRequestTableSql()); }

Status RecordRefusedRequest(sqlite3* db, int64_t received_ms, std::string_view node_id,
                            std::string_view path, std::string_view code, int64_t max_rows) {
  GK_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db));
  GK_ASSIGN_OR_RETURN(Statement insert,
                      Statement::Prepare(db,
                                         "INSERT INTO refused_request(received_ms, node_id, path,"
                                         " code) VALUES (?, ?, ?, ?)"));
  insert.Bind(1, received_ms)
      .Bind(2, Printable(node_id, kMaxRefusedRequestNodeSize))
      .Bind(3, Printable(path, kMaxRefusedRequestPathSize))
      .Bind(4, Printable(code, kMaxRefusedRequestPathSize));
  GK_RETURN_IF_ERROR(insert.Run());
  // Ids only grow, so the newest max_rows rows are those above the newest id - max_rows.
  GK_ASSIGN_OR_RETURN(Statement trim,
                      Statement::Prepare(db, "DELETE FROM refused_request WHERE id <= ?"));
  trim.Bind(1, sqlite3_last_insert_rowid(db) - max_rows);
  GK_RETURN_IF_ERROR(trim.Run());
  return transaction.Commit();
}

Result<std::vector<RefusedRequest>> ListRefusedRequests(sqlite3* db, int64_t after_id, int limit) {
  if (limit < 1 || limit > kMaxRefusedRequestsListed) {
    return Status::Invalid(kErrRefusedRequestLimit,
                           "每次最多列出 " + std::to_string(kMaxRefusedRequestsListed) +
                               " 条被拒请求, 收到 " + std::to_string(limit));
  }
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "SELECT id, received_ms, node_id, path, code"
                                         " FROM refused_request WHERE id > ? ORDER BY id LIMIT ?"));
  stmt.Bind(1, after_id).Bind(2, int64_t{limit});
  std::vector<RefusedRequest> out;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back({stmt.ColumnInt(0), stmt.ColumnInt(1), stmt.ColumnText(2), stmt.ColumnText(3),
                   stmt.ColumnText(4)});
  }
  return out;
}

}  // namespace gongkai
