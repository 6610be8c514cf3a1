#include "protocol/schema.h"

#include <array>

namespace gongkai {

namespace {

using T = ColumnType;

constexpr std::string_view kRoleNames[] = {"village", "township", "county", "auditor"};
constexpr std::string_view kReasons[] = {"retired", "compromised"};
constexpr std::string_view kCategories[] = {"affairs", "finance", "subsidy"};
constexpr std::string_view kStages[] = {"supervision", "township"};
constexpr std::string_view kDecisions[] = {"approve", "return"};

constexpr ColumnSpec kOrigin{kOriginColumn, T::kText, false, {}, "length(origin) = 32"};
constexpr ColumnSpec kHlc{kHlcColumn, T::kInteger};
constexpr ColumnSpec kRegion{kRegionColumn, T::kText, false, {}, "length(region) IN (6, 9, 12)"};

constexpr ColumnSpec kCertificateColumns[] = {{"node_id", T::kText, true},
                                              {"public_key", T::kBlob},
                                              {"role", T::kText, false, kRoleNames},
                                              {"subject_region", T::kText},
                                              {"name", T::kText},
                                              {"body", T::kBlob},
                                              kOrigin,
                                              kHlc,
                                              kRegion};

constexpr ColumnSpec kRevocationColumns[] = {{"revocation_id", T::kText, true},
                                             {"node_id", T::kText},
                                             {"reason", T::kText, false, kReasons},
                                             {"body", T::kBlob},
                                             kOrigin,
                                             kHlc,
                                             kRegion};

constexpr ColumnSpec kDisclosureVersionColumns[] = {{"version_id", T::kText, true},
                                                    {"disclosure_id", T::kText},
                                                    {"parent_version", T::kText},
                                                    {"category", T::kText, false, kCategories},
                                                    {"title", T::kText},
                                                    {"period", T::kText},
                                                    {"body", T::kText},
                                                    {"publicity_from", T::kText},
                                                    {"publicity_to", T::kText},
                                                    {"item_count", T::kInteger},
                                                    {"content_hash", T::kText},
                                                    {"author", T::kText},
                                                    kOrigin,
                                                    kHlc,
                                                    kRegion};

constexpr ColumnSpec kDisclosureItemColumns[] = {{"version_id", T::kText, true},
                                                 {"line_no", T::kInteger, true},
                                                 {"data", T::kText},
                                                 kOrigin,
                                                 kHlc,
                                                 kRegion};

constexpr ColumnSpec kReviewColumns[] = {{"review_id", T::kText, true},
                                         {"version_id", T::kText},
                                         {"disclosure_id", T::kText},
                                         {"stage", T::kText, false, kStages},
                                         {"decision", T::kText, false, kDecisions},
                                         {"comment", T::kText},
                                         {"reviewer", T::kText},
                                         kOrigin,
                                         kHlc,
                                         kRegion};

constexpr ColumnSpec kWithdrawalColumns[] = {{"withdrawal_id", T::kText, true},
                                             {"disclosure_id", T::kText},
                                             {"version_id", T::kText},
                                             {"reason", T::kText},
                                             {"author", T::kText},
                                             kOrigin,
                                             kHlc,
                                             kRegion};

constexpr ColumnSpec kPostingColumns[] = {{"posting_id", T::kText, true},
                                          {"version_id", T::kText},
                                          {"disclosure_id", T::kText},
                                          {"posted_by", T::kText},
                                          {"copies", T::kInteger},
                                          kOrigin,
                                          kHlc,
                                          kRegion};

constexpr ColumnSpec kCountySettingColumns[] = {
    {"setting_id", T::kText, true},
    {"setting", T::kText, false, {}, "length(setting) BETWEEN 1 AND 64"},
    {"value", T::kInteger},
    kOrigin,
    kHlc,
    kRegion};

constexpr WriteRule kCountyOnly[] = {{Role::kCounty, RegionRule::kOwnRegion}};
constexpr WriteRule kDisclosureWriters[] = {{Role::kVillage, RegionRule::kOwnRegion},
                                            {Role::kTownship, RegionRule::kOwnRegion},
                                            {Role::kCounty, RegionRule::kOwnRegion}};
constexpr WriteRule kReviewWriters[] = {
    {Role::kVillage, RegionRule::kOwnRegion, "stage", "supervision"},
    {Role::kTownship, RegionRule::kOwnOrChildVillage, "stage", "township"}};

constexpr std::string_view kIndexRegion[] = {kRegionColumn};
constexpr std::string_view kIndexRevocation[] = {"node_id", kRegionColumn};
constexpr std::string_view kIndexVersion[] = {"disclosure_id", kRegionColumn};
constexpr std::string_view kIndexByVersion[] = {"version_id", "disclosure_id", kRegionColumn};
constexpr std::string_view kIndexSetting[] = {"setting", kRegionColumn};

constexpr TableSpec kTables[] = {
    {"certificate", kCertificateColumns, 1, kCountyOnly, kIndexRegion},
    {"revocation", kRevocationColumns, 1, kCountyOnly, kIndexRevocation},
    {"disclosure_version", kDisclosureVersionColumns, 1, kDisclosureWriters, kIndexVersion},
    {"disclosure_item", kDisclosureItemColumns, 2, kDisclosureWriters, kIndexRegion},
    {"review", kReviewColumns, 1, kReviewWriters, kIndexByVersion},
    {"withdrawal", kWithdrawalColumns, 1, kDisclosureWriters, kIndexByVersion},
    {"posting", kPostingColumns, 1, kDisclosureWriters, kIndexByVersion},
    {"county_setting", kCountySettingColumns, 1, kCountyOnly, kIndexSetting, 2},
};

// Names and enumerated values are our own constants (plain ASCII identifiers), so they are
// written into the SQL without escaping.
void AppendColumn(const ColumnSpec& column, std::string& sql) {
  sql += "  ";
  sql += column.name;
  sql += ' ';
  sql += ColumnTypeName(column.type);
  sql += " NOT NULL";
  if (!column.allowed.empty()) {
    sql += " CHECK (";
    sql += column.name;
    sql += " IN (";
    for (size_t i = 0; i < column.allowed.size(); ++i) {
      if (i > 0) sql += ", ";
      sql += '\'';
      sql += column.allowed[i];
      sql += '\'';
    }
    sql += "))";
  }
  if (!column.check.empty()) {
    sql += " CHECK (";
    sql += column.check;
    sql += ')';
  }
  sql += ",\n";
}

void AppendTrigger(const TableSpec& table, std::string_view event, std::string& sql) {
  const std::string name(table.name);
  const std::string lower = event == "UPDATE" ? "update" : "delete";
  sql += "CREATE TRIGGER " + name + "_no_" + lower + " BEFORE " + std::string(event) + " ON " +
         name + " BEGIN SELECT RAISE(ABORT, 'synced table " + name +
         " is grow-only: rows are never " + (lower == "update" ? "updated" : "deleted") +
         "'); END;\n";
}

}  // namespace

std::string_view ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger:
      return "INTEGER";
    case ColumnType::kText:
      return "TEXT";
    case ColumnType::kBlob:
      return "BLOB";
  }
  return "?";
}

int TableSpec::ColumnIndex(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return static_cast<int>(i);
  }
  return -1;
}

std::span<const TableSpec> SyncedTables() { return kTables; }

const TableSpec* FindTable(std::string_view name) {
  for (const TableSpec& table : kTables) {
    if (table.name == name) return &table;
  }
  return nullptr;
}

std::string CreateTableSql(const TableSpec& table) {
  std::string sql = "CREATE TABLE " + std::string(table.name) + " (\n";
  for (const ColumnSpec& column : table.columns) AppendColumn(column, sql);
  sql += "  PRIMARY KEY (";
  for (size_t i = 0; i < table.primary_key_columns; ++i) {
    if (i > 0) sql += ", ";
    sql += table.columns[i].name;
  }
  sql += ")\n) STRICT";
  return sql;
}

std::string TableSchemaSql(const TableSpec& table) {
  std::string sql = CreateTableSql(table) + ";\n";
  AppendTrigger(table, "UPDATE", sql);
  AppendTrigger(table, "DELETE", sql);
  for (std::string_view column : table.indexed_columns) {
    const std::string name = std::string(table.name) + "_by_" + std::string(column);
    sql += "CREATE INDEX " + name + " ON " + std::string(table.name) + " (" + std::string(column) +
           ");\n";
  }
  return sql;
}

std::string SyncedSchemaSql() {
  std::string sql;
  for (const TableSpec& table : kTables) sql += TableSchemaSql(table);
  return sql;
}

const WriteRule* FindWriteRule(const TableSpec& table, Role role) {
  for (const WriteRule& rule : table.writers) {
    if (rule.role == role) return &rule;
  }
  return nullptr;
}

Status CheckRowRegion(const WriteRule& rule, std::string_view signer_region,
                      std::string_view row_region) {
  bool allowed = false;
  if (ValidateRegion(row_region).ok()) {
    allowed = row_region == signer_region;
    if (!allowed && rule.region_rule == RegionRule::kOwnOrChildVillage) {
      allowed =
          RegionLevelOf(row_region) == RegionLevel::kVillage && IsWithin(row_region, signer_region);
    }
  }
  if (allowed) return Status::Ok();
  const char* scope = rule.region_rule == RegionRule::kOwnOrChildVillage
                          ? "its own region or one of its villages"
                          : "its own region";
  // Only a valid code is echoed: the row region comes from outside.
  const std::string row =
      ValidateRegion(row_region).ok()
          ? "region " + std::string(row_region)
          : "an invalid region code (" + ValidateRegion(row_region).code() + ")";
  return Status::Denied(kErrSchemaScope, std::string(RoleWithArticle(rule.role)) + " of " +
                                             std::string(signer_region) + " may write only " +
                                             scope + ", not " + row);
}

Status CheckWrite(Role signer_role, std::string_view signer_region, std::string_view table,
                  std::string_view row_region) {
  const TableSpec* spec = FindTable(table);
  if (spec == nullptr) {
    return Status::NotFound(kErrSchemaUnknownTable,
                            "'" + std::string(table.substr(0, 64)) + "' is not a synced table");
  }
  const WriteRule* rule = FindWriteRule(*spec, signer_role);
  if (rule == nullptr) {
    return Status::Denied(kErrSchemaRole, std::string(RoleWithArticle(signer_role)) +
                                              " may not write " + std::string(spec->name) +
                                              " rows");
  }
  if (Status s = ValidateRegionForRole(signer_region, signer_role); !s.ok()) {
    return Status::Denied(kErrSchemaScope, "signer region: " + s.message());
  }
  return CheckRowRegion(*rule, signer_region, row_region);
}

Status CheckRequiredValue(const WriteRule& rule, std::string_view value) {
  if (rule.required_column.empty() || value == rule.required_value) return Status::Ok();
  return Status::Denied(kErrSchemaValue, std::string(RoleWithArticle(rule.role)) +
                                             " may write only " +
                                             std::string(rule.required_column) + " '" +
                                             std::string(rule.required_value) + "', not '" +
                                             std::string(value.substr(0, 32)) + "'");
}

}  // namespace gongkai
