// The replication schema: which tables sync, their columns, and who may write what.
//
// Every synced table:
//   - is a STRICT table (column types enforced), every column NOT NULL ('' for absent text),
//     no generated columns (they break sqlite3session on SQLite 3.40);
//   - has an explicit PRIMARY KEY made of its leading column(s): random text ids or content
//     hashes, never an auto-increment integer;
//   - ends with three columns: origin TEXT (the writer's NodeId, 32 lowercase hex),
//     hlc INTEGER (the writer's hybrid logical clock), region TEXT (the region code the row
//     belongs to);
//   - is grow-only: BEFORE UPDATE and BEFORE DELETE triggers RAISE(ABORT).
// Enumerated text columns carry CHECK constraints. The SQL is generated from the TableSpecs
// below, so the specs and the tables cannot disagree; protocol/README.md shows it.
//
// Write rules (design §5), per table and role; the row's region must be:
//   village   disclosure_version, disclosure_item, withdrawal, posting: its own village code;
//             review with stage 'supervision' (村务监督委员会): its own village code.
//   township  review with stage 'township': its own code or one of its villages';
//             disclosure_version, disclosure_item, withdrawal, posting: its own code.
//   county    certificate, revocation, county_setting, disclosure_version, disclosure_item,
//             withdrawal, posting: its own county code.
//   auditor   nothing.
// Thread-safety: the specs are immutable static data; all functions are pure.
#ifndef GONGKAI_PROTOCOL_SCHEMA_H_
#define GONGKAI_PROTOCOL_SCHEMA_H_

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "protocol/region.h"
#include "protocol/status.h"

namespace gongkai {

// Bumped whenever a synced table, column, constraint or write rule changes; nodes with
// different versions must not exchange changesets. Version 2 added county_setting; a replica
// made at version 1 gains that table when it is opened (node/replica/replica.cc), every
// other table unchanged.
inline constexpr int kSchemaVersion = 2;

// Names of the three columns that end every synced table.
inline constexpr char kOriginColumn[] = "origin";
inline constexpr char kHlcColumn[] = "hlc";
inline constexpr char kRegionColumn[] = "region";
inline constexpr size_t kTrailingColumns = 3;

// Error codes of CheckWrite and CheckRequiredValue.
inline constexpr char kErrSchemaUnknownTable[] = "schema.unknown_table";
inline constexpr char kErrSchemaRole[] = "schema.role";    // the role may not write the table
inline constexpr char kErrSchemaScope[] = "schema.scope";  // the row's region is outside
inline constexpr char kErrSchemaValue[] =
    "schema.value";  // e.g. a village writing stage 'township'

// Storage classes, valued as SQLite's fundamental datatype codes (SQLITE_INTEGER = 1,
// SQLITE_TEXT = 3, SQLITE_BLOB = 4), so that sqlite3_value_type() compares directly.
enum class ColumnType : int { kInteger = 1, kText = 3, kBlob = 4 };
std::string_view ColumnTypeName(ColumnType type);  // "INTEGER", "TEXT", "BLOB"

struct ColumnSpec {
  std::string_view name;
  ColumnType type;
  bool primary_key = false;
  // For enumerated text: the only values allowed (a CHECK constraint); empty = any.
  std::span<const std::string_view> allowed = {};
  // An extra SQL CHECK expression, or empty.
  std::string_view check = {};
};

// Where a rule lets a signer write, relative to the signer's own region.
enum class RegionRule : unsigned char {
  kOwnRegion,          // row region == signer region
  kOwnOrChildVillage,  // row region == signer region, or a village within it
};

struct WriteRule {
  Role role;
  RegionRule region_rule;
  // When not empty: the row's `required_column` must equal `required_value`.
  std::string_view required_column = {};
  std::string_view required_value = {};
};

struct TableSpec {
  std::string_view name;
  std::span<const ColumnSpec> columns;  // in table order; the last three are origin, hlc, region
  size_t primary_key_columns;           // the first n columns form the primary key
  std::span<const WriteRule> writers;   // at most one rule per role
  std::span<const std::string_view> indexed_columns;  // one secondary index each
  int since_version = 1;                              // the kSchemaVersion that added the table

  // Position of a column, or -1.
  int ColumnIndex(std::string_view column) const;
  size_t origin_index() const { return columns.size() - 3; }
  size_t hlc_index() const { return columns.size() - 2; }
  size_t region_index() const { return columns.size() - 1; }
};

// All synced tables, in creation order: certificate, revocation, disclosure_version,
// disclosure_item, review, withdrawal, posting, county_setting.
//
// county_setting carries the settings the county office sets for every node (`gongkai-hub
// config set`, hub/audit/audit_settings.h), one row per change: setting (its key, e.g.
// finance.deadline_day), value (an integer); the row with the highest hlc for a key is in
// force. Nodes check the range of a value they use; a key they do not know is ignored.
std::span<const TableSpec> SyncedTables();
// The spec of a synced table, or nullptr (exact, case-sensitive name).
const TableSpec* FindTable(std::string_view name);

// CREATE TABLE ... STRICT for one table (no trailing semicolon).
std::string CreateTableSql(const TableSpec& table);
// Everything for a fresh replica: every table, its two grow-only triggers and its indexes,
// as one script for sqlite3_exec. Run it once, inside a transaction, with no session open.
std::string SyncedSchemaSql();
// The part of SyncedSchemaSql for one table: the table, its triggers and its indexes.
std::string TableSchemaSql(const TableSpec& table);

// The rule that lets `role` write `table`, or nullptr.
const WriteRule* FindWriteRule(const TableSpec& table, Role role);

// OK when `row_region` is a valid code allowed by `rule` for a signer of `signer_region`;
// else schema.scope naming both regions.
Status CheckRowRegion(const WriteRule& rule, std::string_view signer_region,
                      std::string_view row_region);

// OK when a signer with this role and region may write a row of `table` in `row_region`.
// Codes: schema.unknown_table (kNotFound), schema.role and schema.scope (kDenied); also
// schema.scope when the signer's region does not fit its role. Column values are not seen
// here: apply the rule's required_column with CheckRequiredValue.
Status CheckWrite(Role signer_role, std::string_view signer_region, std::string_view table,
                  std::string_view row_region);

// OK when `rule` has no required column, or `value` is its required value; else
// schema.value (kDenied), e.g. "a village may write review rows only with stage
// 'supervision', not 'township'".
Status CheckRequiredValue(const WriteRule& rule, std::string_view value);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_SCHEMA_H_
