// Changeset inspection: does a changeset hold only what its signer may write?
//
// A receiver runs this on the decompressed changeset of an envelope after the envelope's
// signature and chain have been checked, and applies nothing unless it returns OK. It walks
// the changeset (bytes from sqlite3session_changeset) with SQLite's changeset iterator and
// judges every change against the replication schema (schema.h) and the signer.
//
// Each change must be, checked in this order (cheapest first):
//   inspect.update / inspect.delete   an INSERT (synced rows are never updated or deleted)
//   inspect.unknown_table             into a synced table
//   inspect.column_count              with exactly the schema's number of columns
//   inspect.primary_key               with the schema's primary-key columns flagged
//   inspect.role                      into a table that the signer's role may write
//   inspect.column_type               every value present, non-NULL, of the column's type
//   inspect.text_encoding             every text value well-formed UTF-8 without NUL
//   inspect.value                     an enumerated column holding one of its values
//   inspect.origin                    origin == the signer's node id
//   inspect.region_mismatch           region == the envelope's region
//   inspect.scope                     region within the signer's write scope for the table
//   inspect.stage                     the rule's required value (review.stage by role)
// and of the changeset as a whole, before any change is judged:
//   inspect.too_large                 more than kMaxChangesetSize bytes (checked first)
//   inspect.empty                     no change at all
//   inspect.corrupt                   not well framed (ScanChangeset, changeset_format.h),
//                                     or SQLite's iterator fails or disagrees with the framing
//   inspect.too_many                  more than kMaxChangesPerChangeset changes
// The framing is checked by our own scanner before SQLite's iterator sees the bytes, because
// SQLite 3.40.1 hangs or over-reads on some malformed changesets. For the same reason a
// receiver must never pass a changeset to sqlite3changeset_apply that has not passed
// InspectChangeset.
// Every refusal is kInvalid, except role, scope, stage, origin (kDenied) and too_large,
// too_many (kTooLarge). Messages name the change number, table, row (its primary-key values)
// and column, e.g. "change 3: disclosure_item row ('v1',3) column origin: '4f…' is not the
// signer '9a…'". Values from outside are shortened and escaped in messages.
//
// INSERT records are identical in changesets and patchsets, so a patchset of INSERTs passes
// too; nothing in it could be applied differently.
// Thread-safety: reentrant; uses no database connection.
#ifndef GONGKAI_PROTOCOL_INSPECT_H_
#define GONGKAI_PROTOCOL_INSPECT_H_

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "protocol/bytes.h"
#include "protocol/compress.h"
#include "protocol/region.h"
#include "protocol/status.h"

namespace gongkai {

// Limits.
inline constexpr size_t kMaxChangesPerChangeset = 50000;
inline constexpr size_t kMaxChangesetSize = kMaxDecompressedSize;

// Error codes.
inline constexpr char kErrInspectTooLarge[] = "inspect.too_large";
inline constexpr char kErrInspectEmpty[] = "inspect.empty";
inline constexpr char kErrInspectTooMany[] = "inspect.too_many";
inline constexpr char kErrInspectCorrupt[] = "inspect.corrupt";
inline constexpr char kErrInspectUpdate[] = "inspect.update";
inline constexpr char kErrInspectDelete[] = "inspect.delete";
inline constexpr char kErrInspectUnknownTable[] = "inspect.unknown_table";
inline constexpr char kErrInspectColumnCount[] = "inspect.column_count";
inline constexpr char kErrInspectPrimaryKey[] = "inspect.primary_key";
inline constexpr char kErrInspectRole[] = "inspect.role";
inline constexpr char kErrInspectColumnType[] = "inspect.column_type";
inline constexpr char kErrInspectTextEncoding[] = "inspect.text_encoding";
inline constexpr char kErrInspectValue[] = "inspect.value";
inline constexpr char kErrInspectOrigin[] = "inspect.origin";
inline constexpr char kErrInspectRegionMismatch[] = "inspect.region_mismatch";
inline constexpr char kErrInspectScope[] = "inspect.scope";
inline constexpr char kErrInspectStage[] = "inspect.stage";
// REQUIRES violated by the caller: the signer's region does not fit its role (kInternal).
inline constexpr char kErrInspectSigner[] = "inspect.signer";

// Who signed the envelope, from its verified certificate.
struct Signer {
  std::string node_id;  // NodeIdHex of the certificate's subject key (32 lowercase hex)
  Role role = Role::kVillage;
  std::string region;  // the certificate's region
};

struct InspectionSummary {
  size_t changes = 0;                                         // rows in the changeset
  std::map<std::string, size_t, std::less<>> rows_per_table;  // only tables with rows
};

// OK when every change of `changeset` passes the checks above for `signer` and the
// envelope's one region. REQUIRES: ValidateRegionForRole(signer.region, signer.role) is OK
// (else inspect.signer). On OK, fills *out when out is not null; on error *out is unchanged.
Status InspectChangeset(ByteView changeset, const Signer& signer, std::string_view envelope_region,
                        InspectionSummary* out);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_INSPECT_H_
