// Regions and roles.
//
// A region is a 统计用区划代码 (statistical division code) written as ASCII digits:
//   county   6 digits  PPCCXX        province PP, prefecture CC, county XX (GB/T 2260)
//   township 9 digits  county + TTT  (乡镇/街道)
//   village 12 digits  township + VVV (村/社区)
// Codes are compared as text. A code is "within" another when the other is a whole-level
// prefix of it (a village is within its township and its county, and within itself).
//
// What ValidateRegion accepts, deliberately simple (it is not a copy of the official list):
//   - only the digits 0-9, length 6, 9 or 12;
//   - the province PP is one of the GB/T 2260 province-level codes
//     11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82;
//   - the prefecture CC and county XX are not 00 (a code ending in 00 names a province or
//     a prefecture, not a county);
//   - the township TTT and village VVV parts are not 000.
//
// Roles: the four kinds of enrolled machine. Their text names are the values stored in
// certificate rows and shown to people.
// Thread-safety: pure functions.
#ifndef GONGKAI_PROTOCOL_REGION_H_
#define GONGKAI_PROTOCOL_REGION_H_

#include <cstddef>
#include <string_view>

#include "protocol/status.h"

namespace gongkai {

inline constexpr size_t kCountyCodeLength = 6;
inline constexpr size_t kTownshipCodeLength = 9;
inline constexpr size_t kVillageCodeLength = 12;

// Error codes.
inline constexpr char kErrRegionLength[] = "region.length";         // not 6, 9 or 12 long
inline constexpr char kErrRegionDigit[] = "region.digit";           // a character not 0-9
inline constexpr char kErrRegionProvince[] = "region.province";     // PP not a province
inline constexpr char kErrRegionZeroPart[] = "region.zero_part";    // CC, XX, TTT or VVV zero
inline constexpr char kErrRegionRoleLevel[] = "region.role_level";  // wrong level for a role
inline constexpr char kErrRoleUnknown[] = "role.unknown";

enum class Role : unsigned char { kVillage, kTownship, kCounty, kAuditor };

// "village", "township", "county", "auditor".
std::string_view RoleName(Role role);
// "a village", "a township", "a county", "an auditor", for messages.
std::string_view RoleWithArticle(Role role);
// The inverse of RoleName (exact, lowercase); role.unknown otherwise.
Result<Role> ParseRole(std::string_view name);

// The levels, valued by their code length.
enum class RegionLevel : unsigned char {
  kCounty = kCountyCodeLength,
  kTownship = kTownshipCodeLength,
  kVillage = kVillageCodeLength,
};

// OK when `code` is a region code as described above; else one of the region.* codes, with
// a message naming the code and the part at fault.
Status ValidateRegion(std::string_view code);

// ValidateRegion, and the level fits the role: a village is enrolled for a 12-digit code, a
// township for 9, a county and an auditor (who audits one county) for 6. region.role_level
// otherwise.
Status ValidateRegionForRole(std::string_view code, Role role);

// The level of a code. REQUIRES: ValidateRegion(code).ok().
RegionLevel RegionLevelOf(std::string_view code);

// The code one level up (a prefix of `code`), or "" for a county.
// REQUIRES: ValidateRegion(code).ok().
std::string_view ParentRegion(std::string_view code);

// The county (first 6 digits) of a code. REQUIRES: ValidateRegion(code).ok().
std::string_view CountyOf(std::string_view code);

// True when both codes are valid and `ancestor` is a whole-level prefix of `child`
// (including child == ancestor). False for any invalid code.
bool IsWithin(std::string_view child, std::string_view ancestor);

// Read scope: which rows a reader (a certificate's role and region) receives.
// A row is in scope when its region is within the reader's region (the reader's subtree)
// or the reader's region is within the row's (an ancestor's rows: county rows reach
// everyone, a township's rows reach its villages). A county or auditor reads its whole
// county. False when the reader's region does not fit its role, or any code is invalid.
bool InReadScope(Role reader_role, std::string_view reader_region, std::string_view row_region);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_REGION_H_
