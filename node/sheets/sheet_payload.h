// The QR payload printed on every page of a disclosure sheet: which version of which
// disclosure the paper shows, so that `gongkai verify-sheet` can check it against a replica.
//
// Layout (ASCII, fields separated by '/', no white space, nothing else):
//
//   GK1/<disclosure_id>/<version_id>/<hash16>[/<log_index>]
//
//   GK1          kSheetPayloadPrefix: "GK" and the format version 1
//   disclosure_id  32 lowercase hex digits (disclosure_version.disclosure_id)
//   version_id     32 lowercase hex digits (disclosure_version.version_id)
//   hash16       the first kSheetPayloadHashDigits (16) lowercase hex digits of the
//                version's content_hash (SHA-256 of its content, 64 hex digits): 64 bits,
//                enough that a sheet altered to point at another version's content cannot
//                be made to match by chance, short enough for a small code
//   log_index    optional: the hub's audit log index of the envelope that carried the
//                version, in decimal without leading zeros, 0..kMaxSheetLogIndex; given
//                when the printing node knows it
//
// "GK1/" + 32 + "/" + 32 + "/" + 16 is 86 bytes (QR version 6 at level M in byte mode),
// at most kMaxSheetPayloadBytes (106) with a log index.
// Example: GK1/0123456789abcdef0123456789abcdef/fedcba9876543210fedcba9876543210/
//          9f86d081884c7d65/1234   (one line, no break)
//
// Thread-safety: pure functions.
#ifndef GONGKAI_NODE_SHEETS_SHEET_PAYLOAD_H_
#define GONGKAI_NODE_SHEETS_SHEET_PAYLOAD_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/status.h"

namespace gongkai {

inline constexpr char kSheetPayloadPrefix[] = "GK1/";
inline constexpr size_t kSheetPayloadIdDigits = 32;
inline constexpr size_t kSheetPayloadHashDigits = 16;
inline constexpr size_t kContentHashDigits = 64;
inline constexpr uint64_t kMaxSheetLogIndex = INT64_MAX;  // an SQLite INTEGER
inline constexpr size_t kMaxSheetPayloadBytes = 4 + 32 + 1 + 32 + 1 + 16 + 1 + 19;

// Error codes, in the order ParseSheetPayload checks.
inline constexpr char kErrSheetPayloadTooLong[] = "sheet_payload.too_long";
inline constexpr char kErrSheetPayloadPrefix[] = "sheet_payload.prefix";    // not "GK"
inline constexpr char kErrSheetPayloadVersion[] = "sheet_payload.version";  // "GK2/..."
inline constexpr char kErrSheetPayloadFields[] = "sheet_payload.fields";    // not 4 or 5
inline constexpr char kErrSheetPayloadId[] = "sheet_payload.id";
inline constexpr char kErrSheetPayloadHash[] = "sheet_payload.hash";
inline constexpr char kErrSheetPayloadLogIndex[] = "sheet_payload.log_index";

struct SheetPayload {
  std::string disclosure_id;
  std::string version_id;
  std::string hash16;  // first 16 hex digits of the content hash
  std::optional<uint64_t> log_index;

  bool operator==(const SheetPayload&) const = default;
};

// The payload of a version. `content_hash` is the version's full 64-digit hash.
// Errors: kErrSheetPayloadId (an id that is not 32 lowercase hex digits),
// kErrSheetPayloadHash (content_hash not 64 lowercase hex digits), kErrSheetPayloadLogIndex
// (log_index above kMaxSheetLogIndex).
Result<SheetPayload> MakeSheetPayload(std::string_view disclosure_id, std::string_view version_id,
                                      std::string_view content_hash,
                                      std::optional<uint64_t> log_index = std::nullopt);

// The text of the layout above. REQUIRES: `payload` as MakeSheetPayload or
// ParseSheetPayload return it.
std::string FormatSheetPayload(const SheetPayload& payload);

// Strict inverse of FormatSheetPayload: exactly the layout, nothing around it (a scanner's
// trailing line end must be removed by the caller). Errors, cheapest first:
// kErrSheetPayloadTooLong, kErrSheetPayloadPrefix (does not begin "GK"),
// kErrSheetPayloadVersion (another format version), kErrSheetPayloadFields,
// kErrSheetPayloadId, kErrSheetPayloadHash, kErrSheetPayloadLogIndex. Messages are in
// Chinese and never echo the payload (it comes from a camera or a keyboard).
Result<SheetPayload> ParseSheetPayload(std::string_view text);

}  // namespace gongkai

#endif  // GONGKAI_NODE_SHEETS_SHEET_PAYLOAD_H_
