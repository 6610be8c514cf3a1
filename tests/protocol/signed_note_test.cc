#include "protocol/signed_note.h"

#include <doctest/doctest.h>

#include <string>

namespace gongkai {
namespace {

// Vectors of golang.org/x/mod/sumdb/note (note_test.go): an independent implementation of
// the same format.
constexpr std::string_view kPeterVkey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view kEnochVkey =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
// The Go signer key "PRIVATE+KEY+PeterNeumann+c74f20a3+<this>" is base64(0x01 || seed).
constexpr std::string_view kPeterTypedSeed = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view kText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr std::string_view kPeterSig =
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6"
    "KE6RyyBwJnAM=\n";
constexpr std::string_view kEnochSig =
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33W"
    "Wd1RvMc+QQ=\n";

SecretKey PeterKey() {
  const Bytes typed = *Base64Decode(kPeterTypedSeed);
  REQUIRE(typed.size() == 33);
  REQUIRE(typed[0] == kNoteSignatureTypeEd25519);
  return *SecretKey::FromSeed(ByteView(typed).subspan(1));
}

std::string Cat(std::string_view a, std::string_view b = "", std::string_view c = "",
                std::string_view d = "") {
  return std::string(a) + std::string(b) + std::string(c) + std::string(d);
}

TEST_CASE("signing reproduces the golang.org/x/mod/sumdb/note vector") {
  const SecretKey peter = PeterKey();
  const NoteVerifierKey vkey = *ParseNoteVerifierKey(kPeterVkey);
  CHECK(vkey.name == "PeterNeumann");
  CHECK(vkey.key_id == 0xc74f20a3u);
  CHECK(vkey.key == peter.public_key());
  CHECK(NoteKeyId("PeterNeumann", peter.public_key()) == 0xc74f20a3u);
  CHECK(FormatNoteVerifierKey(vkey) == kPeterVkey);
  CHECK(*MakeNoteVerifierKey("PeterNeumann", peter.public_key()) == vkey);
  CHECK(*SignNote(kText, "PeterNeumann", peter) == Cat(kText, "\n", kPeterSig));
}

TEST_CASE("opening the Go vector notes: known keys verify, unknown keys are ignored") {
  const NoteVerifierKey peter = *ParseNoteVerifierKey(kPeterVkey);
  const NoteVerifierKey enoch = *ParseNoteVerifierKey(kEnochVkey);
  const std::string both = Cat(kText, "\n", kPeterSig, kEnochSig);
  CHECK(*OpenNote(both, 4096, peter) == kText);
  CHECK(*OpenNote(both, 4096, enoch) == kText);
  const ParsedNote parsed = *ParseNote(both, 4096);
  REQUIRE(parsed.signatures.size() == 2);
  CHECK(parsed.signatures[0].name == "PeterNeumann");
  CHECK(parsed.signatures[0].key_id == 0xc74f20a3u);
  CHECK(parsed.signatures[1].name == "EnochRoot");
  CHECK(parsed.signatures[1].signature.size() == kSignatureSize);
  CHECK(OpenNote(Cat(kText, "\n", kEnochSig), 4096, peter).status().code() == kErrNoteUnverified);

  // The same name with another key ID, or the same key ID with another name, is another key.
  NoteVerifierKey renamed = peter;
  renamed.name = "CarmenSandiego";
  CHECK(OpenNote(both, 4096, renamed).status().code() == kErrNoteUnverified);
  NoteVerifierKey other_id = peter;
  other_id.key_id ^= 1;
  CHECK(OpenNote(both, 4096, other_id).status().code() == kErrNoteUnverified);
}

TEST_CASE("a failing signature of the expected key rejects the note") {
  const NoteVerifierKey peter = *ParseNoteVerifierKey(kPeterVkey);
  std::string bad_sig(kPeterSig);
  bad_sig.insert(60, "ABCD");  // still base64, four bytes longer
  Result<std::string_view> r = OpenNote(Cat(kText, "\n", bad_sig), 4096, peter);
  CHECK(r.status().code() == kErrNoteBadSignature);
  CHECK(r.status().kind() == StatusKind::kDenied);

  // A good and a bad line from the same key: still rejected.
  CHECK(OpenNote(Cat(kText, "\n", kPeterSig, bad_sig), 4096, peter).status().code() ==
        kErrNoteBadSignature);

  // Right length, one bit off.
  Bytes payload = *Base64Decode(kPeterSig.substr(kNoteSignaturePrefix.size() + 13, 92));
  payload[10] ^= 0x01;
  const std::string flipped = Cat("— PeterNeumann ", Base64Encode(payload), "\n");
  CHECK(OpenNote(Cat(kText, "\n", flipped), 4096, peter).status().code() == kErrNoteBadSignature);

  // The signed text changed.
  // The expected key's name and ID, but a payload too short to be an Ed25519 signature.
  CHECK(OpenNote(Cat(kText, "\n", "— PeterNeumann x08go/ZJ\n"), 4096, peter).status().code() ==
        kErrNoteBadSignature);
  std::string changed(kText);
  changed[0] = 'i';
  CHECK(OpenNote(Cat(changed, "\n", kPeterSig), 4096, peter).status().code() ==
        kErrNoteBadSignature);
}

TEST_CASE("note syntax refusals") {
  const NoteVerifierKey peter = *ParseNoteVerifierKey(kPeterVkey);
  const auto code = [&](const std::string& note) {
    return OpenNote(note, 4096, peter).status().code();
  };
  const std::string good = Cat(kText, "\n", kPeterSig);
  CHECK(code(good).empty());

  CHECK(code(std::string(kText)) == kErrNoteNoBlankLine);
  CHECK(code(Cat(kText, "\n")) == kErrNoteNoSignatures);
  CHECK(code(Cat(kText, "\n", kPeterSig.substr(0, kPeterSig.size() - 1))) == kErrNoteSignatureLine);
  CHECK(code(Cat("\x01", kText, "\n", kPeterSig)) == kErrNoteControlChar);
  CHECK(code(Cat(kText, "\n", kPeterSig).replace(5, 1, "\r")) == kErrNoteControlChar);
  CHECK(code(Cat(kText, "\n", kPeterSig).replace(5, 1, "\t")) == kErrNoteControlChar);
  CHECK(code(Cat(kText, "\n", kPeterSig).replace(5, 1, std::string(1, '\0'))) ==
        kErrNoteControlChar);
  CHECK(code(Cat("\xff", kText, "\n", kPeterSig)) == kErrNoteUtf8);
  CHECK(code(Cat("\xc0\x80", kText, "\n", kPeterSig)) == kErrNoteUtf8);          // overlong NUL
  CHECK(code(Cat("\xed\xa0\x80", kText, "\n", kPeterSig)) == kErrNoteUtf8);      // surrogate
  CHECK(code(Cat("\xf4\x90\x80\x80", kText, "\n", kPeterSig)) == kErrNoteUtf8);  // > U+10FFFF
  CHECK(code(Cat("\xe4\xb8", kText, "\n", kPeterSig)) == kErrNoteUtf8);          // cut short
  CHECK(code(Cat(kText, "\n", "- PeterNeumann x08g\n")) == kErrNoteSignatureLine);
  CHECK(code(Cat(kText, "\n",
                 "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FF"
                 "YC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")) == kErrNoteSignatureLine);
  CHECK(code(Cat(kText, "\n", "— PeterNeumann\n")) == kErrNoteSignatureLine);
  CHECK(code(Cat(kText, "\n", "— PeterNeumann x08go/Z\n")) == kErrNoteSignatureLine);  // bad b64
  CHECK(code(Cat(kText, "\n", "— PeterNeumann x08go/ZJ \n")) == kErrNoteSignatureLine);
  CHECK(code(Cat(kText, "\n", "— PeterNeumann  x08go/ZJ\n")) == kErrNoteSignatureLine);
  CHECK(code(Cat(kText, "\n", "— PeterNeumann x08gow==\n")) == kErrNoteSignatureLine);  // 4 bytes
  CHECK(code(Cat(kText, "\n", "— a+b x08go/ZJ\n")) == kErrNoteSignatureLine);
  CHECK(code(Cat(kText, "\n", kPeterSig, "Unexpected line.\n")) == kErrNoteSignatureLine);
  // An unknown signer's line must still be well formed.
  CHECK(code(Cat(kText, "\n", kPeterSig, "— Other !!!!\n")) == kErrNoteSignatureLine);
}

TEST_CASE("note size limit: at the limit accepted, one past refused") {
  const NoteVerifierKey peter = *ParseNoteVerifierKey(kPeterVkey);
  const std::string note = Cat(kText, "\n", kPeterSig);
  CHECK(OpenNote(note, note.size(), peter).ok());
  const Status s = OpenNote(note, note.size() - 1, peter).status();
  CHECK(s.code() == kErrNoteTooLarge);
  CHECK(s.kind() == StatusKind::kTooLarge);
}

TEST_CASE("signature count limit: 16 lines accepted, 17 refused") {
  const NoteVerifierKey peter = *ParseNoteVerifierKey(kPeterVkey);
  std::string note = Cat(kText, "\n", kPeterSig);
  for (size_t i = 1; i < kMaxNoteSignatures; ++i) note += kEnochSig;
  CHECK(ParseNote(note, 1 << 20)->signatures.size() == kMaxNoteSignatures);
  CHECK(OpenNote(note, 1 << 20, peter).ok());
  note += kEnochSig;
  CHECK(OpenNote(note, 1 << 20, peter).status().code() == kErrNoteTooManySignatures);
}

TEST_CASE("the text is separated from the signatures by the last blank line") {
  const SecretKey key = PeterKey();
  const std::string text = "first paragraph\n\nsecond paragraph\n";
  const std::string note = *SignNote(text, "PeterNeumann", key);
  const NoteVerifierKey vkey = *ParseNoteVerifierKey(kPeterVkey);
  CHECK(*OpenNote(note, 4096, vkey) == text);
}

TEST_CASE("SignNote refuses text and names it could not open") {
  const SecretKey key = PeterKey();
  CHECK(SignNote("", "k", key).status().code() == kErrNoteText);
  CHECK(SignNote("no newline", "k", key).status().code() == kErrNoteText);
  CHECK(SignNote("cr\r\n", "k", key).status().code() == kErrNoteControlChar);
  CHECK(SignNote("bad \xff\n", "k", key).status().code() == kErrNoteUtf8);
  CHECK(SignNote("ok\n", "a b", key).status().code() == kErrNoteKeyName);
  CHECK(SignNote("ok\n", "", key).status().code() == kErrNoteKeyName);
}

TEST_CASE("key names") {
  CHECK(CheckNoteKeyName("gongkai.example/hub/511303").ok());
  CHECK(CheckNoteKeyName("县政务公开办/log").ok());
  CHECK(CheckNoteKeyName(std::string(kMaxNoteKeyNameSize, 'k')).ok());
  CHECK(CheckNoteKeyName(std::string(kMaxNoteKeyNameSize + 1, 'k')).code() == kErrNoteKeyName);
  for (std::string_view bad : {"", "a b", "a+b", "a\tb", "a\nb",
                               "a\xc2\xa0"
                               "b",
                               "a\xe3\x80\x80"
                               "b",
                               "a\xe2\x80\xa8"
                               "b",
                               "a\xff"
                               "b"}) {
    CAPTURE(bad);
    CHECK(CheckNoteKeyName(bad).code() == kErrNoteKeyName);
  }
}

TEST_CASE("verifier key text: every mangling of the Go vector is refused") {
  CHECK(ParseNoteVerifierKey(kPeterVkey).ok());
  for (size_t i = 0; i <= kPeterVkey.size(); ++i) {
    for (size_t j = i + 1; j <= kPeterVkey.size(); ++j) {
      if (i == 0 && j == kPeterVkey.size()) continue;
      CAPTURE(kPeterVkey.substr(i, j - i));
      CHECK_FALSE(ParseNoteVerifierKey(kPeterVkey.substr(i, j - i)).ok());
    }
  }
  std::string b(kPeterVkey);
  for (size_t i = 0; i < b.size(); ++i) {
    ++b[i];
    CAPTURE(b);
    CHECK_FALSE(ParseNoteVerifierKey(b).ok());
    --b[i];
  }
}

TEST_CASE("verifier key refusal codes") {
  const auto code = [](std::string_view t) { return ParseNoteVerifierKey(t).status().code(); };
  CHECK(code("PeterNeumann") == kErrNoteVerifierKey);
  CHECK(code("PeterNeumann+c74f20a3") == kErrNoteVerifierKey);
  CHECK(code("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") ==
        kErrNoteKeyName);
  CHECK(code("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") == kErrNoteKeyName);
  CHECK(code("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") ==
        kErrNoteVerifierKey);
  CHECK(code("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") ==
        kErrNoteVerifierKey);
  CHECK(code("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T") ==
        kErrNoteVerifierKey);
  // Go's own refusals: a 35-byte key, and an unknown algorithm byte.
  CHECK(code("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==") ==
        kErrNoteVerifierKey);
  CHECK(code("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") ==
        kErrNoteVerifierKeyType);
  CHECK(code("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") ==
        kErrNoteVerifierKeyId);
  CHECK(code("PeterNeumanN+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") ==
        kErrNoteVerifierKeyId);
}

}  // namespace
}  // namespace gongkai
