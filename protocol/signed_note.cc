#include "protocol/signed_note.h"

#include <algorithm>

#include "protocol/sha256.h"

namespace gongkai {
namespace {

// Decodes the code point at s[*pos] and advances *pos; returns -1 for anything that is not
// shortest-form UTF-8 of a scalar value (overlong forms, surrogates, > U+10FFFF, truncation).
int32_t NextCodePoint(std::string_view s, size_t* pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t b0 = byte(*pos);
  if (b0 < 0x80) {
    *pos += 1;
    return b0;
  }
  size_t len;
  int32_t cp;
  int32_t min;
  if ((b0 & 0xe0) == 0xc0) {
    len = 2, cp = b0 & 0x1f, min = 0x80;
  } else if ((b0 & 0xf0) == 0xe0) {
    len = 3, cp = b0 & 0x0f, min = 0x800;
  } else if ((b0 & 0xf8) == 0xf0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (s.size() - *pos < len) return -1;
  for (size_t i = 1; i < len; ++i) {
    const uint8_t b = byte(*pos + i);
    if ((b & 0xc0) != 0x80) return -1;
    cp = cp << 6 | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  *pos += len;
  return cp;
}

Status CheckUtf8(std::string_view s, std::string_view what) {
  for (size_t pos = 0; pos < s.size();) {
    const size_t at = pos;
    if (NextCodePoint(s, &pos) < 0) {
      return Status::Invalid(kErrNoteUtf8,
                             std::string(what) + ": invalid UTF-8 at byte " + std::to_string(at));
    }
  }
  return Status::Ok();
}

Status CheckNoControl(std::string_view s, std::string_view what) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 && c != '\n') {
      return Status::Invalid(kErrNoteControlChar, std::string(what) + ": control character 0x" +
                                                      HexEncode(ByteView(&c, 1)) +
                                                      (c == '\r' ? " (CR)" : "") + " at byte " +
                                                      std::to_string(i));
    }
  }
  return Status::Ok();
}

// Unicode White_Space (what golang.org/x/mod/sumdb/note refuses in key names).
bool IsUnicodeSpace(int32_t cp) {
  return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
         cp == 0x205f || cp == 0x3000;
}

std::string KeyIdHex(uint32_t id) {
  const uint8_t be[4] = {static_cast<uint8_t>(id >> 24), static_cast<uint8_t>(id >> 16),
                         static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id)};
  return HexEncode(be);
}

uint32_t ReadBe32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}

Result<NoteSignatureLine> ParseSignatureLine(std::string_view line, size_t number) {
  const std::string where = "signature line " + std::to_string(number);
  if (!line.starts_with(kNoteSignaturePrefix)) {
    return Status::Invalid(kErrNoteSignatureLine, where + ": does not start with \"— \"");
  }
  line.remove_prefix(kNoteSignaturePrefix.size());
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) {
    return Status::Invalid(kErrNoteSignatureLine, where + ": no space after the key name");
  }
  NoteSignatureLine out;
  out.name = line.substr(0, space);
  if (Status s = CheckNoteKeyName(out.name); !s.ok()) {
    return Status::Invalid(kErrNoteSignatureLine, where + ": " + s.message());
  }
  Result<Bytes> decoded = Base64Decode(line.substr(space + 1));
  if (!decoded.ok()) {
    return Status::Invalid(kErrNoteSignatureLine, where + ": signature is not canonical base64");
  }
  if (decoded->size() <= kNoteKeyIdSize) {
    return Status::Invalid(kErrNoteSignatureLine, where + ": signature has " +
                                                      std::to_string(decoded->size()) +
                                                      " bytes, fewer than a key ID and a byte");
  }
  out.key_id = ReadBe32(decoded->data());
  out.signature.assign(decoded->begin() + kNoteKeyIdSize, decoded->end());
  return out;
}

}  // namespace

Status CheckNoteKeyName(std::string_view name) {
  if (name.empty()) return Status::Invalid(kErrNoteKeyName, "key name is empty");
  if (name.size() > kMaxNoteKeyNameSize) {
    return Status::Invalid(kErrNoteKeyName, "key name has " + std::to_string(name.size()) +
                                                " bytes, more than " +
                                                std::to_string(kMaxNoteKeyNameSize));
  }
  for (size_t pos = 0; pos < name.size();) {
    const int32_t cp = NextCodePoint(name, &pos);
    if (cp < 0) return Status::Invalid(kErrNoteKeyName, "key name is not valid UTF-8");
    if (cp < 0x20 || IsUnicodeSpace(cp) || cp == '+') {
      return Status::Invalid(kErrNoteKeyName,
                             "key name holds a space, a control character or \"+\"");
    }
  }
  return Status::Ok();
}

uint32_t NoteKeyId(std::string_view name, const PublicKey& key) {
  Sha256Stream s;
  s.Update(name);
  const uint8_t separator[2] = {'\n', kNoteSignatureTypeEd25519};
  s.Update(ByteView(separator, 2));
  s.Update(key);
  return ReadBe32(s.Finish().data());
}

Result<NoteVerifierKey> MakeNoteVerifierKey(std::string_view name, const PublicKey& key) {
  GK_RETURN_IF_ERROR(CheckNoteKeyName(name));
  return NoteVerifierKey{std::string(name), NoteKeyId(name, key), key};
}

std::string FormatNoteVerifierKey(const NoteVerifierKey& vkey) {
  Bytes typed = {kNoteSignatureTypeEd25519};
  typed.insert(typed.end(), vkey.key.begin(), vkey.key.end());
  return vkey.name + "+" + KeyIdHex(vkey.key_id) + "+" + Base64Encode(typed);
}

Result<NoteVerifierKey> ParseNoteVerifierKey(std::string_view text) {
  const size_t plus1 = text.find('+');
  if (plus1 == std::string_view::npos) {
    return Status::Invalid(kErrNoteVerifierKey, "verifier key has no \"+\" after the name");
  }
  const std::string_view name = text.substr(0, plus1);
  GK_RETURN_IF_ERROR(CheckNoteKeyName(name));
  const std::string_view rest = text.substr(plus1 + 1);
  const size_t plus2 = rest.find('+');
  if (plus2 == std::string_view::npos) {
    return Status::Invalid(kErrNoteVerifierKey, "verifier key has no \"+\" after the key ID");
  }
  const std::string_view id_hex = rest.substr(0, plus2);
  const bool lower_hex = std::all_of(id_hex.begin(), id_hex.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (id_hex.size() != 2 * kNoteKeyIdSize || !lower_hex) {
    return Status::Invalid(
        kErrNoteVerifierKey,
        "verifier key ID is not 8 lowercase hex digits: \"" + std::string(id_hex) + "\"");
  }
  Result<Bytes> typed = Base64Decode(rest.substr(plus2 + 1));
  if (!typed.ok() || typed->empty()) {
    return Status::Invalid(kErrNoteVerifierKey, "verifier key is not canonical base64");
  }
  if ((*typed)[0] != kNoteSignatureTypeEd25519) {
    return Status::Invalid(
        kErrNoteVerifierKeyType,
        "verifier key type 0x" + HexEncode(ByteView(typed->data(), 1)) + " is not Ed25519 (0x01)");
  }
  if (typed->size() != 1 + kPublicKeySize) {
    return Status::Invalid(
        kErrNoteVerifierKey,
        "Ed25519 verifier key has " + std::to_string(typed->size() - 1) + " key bytes, not 32");
  }
  NoteVerifierKey out;
  out.name = std::string(name);
  std::copy(typed->begin() + 1, typed->end(), out.key.begin());
  out.key_id = NoteKeyId(name, out.key);
  if (KeyIdHex(out.key_id) != id_hex) {
    return Status::Invalid(kErrNoteVerifierKeyId, "verifier key ID " + std::string(id_hex) +
                                                      " does not match name and key (" +
                                                      KeyIdHex(out.key_id) + ")");
  }
  return out;
}

Status CheckNoteText(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return Status::Invalid(kErrNoteText, "note text is empty or does not end in a newline");
  }
  GK_RETURN_IF_ERROR(CheckUtf8(text, "note text"));
  return CheckNoControl(text, "note text");
}

Result<std::string> SignNote(std::string_view text, std::string_view key_name,
                             const SecretKey& key) {
  GK_RETURN_IF_ERROR(CheckNoteText(text));
  GK_RETURN_IF_ERROR(CheckNoteKeyName(key_name));
  const uint32_t id = NoteKeyId(key_name, key.public_key());
  const Signature sig = key.Sign(AsBytes(text));
  ByteWriter payload;
  payload.U32(id);
  payload.Raw(sig);
  std::string out(text);
  out += "\n";
  out += kNoteSignaturePrefix;
  out += key_name;
  out += " ";
  out += Base64Encode(payload.bytes());
  out += "\n";
  return out;
}

Result<ParsedNote> ParseNote(std::string_view note, size_t max_size) {
  if (note.size() > max_size) {
    return Status::TooLarge(kErrNoteTooLarge, "note has " + std::to_string(note.size()) +
                                                  " bytes, more than " + std::to_string(max_size));
  }
  GK_RETURN_IF_ERROR(CheckUtf8(note, "note"));
  GK_RETURN_IF_ERROR(CheckNoControl(note, "note"));
  // The signatures start after the last blank line; signature lines are never blank.
  const size_t blank = note.rfind("\n\n");
  if (blank == std::string_view::npos) {
    return Status::Invalid(kErrNoteNoBlankLine, "note has no blank line before its signatures");
  }
  ParsedNote out;
  out.text = note.substr(0, blank + 1);
  std::string_view lines = note.substr(blank + 2);
  if (lines.empty()) return Status::Invalid(kErrNoteNoSignatures, "note has no signature lines");
  if (lines.back() != '\n') {
    return Status::Invalid(kErrNoteSignatureLine, "last signature line does not end in a newline");
  }
  const size_t count = static_cast<size_t>(std::count(lines.begin(), lines.end(), '\n'));
  if (count > kMaxNoteSignatures) {
    return Status::TooLarge(kErrNoteTooManySignatures, "note has " + std::to_string(count) +
                                                           " signature lines, more than " +
                                                           std::to_string(kMaxNoteSignatures));
  }
  out.signatures.reserve(count);
  for (size_t number = 1; !lines.empty(); ++number) {
    const size_t end = lines.find('\n');
    GK_ASSIGN_OR_RETURN(NoteSignatureLine line, ParseSignatureLine(lines.substr(0, end), number));
    out.signatures.push_back(std::move(line));
    lines.remove_prefix(end + 1);
  }
  return out;
}

Status VerifyNote(const ParsedNote& note, const NoteVerifierKey& verifier) {
  bool verified = false;
  for (const NoteSignatureLine& line : note.signatures) {
    if (line.name != verifier.name || line.key_id != verifier.key_id) continue;
    const std::string who = verifier.name + "+" + KeyIdHex(verifier.key_id);
    if (line.signature.size() != kSignatureSize) {
      return Status::Denied(kErrNoteBadSignature, "signature of " + who + " has " +
                                                      std::to_string(line.signature.size()) +
                                                      " bytes, not 64");
    }
    Signature sig;
    std::copy(line.signature.begin(), line.signature.end(), sig.begin());
    if (!VerifySignature(verifier.key, AsBytes(note.text), sig)) {
      return Status::Denied(kErrNoteBadSignature, "signature of " + who + " does not verify");
    }
    verified = true;
  }
  if (!verified) {
    return Status::Denied(kErrNoteUnverified, "note carries no signature of " + verifier.name +
                                                  "+" + KeyIdHex(verifier.key_id));
  }
  return Status::Ok();
}

Result<std::string_view> OpenNote(std::string_view note, size_t max_size,
                                  const NoteVerifierKey& verifier) {
  GK_ASSIGN_OR_RETURN(ParsedNote parsed, ParseNote(note, max_size));
  GK_RETURN_IF_ERROR(VerifyNote(parsed, verifier));
  return parsed.text;
}

}  // namespace gongkai
