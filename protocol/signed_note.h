// Signed notes (c2sp.org/signed-note) with Ed25519: text signed by one or more keys, the
// envelope of a checkpoint (checkpoint.h). Layout of a note:
//
//   <text: one or more lines, each ending in "\n">
//   "\n"                                        (a blank line: the last one in the note)
//   "— " <key name> " " base64(key ID || sig) "\n"    (one or more signature lines)
//
// "— " is U+2014 EM DASH (UTF-8 e2 80 94) and a space. The key ID is 4 bytes, big-endian:
//   key ID = SHA-256(key name || 0x0a || 0x01 || 32-byte Ed25519 public key)[0..4)
// where 0x01 is the signed-note signature type of Ed25519; sig is the 64-byte Ed25519
// signature of the text (including its final newline, excluding the blank line).
// A note is valid UTF-8 and holds no control character other than "\n" (so no CR, no tab).
// A key name is non-empty, holds no Unicode space and no "+".
//
// Signature lines from keys other than the expected one (name and key ID both matching) are
// checked for syntax and otherwise ignored, as the spec requires; they let a witness cosign
// and a log rotate its key. A line from the expected key that does not verify rejects the
// whole note.
//
// The verifier key ("vkey") text form, for printing and configuration, is that of
// golang.org/x/mod/sumdb/note:
//   <key name> "+" <key ID as 8 lowercase hex digits> "+" base64(0x01 || public key)
//
// Thread-safety: pure functions.
#ifndef GONGKAI_PROTOCOL_SIGNED_NOTE_H_
#define GONGKAI_PROTOCOL_SIGNED_NOTE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/bytes.h"
#include "protocol/keys.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr uint8_t kNoteSignatureTypeEd25519 = 0x01;
inline constexpr size_t kNoteKeyIdSize = 4;
// U+2014 EM DASH and a space: the start of every signature line.
inline constexpr std::string_view kNoteSignaturePrefix = "\xe2\x80\x94 ";
// The spec requires accepting at least 16 signatures; more are refused.
inline constexpr size_t kMaxNoteSignatures = 16;
// Longest key name accepted, in bytes.
inline constexpr size_t kMaxNoteKeyNameSize = 256;

// Error codes.
inline constexpr char kErrNoteTooLarge[] = "note.too_large";            // over the caller's limit
inline constexpr char kErrNoteUtf8[] = "note.utf8";                     // not valid UTF-8
inline constexpr char kErrNoteControlChar[] = "note.control_char";      // CR, tab, NUL, ...
inline constexpr char kErrNoteText[] = "note.text";                     // text to sign malformed
inline constexpr char kErrNoteNoBlankLine[] = "note.no_blank_line";     // no text/sig separator
inline constexpr char kErrNoteSignatureLine[] = "note.signature_line";  // malformed sig line
inline constexpr char kErrNoteNoSignatures[] = "note.no_signatures";    // zero sig lines
inline constexpr char kErrNoteTooManySignatures[] = "note.too_many_signatures";
inline constexpr char kErrNoteBadSignature[] = "note.bad_signature";  // expected key, fails
inline constexpr char kErrNoteUnverified[] = "note.unverified";       // no line of the key
inline constexpr char kErrNoteKeyName[] = "note.key_name";            // empty, space, "+"
inline constexpr char kErrNoteVerifierKey[] = "note.vkey";            // vkey text malformed
inline constexpr char kErrNoteVerifierKeyType[] = "note.vkey_type";   // not Ed25519 (0x01)
inline constexpr char kErrNoteVerifierKeyId[] = "note.vkey_key_id";   // ID does not match

// A key that may sign notes: its name, key ID and Ed25519 public key.
struct NoteVerifierKey {
  std::string name;
  uint32_t key_id = 0;
  PublicKey key{};
  bool operator==(const NoteVerifierKey&) const = default;
};

// OK when `name` may name a key: 1..kMaxNoteKeyNameSize bytes of UTF-8 without control
// characters, Unicode spaces (Unicode White_Space) or "+".
Status CheckNoteKeyName(std::string_view name);

// SHA-256(name || 0x0a || 0x01 || key)[0..4) read big-endian.
uint32_t NoteKeyId(std::string_view name, const PublicKey& key);

// The verifier key for `name` and `key`, its key ID computed. Fails with note.key_name.
Result<NoteVerifierKey> MakeNoteVerifierKey(std::string_view name, const PublicKey& key);

// "<name>+<8 hex>+<base64(0x01 || key)>".
std::string FormatNoteVerifierKey(const NoteVerifierKey& vkey);

// Parses the vkey form strictly: a valid key name, exactly 8 lowercase hex digits, canonical
// padded base64 of 33 bytes starting with 0x01, and a key ID that matches name and key.
// Errors: note.vkey, note.key_name, note.vkey_type, note.vkey_key_id (all kInvalid).
Result<NoteVerifierKey> ParseNoteVerifierKey(std::string_view text);

// OK when `text` may be signed: non-empty, ends in "\n", valid UTF-8, no control character
// but "\n". Errors: note.text, note.utf8, note.control_char.
Status CheckNoteText(std::string_view text);

// Returns text + "\n" + the signature line of `key` under `key_name`.
// Errors: those of CheckNoteText and CheckNoteKeyName.
Result<std::string> SignNote(std::string_view text, std::string_view key_name,
                             const SecretKey& key);

// One signature line, as parsed; views borrow from the note.
struct NoteSignatureLine {
  std::string_view name;
  uint32_t key_id = 0;
  Bytes signature;  // the bytes after the key ID (64 for Ed25519; other types may differ)
};

// A note split into its text and signature lines, nothing verified yet. The views borrow
// from the note passed to ParseNote, which must outlive this.
struct ParsedNote {
  std::string_view text;
  std::vector<NoteSignatureLine> signatures;
};

// Splits a note, checking in this order: size <= max_size (note.too_large, kTooLarge),
// UTF-8 (note.utf8), control characters (note.control_char), the blank line
// (note.no_blank_line), the count of signature lines (note.no_signatures,
// note.too_many_signatures), then each line's syntax (note.signature_line): prefix, a valid
// key name, one space, canonical base64 of at least 5 bytes.
Result<ParsedNote> ParseNote(std::string_view note, size_t max_size);

// OK when at least one line carries the name and key ID of `verifier` and every such line
// is a valid Ed25519 signature of the text (4 + 64 bytes). Errors (kDenied):
// note.bad_signature when such a line fails, note.unverified when there is none.
Status VerifyNote(const ParsedNote& note, const NoteVerifierKey& verifier);

// ParseNote then VerifyNote; returns the text (a view into `note`).
Result<std::string_view> OpenNote(std::string_view note, size_t max_size,
                                  const NoteVerifierKey& verifier);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_SIGNED_NOTE_H_
