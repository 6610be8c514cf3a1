// The one limit on the size of a disclosure, owned here so that every stage agrees on it:
// an imported list (node/intake), a submitted version (node/workflow), a printed sheet
// (printing/) and a sheet checked against its QR code (node/sheets) all accept exactly
// kMaxDisclosureItems rows and refuse one more. A list that imports can therefore always be
// submitted, synced, printed and verified.
//
// It is a plain header with no code, so printing/ (which links no protocol code beyond the
// error vocabulary) includes it too.
#ifndef GONGKAI_PROTOCOL_DISCLOSURE_LIMITS_H_
#define GONGKAI_PROTOCOL_DISCLOSURE_LIMITS_H_

#include <cstdint>

namespace gongkai {

// Rows (items) of one disclosure version: the largest 一卡通 list of a township, with room.
// One version is one changeset of (items + 2) rows, well inside
// protocol/inspect.h kMaxChangesPerChangeset.
inline constexpr int64_t kMaxDisclosureItems = 20000;

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_DISCLOSURE_LIMITS_H_
