#include "node/replica/alarm.h"

#include "node/replica/sql.h"

namespace gongkai {

Status RecordAlarm(sqlite3* db, const Alarm& alarm) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "INSERT OR IGNORE INTO alarm(kind, origin, seq, held_envelope_id,"
                         " held_bytes, other_envelope_id, other_bytes, source, raised_at, message)"
                         " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, alarm.kind)
      .Bind(2, alarm.origin)
      .Bind(3, static_cast<int64_t>(alarm.seq))
      .Bind(4, alarm.held_envelope_id)
      .Bind(5, alarm.held_bytes)
      .Bind(6, alarm.other_envelope_id)
      .Bind(7, alarm.other_bytes)
      .Bind(8, alarm.source)
      .Bind(9, alarm.raised_at)
      .Bind(10, alarm.message);
  return stmt.Run();
}

Result<std::vector<Alarm>> ListAlarms(sqlite3* db) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "SELECT kind, origin, seq, held_envelope_id, held_bytes,"
                         " other_envelope_id, other_bytes, source, raised_at, message"
                         " FROM alarm ORDER BY id"));
  std::vector<Alarm> out;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    Alarm a;
    a.kind = stmt.ColumnText(0);
    a.origin = stmt.ColumnText(1);
    a.seq = static_cast<uint64_t>(stmt.ColumnInt(2));
    a.held_envelope_id = stmt.ColumnText(3);
    a.held_bytes = stmt.ColumnBlob(4);
    a.other_envelope_id = stmt.ColumnText(5);
    a.other_bytes = stmt.ColumnBlob(6);
    a.source = stmt.ColumnText(7);
    a.raised_at = stmt.ColumnInt(8);
    a.message = stmt.ColumnText(9);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace gongkai
