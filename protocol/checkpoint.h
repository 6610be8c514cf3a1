// Checkpoints (c2sp.org/tlog-checkpoint): the signed head of the hub's RFC 6962 log
// (merkle.h), carried as a signed note (signed_note.h) with Ed25519. Body layout:
//
//   <origin>\n              the log's identity, e.g. "gongkai.example/hub/511303"
//   <tree size>\n           ASCII decimal, no leading zeros ("0" for the empty tree)
//   <base64 root hash>\n    standard padded base64 of the 32-byte RFC 6962 root
//   [<extension line>\n]*   optional, opaque, non-empty
//
// then the blank line and the signature lines of the note. Example (size 4, root of the
// four leaves "", 00, 10, 2021):
//
//   gongkai.example/log
//   4
//   037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc=
//
//   — gongkai.example/log <base64 of key ID || Ed25519 signature>
//
// A whole checkpoint note is at most kMaxCheckpointSize bytes and carries at most
// kMaxNoteSignatures signature lines (room for the log's own signature and many witness
// cosignatures).
//
// Thread-safety: pure functions.
#ifndef GONGKAI_PROTOCOL_CHECKPOINT_H_
#define GONGKAI_PROTOCOL_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/keys.h"
#include "protocol/sha256.h"
#include "protocol/signed_note.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr size_t kMaxCheckpointSize = 4096;

// Error codes (note.* codes of signed_note.h also reach callers unchanged).
inline constexpr char kErrCheckpointTooLarge[] = "checkpoint.too_large";
inline constexpr char kErrCheckpointTooFewLines[] = "checkpoint.too_few_lines";
inline constexpr char kErrCheckpointOriginEmpty[] = "checkpoint.origin_empty";
inline constexpr char kErrCheckpointSize[] = "checkpoint.size";  // not canonical decimal u64
inline constexpr char kErrCheckpointRoot[] = "checkpoint.root";  // not base64 of 32 bytes
inline constexpr char kErrCheckpointEmptyExtension[] = "checkpoint.empty_extension";
inline constexpr char kErrCheckpointLineBreak[] = "checkpoint.line_break";  // when signing
inline constexpr char kErrCheckpointOriginMismatch[] = "checkpoint.origin_mismatch";

// The origin of a county hub's audit log: "gongkai/county/<county code>" (the first six
// digits of any region in that county name it too).
std::string CountyLogOrigin(std::string_view county_code);

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash256 root{};
  std::vector<std::string> extensions;
  bool operator==(const Checkpoint&) const = default;
};

// The note text of `checkpoint` (the body above, without signatures).
// Errors: checkpoint.origin_empty, checkpoint.empty_extension, checkpoint.line_break (a
// "\n" inside origin or an extension), and note.utf8 / note.control_char.
Result<std::string> CheckpointBody(const Checkpoint& checkpoint);

// The signed note of `checkpoint`, signed by `key` under `key_name` (by convention the
// origin). Refuses what OpenCheckpoint would refuse: the errors of CheckpointBody,
// note.key_name, and checkpoint.too_large when the note would exceed kMaxCheckpointSize.
Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, std::string_view key_name,
                                   const SecretKey& key);

// Parses and verifies a checkpoint note. Accepts only when the note carries a signature
// line with `key_name` and the key ID of (`key_name`, `key`) that verifies; lines of other
// signers are ignored. Checks, cheapest first:
//   size > kMaxCheckpointSize                       checkpoint.too_large (kTooLarge)
//   the note syntax                                 note.* (see ParseNote)
//   fewer than three lines                          checkpoint.too_few_lines
//   empty origin                                    checkpoint.origin_empty
//   size not decimal, leading zero, > 2^64 - 1      checkpoint.size
//   root not canonical base64 of 32 bytes           checkpoint.root
//   an empty extension line                         checkpoint.empty_extension
//   origin != expected_origin                       checkpoint.origin_mismatch (kDenied)
//   the signature                                   note.bad_signature / note.unverified
// A malformed key_name is refused with note.key_name.
Result<Checkpoint> OpenCheckpoint(std::string_view note, std::string_view expected_origin,
                                  std::string_view key_name, const PublicKey& key);
Result<Checkpoint> OpenCheckpoint(std::string_view note, std::string_view expected_origin,
                                  const NoteVerifierKey& verifier);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_CHECKPOINT_H_
