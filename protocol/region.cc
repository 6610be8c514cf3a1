#include "protocol/region.h"

#include <algorithm>
#include <array>
#include <string>

namespace gongkai {

namespace {

// GB/T 2260 province-level codes.
constexpr std::array<std::string_view, 34> kProvinces = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
    "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
    "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"};

bool AllZero(std::string_view part) {
  return std::all_of(part.begin(), part.end(), [](char c) { return c == '0'; });
}

Status ZeroPart(std::string_view code, std::string_view part) {
  return Status::Invalid(kErrRegionZeroPart,
                         "region '" + std::string(code) + "': " + std::string(part) + " is zero");
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kVillage:
      return "village";
    case Role::kTownship:
      return "township";
    case Role::kCounty:
      return "county";
    case Role::kAuditor:
      return "auditor";
  }
  return "unknown";
}

std::string_view RoleWithArticle(Role role) {
  switch (role) {
    case Role::kVillage:
      return "a village";
    case Role::kTownship:
      return "a township";
    case Role::kCounty:
      return "a county";
    case Role::kAuditor:
      return "an auditor";
  }
  return "an unknown role";
}

Result<Role> ParseRole(std::string_view name) {
  for (Role role : {Role::kVillage, Role::kTownship, Role::kCounty, Role::kAuditor}) {
    if (name == RoleName(role)) return role;
  }
  return Status::Invalid(kErrRoleUnknown, "unknown role '" + std::string(name.substr(0, 32)) +
                                              "' (village, township, county or auditor)");
}

Status ValidateRegion(std::string_view code) {
  if (code.size() != kCountyCodeLength && code.size() != kTownshipCodeLength &&
      code.size() != kVillageCodeLength) {
    return Status::Invalid(kErrRegionLength, "region code has " + std::to_string(code.size()) +
                                                 " characters; expected 6, 9 or 12 digits");
  }
  for (size_t i = 0; i < code.size(); ++i) {
    if (code[i] < '0' || code[i] > '9') {
      return Status::Invalid(kErrRegionDigit,
                             "region code: character " + std::to_string(i + 1) + " is not a digit");
    }
  }
  const std::string_view province = code.substr(0, 2);
  if (std::find(kProvinces.begin(), kProvinces.end(), province) == kProvinces.end()) {
    return Status::Invalid(kErrRegionProvince, "region '" + std::string(code) +
                                                   "': " + std::string(province) +
                                                   " is not a GB/T 2260 province code");
  }
  if (AllZero(code.substr(2, 2))) return ZeroPart(code, "prefecture part (digits 3-4)");
  if (AllZero(code.substr(4, 2))) return ZeroPart(code, "county part (digits 5-6)");
  if (code.size() >= kTownshipCodeLength && AllZero(code.substr(6, 3))) {
    return ZeroPart(code, "township part (digits 7-9)");
  }
  if (code.size() == kVillageCodeLength && AllZero(code.substr(9, 3))) {
    return ZeroPart(code, "village part (digits 10-12)");
  }
  return Status::Ok();
}

Status ValidateRegionForRole(std::string_view code, Role role) {
  GK_RETURN_IF_ERROR(ValidateRegion(code));
  size_t want = kCountyCodeLength;
  if (role == Role::kVillage) want = kVillageCodeLength;
  if (role == Role::kTownship) want = kTownshipCodeLength;
  if (code.size() != want) {
    return Status::Invalid(kErrRegionRoleLevel, "region '" + std::string(code) + "' has " +
                                                    std::to_string(code.size()) + " digits; a " +
                                                    std::string(RoleName(role)) + " needs " +
                                                    std::to_string(want));
  }
  return Status::Ok();
}

RegionLevel RegionLevelOf(std::string_view code) {
  if (code.size() == kVillageCodeLength) return RegionLevel::kVillage;
  if (code.size() == kTownshipCodeLength) return RegionLevel::kTownship;
  return RegionLevel::kCounty;
}

std::string_view ParentRegion(std::string_view code) {
  if (code.size() == kVillageCodeLength) return code.substr(0, kTownshipCodeLength);
  if (code.size() == kTownshipCodeLength) return code.substr(0, kCountyCodeLength);
  return {};
}

std::string_view CountyOf(std::string_view code) { return code.substr(0, kCountyCodeLength); }

bool IsWithin(std::string_view child, std::string_view ancestor) {
  if (!ValidateRegion(child).ok() || !ValidateRegion(ancestor).ok()) return false;
  return child.size() >= ancestor.size() && child.substr(0, ancestor.size()) == ancestor;
}

bool InReadScope(Role reader_role, std::string_view reader_region, std::string_view row_region) {
  if (!ValidateRegionForRole(reader_region, reader_role).ok()) return false;
  return IsWithin(row_region, reader_region) || IsWithin(reader_region, row_region);
}

}  // namespace gongkai
