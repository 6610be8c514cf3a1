#include "node/replica/provenance.h"

#include <cstdio>

#include "node/replica/sql.h"
#include "protocol/sqlite_handles.h"

namespace gongkai {

namespace {

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", u);
      out += buffer;
    } else {
      out += c;
    }
  }
  out += '"';
}

Status ChangesetError(int rc, std::string_view what) {
  return Status::Invalid(kErrProvenanceChangeset,
                         "无法读取变更集 (" + std::string(what) + "): " + sqlite3_errstr(rc));
}

}  // namespace

std::string PkValueText(sqlite3_value* value) {
  switch (sqlite3_value_type(value)) {
    case SQLITE_INTEGER:
      return std::to_string(sqlite3_value_int64(value));
    case SQLITE_TEXT:
      return std::string(reinterpret_cast<const char*>(sqlite3_value_text(value)),
                         static_cast<size_t>(sqlite3_value_bytes(value)));
    case SQLITE_BLOB: {
      const auto* data = static_cast<const uint8_t*>(sqlite3_value_blob(value));
      size_t size = static_cast<size_t>(sqlite3_value_bytes(value));
      return data == nullptr ? std::string() : HexEncode(ByteView(data, size));
    }
    case SQLITE_FLOAT:
      return std::to_string(sqlite3_value_double(value));
    default:
      return "";
  }
}

std::string PkText(const std::vector<std::string>& values) {
  if (values.size() == 1) return values[0];
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    AppendJsonString(out, values[i]);
  }
  out += "]";
  return out;
}

Status RecordProvenance(StatementCache& statements, ByteView changeset,
                        std::string_view envelope_id_hex) {
  GK_ASSIGN_OR_RETURN(
      StatementCache::Use insert,
      statements.Get("INSERT OR IGNORE INTO provenance(tbl, pk, envelope_id) VALUES(?, ?, ?)"));
  sqlite3_changeset_iter* raw = nullptr;
  int rc = sqlite3changeset_start(&raw, static_cast<int>(changeset.size()),
                                  const_cast<uint8_t*>(changeset.data()));
  ChangesetIter iter(raw);
  if (rc != SQLITE_OK) return ChangesetError(rc, "start");
  while ((rc = sqlite3changeset_next(iter.get())) == SQLITE_ROW) {
    const char* table = nullptr;
    int columns = 0;
    int op = 0;
    int indirect = 0;
    rc = sqlite3changeset_op(iter.get(), &table, &columns, &op, &indirect);
    if (rc != SQLITE_OK) return ChangesetError(rc, "op");
    if (op != SQLITE_INSERT) continue;
    unsigned char* pk_flags = nullptr;
    rc = sqlite3changeset_pk(iter.get(), &pk_flags, &columns);
    if (rc != SQLITE_OK) return ChangesetError(rc, "pk");
    std::vector<std::string> key;
    for (int c = 0; c < columns; ++c) {
      if (!pk_flags[c]) continue;
      sqlite3_value* value = nullptr;
      rc = sqlite3changeset_new(iter.get(), c, &value);
      if (rc != SQLITE_OK || value == nullptr) return ChangesetError(rc, "new");
      key.push_back(PkValueText(value));
    }
    insert->Reset();
    insert->Bind(1, std::string_view(table)).Bind(2, PkText(key)).Bind(3, envelope_id_hex);
    GK_RETURN_IF_ERROR(insert->Run());
  }
  if (rc != SQLITE_DONE) return ChangesetError(rc, "next");
  return Status::Ok();
}

Status RecordProvenance(sqlite3* db, ByteView changeset, std::string_view envelope_id_hex) {
  StatementCache once(db);
  return RecordProvenance(once, changeset, envelope_id_hex);
}

Result<std::optional<std::string>> ProvenanceOf(sqlite3* db, std::string_view table,
                                                std::string_view pk_text) {
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db, "SELECT envelope_id FROM provenance WHERE tbl=? AND pk=?"));
  stmt.Bind(1, table).Bind(2, pk_text);
  GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(stmt.ColumnText(0));
}

}  // namespace gongkai
