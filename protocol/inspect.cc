#include "protocol/inspect.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <vector>

#include "protocol/changeset_format.h"
#include "protocol/schema.h"
#include "protocol/sqlite_handles.h"
#include "protocol/utf8.h"

namespace gongkai {

namespace {

// How much of an outside value a message shows.
constexpr size_t kShownChars = 16;
constexpr size_t kShownBlobBytes = 8;

// Outside text is shown shortened, with anything but printable ASCII and whole UTF-8
// sequences escaped, so that a message never carries control bytes into a log or terminal.
std::string Shown(std::string_view text, size_t max = kShownChars) {
  std::string out;
  size_t chars = 0;
  size_t i = 0;
  while (i < text.size() && chars < max) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
    if (c >= 0x80 && i + len <= text.size() && IsValidUtf8(text.substr(i, len))) {
      out.append(text.substr(i, len));
    } else if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
      out.push_back(static_cast<char>(c));
      len = 1;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
      len = 1;
    }
    i += len;
    ++chars;
  }
  if (i < text.size()) out += "…";
  return out;
}

std::string_view TextOf(sqlite3_value* v) {
  const unsigned char* p = sqlite3_value_text(v);
  const int n = sqlite3_value_bytes(v);
  if (p == nullptr) return {};
  return std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
}

std::string ShowValue(sqlite3_value* v) {
  if (v == nullptr) return "(none)";
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
      return std::to_string(sqlite3_value_int64(v));
    case SQLITE_FLOAT:
      return std::to_string(sqlite3_value_double(v));
    case SQLITE_TEXT:
      return "'" + Shown(TextOf(v)) + "'";
    case SQLITE_BLOB: {
      const auto* p = static_cast<const uint8_t*>(sqlite3_value_blob(v));
      const size_t n = static_cast<size_t>(sqlite3_value_bytes(v));
      if (p == nullptr) return "x''";
      return "x'" + HexEncode(ByteView(p, std::min(n, kShownBlobBytes))) +
             (n > kShownBlobBytes ? "…'" : "'");
    }
    default:
      return "NULL";
  }
}

std::string_view TypeName(int type) {
  switch (type) {
    case SQLITE_INTEGER:
      return "INTEGER";
    case SQLITE_FLOAT:
      return "REAL";
    case SQLITE_TEXT:
      return "TEXT";
    case SQLITE_BLOB:
      return "BLOB";
    default:
      return "NULL";
  }
}

// One change under inspection: where it is and what it is called in messages.
class Change {
 public:
  Change(sqlite3_changeset_iter* iter, size_t number) : iter_(iter), number_(number) {}

  Status Read() {
    const char* table = nullptr;
    int rc = sqlite3changeset_op(iter_, &table, &column_count_, &op_, nullptr);
    if (rc != SQLITE_OK) return Corrupt(rc);
    table_ = table != nullptr ? table : "";
    unsigned char* pk = nullptr;
    int pk_columns = 0;
    rc = sqlite3changeset_pk(iter_, &pk, &pk_columns);
    if (rc != SQLITE_OK) return Corrupt(rc);
    pk_flags_.assign(pk, pk + std::max(pk_columns, 0));
    return Status::Ok();
  }

  int op() const { return op_; }
  std::string_view table() const { return table_; }
  int column_count() const { return column_count_; }
  bool is_pk(int i) const { return i < static_cast<int>(pk_flags_.size()) && pk_flags_[i]; }

  // The new value of an INSERT (nullptr when the record has none).
  sqlite3_value* New(int i) const {
    sqlite3_value* v = nullptr;
    if (sqlite3changeset_new(iter_, i, &v) != SQLITE_OK) return nullptr;
    return v;
  }

  // "change 3: review row ('r1')" — the primary key from the new values of an INSERT, the
  // old values of an UPDATE or DELETE.
  std::string Where() const {
    std::string out = "change " + std::to_string(number_) + ": " + Shown(table_, 64) + " row (";
    bool first = true;
    for (int i = 0; i < column_count_; ++i) {
      if (!is_pk(i)) continue;
      sqlite3_value* v = nullptr;
      if (op_ == SQLITE_INSERT) {
        sqlite3changeset_new(iter_, i, &v);
      } else {
        sqlite3changeset_old(iter_, i, &v);
      }
      if (!first) out += ",";
      out += ShowValue(v);
      first = false;
    }
    return out + ")";
  }
  std::string Where(const ColumnSpec& column) const {
    return Where() + " column " + std::string(column.name);
  }

  Status Corrupt(int rc) const {
    return Status::Invalid(
        kErrInspectCorrupt,
        "change " + std::to_string(number_) + ": malformed changeset (" + sqlite3_errstr(rc) + ")");
  }

 private:
  sqlite3_changeset_iter* iter_;
  size_t number_;
  std::string table_;
  int column_count_ = 0;
  int op_ = 0;
  std::vector<unsigned char> pk_flags_;
};

Status CheckShape(const Change& change, const TableSpec& spec) {
  if (change.column_count() != static_cast<int>(spec.columns.size())) {
    return Status::Invalid(kErrInspectColumnCount,
                           change.Where() + ": has " + std::to_string(change.column_count()) +
                               " columns, the schema has " + std::to_string(spec.columns.size()));
  }
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    if (change.is_pk(static_cast<int>(i)) != spec.columns[i].primary_key) {
      return Status::Invalid(
          kErrInspectPrimaryKey,
          change.Where() + " column " + std::string(spec.columns[i].name) +
              (spec.columns[i].primary_key ? ": is part of the primary key but not flagged so"
                                           : ": is flagged as primary key but is not one"));
    }
  }
  return Status::Ok();
}

Status CheckValue(const Change& change, const ColumnSpec& column, sqlite3_value* v) {
  const int type = v == nullptr ? SQLITE_NULL : sqlite3_value_type(v);
  if (type != static_cast<int>(column.type)) {
    return Status::Invalid(kErrInspectColumnType,
                           change.Where(column) + ": " +
                               (v == nullptr ? std::string("no value")
                                             : std::string(TypeName(type)) + " " + ShowValue(v)) +
                               " where the schema has " + std::string(ColumnTypeName(column.type)) +
                               " NOT NULL");
  }
  if (type != SQLITE_TEXT) return Status::Ok();
  const std::string_view text = TextOf(v);
  if (!IsValidUtf8(text)) {
    return Status::Invalid(kErrInspectTextEncoding, change.Where(column) + ": " + ShowValue(v) +
                                                        " is not well-formed UTF-8");
  }
  if (!column.allowed.empty()) {
    bool found = false;
    for (std::string_view allowed : column.allowed) found = found || text == allowed;
    if (!found) {
      return Status::Invalid(kErrInspectValue, change.Where(column) + ": " + ShowValue(v) +
                                                   " is not an allowed value");
    }
  }
  return Status::Ok();
}

Status InspectChange(const Change& change, const Signer& signer, std::string_view envelope_region,
                     InspectionSummary& summary) {
  if (change.op() == SQLITE_UPDATE) {
    return Status::Invalid(kErrInspectUpdate,
                           change.Where() + ": is an UPDATE; synced rows are never updated");
  }
  if (change.op() == SQLITE_DELETE) {
    return Status::Invalid(kErrInspectDelete,
                           change.Where() + ": is a DELETE; synced rows are never deleted");
  }
  if (change.op() != SQLITE_INSERT) return change.Corrupt(SQLITE_CORRUPT);
  const TableSpec* spec = FindTable(change.table());
  if (spec == nullptr) {
    return Status::Invalid(
        kErrInspectUnknownTable,
        change.Where() + ": '" + Shown(change.table(), 64) + "' is not a synced table");
  }
  GK_RETURN_IF_ERROR(CheckShape(change, *spec));
  const WriteRule* rule = FindWriteRule(*spec, signer.role);
  if (rule == nullptr) {
    return Status::Denied(kErrInspectRole,
                          change.Where() + ": " + std::string(RoleWithArticle(signer.role)) +
                              " may not write " + std::string(spec->name) + " rows");
  }
  std::vector<sqlite3_value*> values(spec->columns.size());
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] = change.New(static_cast<int>(i));
    GK_RETURN_IF_ERROR(CheckValue(change, spec->columns[i], values[i]));
  }
  const std::string_view origin = TextOf(values[spec->origin_index()]);
  if (origin != signer.node_id) {
    return Status::Denied(kErrInspectOrigin, change.Where(spec->columns[spec->origin_index()]) +
                                                 ": '" + Shown(origin) + "' is not the signer '" +
                                                 Shown(signer.node_id) + "'");
  }
  const ColumnSpec& region_column = spec->columns[spec->region_index()];
  const std::string_view region = TextOf(values[spec->region_index()]);
  if (region != envelope_region) {
    return Status::Invalid(kErrInspectRegionMismatch,
                           change.Where(region_column) + ": '" + Shown(region) +
                               "' is not the envelope's region '" + Shown(envelope_region) + "'");
  }
  if (Status s = CheckRowRegion(*rule, signer.region, region); !s.ok()) {
    return Status::Denied(kErrInspectScope, change.Where(region_column) + ": " + s.message());
  }
  if (!rule->required_column.empty()) {
    const int at = spec->ColumnIndex(rule->required_column);
    const std::string_view value = at < 0 ? std::string_view() : TextOf(values[at]);
    if (Status s = CheckRequiredValue(*rule, value); !s.ok()) {
      return Status::Denied(kErrInspectStage, change.Where(spec->columns[at]) + ": " + s.message());
    }
  }
  ++summary.rows_per_table[std::string(spec->name)];
  return Status::Ok();
}

}  // namespace

Status InspectChangeset(ByteView changeset, const Signer& signer, std::string_view envelope_region,
                        InspectionSummary* out) {
  if (changeset.size() > kMaxChangesetSize) {
    return Status::TooLarge(kErrInspectTooLarge,
                            "changeset has " + std::to_string(changeset.size()) + " bytes, limit " +
                                std::to_string(kMaxChangesetSize));
  }
  if (Status s = ValidateRegionForRole(signer.region, signer.role); !s.ok()) {
    return Status::Internal(kErrInspectSigner, "signer: " + s.message());
  }
  if (changeset.empty()) return Status::Invalid(kErrInspectEmpty, "changeset holds no change");
  static_assert(kMaxChangesetSize <= static_cast<size_t>(std::numeric_limits<int>::max()));

  // SQLite's iterator must only ever see well-framed bytes (see changeset_format.h).
  Result<size_t> framed = ScanChangeset(changeset, kMaxChangesPerChangeset);
  if (!framed.ok()) {
    const Status& s = framed.status();
    if (s.code() == kErrChangesetTooMany) return Status::TooLarge(kErrInspectTooMany, s.message());
    return Status::Invalid(kErrInspectCorrupt, s.message());
  }
  if (*framed == 0) return Status::Invalid(kErrInspectEmpty, "changeset holds no change");

  sqlite3_changeset_iter* raw = nullptr;
  // The iterator only reads the buffer; the C API is not const-correct.
  int rc = sqlite3changeset_start(&raw, static_cast<int>(changeset.size()),
                                  const_cast<uint8_t*>(changeset.data()));
  ChangesetIter iter(raw);
  if (rc != SQLITE_OK) {
    return Status::Invalid(kErrInspectCorrupt,
                           std::string("malformed changeset (") + sqlite3_errstr(rc) + ")");
  }
  InspectionSummary summary;
  while ((rc = sqlite3changeset_next(iter.get())) == SQLITE_ROW) {
    ++summary.changes;
    Change change(iter.get(), summary.changes);
    GK_RETURN_IF_ERROR(change.Read());
    GK_RETURN_IF_ERROR(InspectChange(change, signer, envelope_region, summary));
  }
  if (rc != SQLITE_DONE) return Change(iter.get(), summary.changes + 1).Corrupt(rc);
  if (summary.changes != *framed) {
    return Status::Invalid(kErrInspectCorrupt, "SQLite read " + std::to_string(summary.changes) +
                                                   " changes where the framing holds " +
                                                   std::to_string(*framed));
  }
  if (out != nullptr) *out = std::move(summary);
  return Status::Ok();
}

}  // namespace gongkai
