// Place names printed on a sheet (县, 乡镇, 村), taken from the certificate rows the county
// signs: the certificate of a node enrolled for a region names the place.
//
// The certificate of region R: among `certificate` rows whose subject_region is R and whose
// role is R's level (county, township or village), the latest (highest hlc, then node_id)
// that is not revoked; when every one is revoked, the latest revoked one (a retired machine
// still named the place rightly). When no row names R, the certificates the node was given
// at enrolment (known_certificate, opened under the root key: its own and the county
// hub's) are used, so a node enrolled offline knows its county's name and its own before any
// certificate row reaches it. A village enrolled offline still lacks its township's name
// until the county's rows arrive: it is asked for at printing (kErrSheetPlaceName).
// A certificate names its holder, "嘉陵区龙蟠镇石庙村 村委会"; the place name is its first
// word (up to an ASCII space or U+3000) without the names of the levels above it at its
// start: with the county named "嘉陵区" and the township "龙蟠镇", "嘉陵区龙蟠镇石庙村 村委会"
// and "龙蟠镇石庙村" both give "石庙村". A name is never stripped to nothing.
// Thread-safety: uses the caller's connection; one thread at a time.
#ifndef GONGKAI_NODE_SHEETS_SHEET_PLACES_H_
#define GONGKAI_NODE_SHEETS_SHEET_PLACES_H_

#include <sqlite3.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrSheetPlaceName[] = "disclosure_sheet.place_name";

struct SheetPlaces {
  std::string county;    // "嘉陵区"
  std::string township;  // "龙蟠镇"; "" for a county's own disclosure
  std::string village;   // "石庙村"; "" above village level
};

// The names of `region` and the levels above it (a village's three, a township's two, a
// county's one). A non-empty field of `given` is used as it is, and no certificate is read
// for that level.
// Errors: kErrSheetPlaceName (NotFound) when a level has neither a certificate nor a given
// name; region.* for an invalid region; sql.*.
Result<SheetPlaces> ReadSheetPlaces(sqlite3* db, std::string_view region,
                                    const SheetPlaces& given = {});

// The place name in a certificate name, as described above. `above` are the names of the
// higher levels, outermost first, each stripped from the start in turn when present.
std::string PlaceNameFromCertificate(std::string_view certificate_name,
                                     std::initializer_list<std::string_view> above);

}  // namespace gongkai

#endif  // GONGKAI_NODE_SHEETS_SHEET_PLACES_H_
