#include "protocol/checkpoint.h"

#include <doctest/doctest.h>

#include <string>

#include "protocol/merkle.h"

namespace gongkai {
namespace {

constexpr std::string_view kOrigin = "gongkai.example/log";

// RFC 8032 §7.1 TEST 1 key.
SecretKey LogKey() {
  return *SecretKey::FromSeed(
      *HexDecode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
}

// The root of the first four standard RFC 6962 test leaves ("", 00, 10, 2021).
Hash256 Root4() {
  return *HexDecodeFixed<kHashSize>(
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
}

Checkpoint Sample() { return Checkpoint{std::string(kOrigin), 4, Root4(), {}}; }

// Pinned outputs, checked independently (Python hashlib + pyca/cryptography Ed25519).
constexpr std::string_view kSampleNote =
    "gongkai.example/log\n"
    "4\n"
    "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc=\n"
    "\n"
    "— gongkai.example/log +/bipTD4bY/zV2nKozLZwXwEKxzx153+N1Y4od1cEBFKVkQ5fg92OxN1p5vJgSd9foC7xj"
    "8lD9jFS0V40io5RlUUwgQ=\n";
constexpr std::string_view kSampleWithExtensionNote =
    "gongkai.example/log\n"
    "4\n"
    "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc=\n"
    "period 2024-Q3\n"
    "\n"
    "— gongkai.example/log +/bipcjztsRl7veRGn8hTF9eAJaPuGcn5LNu+S9Vw8TCjyGn8eZ+c/HHRASqcmLehhrd63v"
    "VavLBjNespBzfwuGMgQ0=\n";
constexpr std::string_view kLogVkey =
    "gongkai.example/log+fbf6e2a5+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea";

Result<Checkpoint> Open(std::string_view note) {
  return OpenCheckpoint(note, kOrigin, kOrigin, LogKey().public_key());
}

// A note over an arbitrary body, signed by the log key: lets the body checks be reached.
std::string SignedBody(std::string_view body) { return *SignNote(body, kOrigin, LogKey()); }

TEST_CASE("fixed vector: a fixed key signs a fixed checkpoint") {
  const SecretKey key = LogKey();
  CHECK(*CheckpointBody(Sample()) ==
        "gongkai.example/log\n4\n037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc=\n");
  CHECK(*SignCheckpoint(Sample(), kOrigin, key) == kSampleNote);
  Checkpoint with_extension = Sample();
  with_extension.extensions = {"period 2024-Q3"};
  CHECK(*SignCheckpoint(with_extension, kOrigin, key) == kSampleWithExtensionNote);
  CHECK(FormatNoteVerifierKey(*MakeNoteVerifierKey(kOrigin, key.public_key())) == kLogVkey);

  CHECK(*Open(kSampleNote) == Sample());
  CHECK(*Open(kSampleWithExtensionNote) == with_extension);
  CHECK(*OpenCheckpoint(kSampleNote, kOrigin, *ParseNoteVerifierKey(kLogVkey)) == Sample());
}

TEST_CASE("round trip: sizes, roots, extensions, a Chinese origin") {
  const SecretKey key = SecretKey::Generate();
  MerkleTree tree;
  for (int i = 0; i < 5; ++i) tree.Append(LeafHash(AsBytes(std::to_string(i))));
  const Checkpoint cases[] = {
      {"gongkai.example/log", 0, EmptyTreeRoot(), {}},
      {"gongkai.example/log", 5, tree.CurrentRoot(), {}},
      {"gongkai.example/log", ~uint64_t{0}, tree.CurrentRoot(), {"a", "b c", "— d"}},
      {"县政务公开办/511303", 1, tree.leaf_hash(0), {"公示期 7 天"}},
  };
  for (const Checkpoint& c : cases) {
    CAPTURE(c.origin);
    const std::string note = *SignCheckpoint(c, "witness.example/1", key);
    const Result<Checkpoint> back =
        OpenCheckpoint(note, c.origin, "witness.example/1", key.public_key());
    REQUIRE(back.ok());
    CHECK(*back == c);
  }
}

TEST_CASE("size limit: a note of exactly kMaxCheckpointSize opens, one byte more does not") {
  const SecretKey key = LogKey();
  Checkpoint c = Sample();
  c.extensions = {"x"};
  const size_t base = SignCheckpoint(c, kOrigin, key)->size();
  c.extensions[0] = std::string(1 + kMaxCheckpointSize - base, 'x');
  const std::string at_limit = *SignCheckpoint(c, kOrigin, key);
  CHECK(at_limit.size() == kMaxCheckpointSize);
  CHECK(*Open(at_limit) == c);

  c.extensions[0] += 'x';
  const Result<std::string> over = SignCheckpoint(c, kOrigin, key);
  CHECK(over.status().code() == kErrCheckpointTooLarge);
  CHECK(over.status().kind() == StatusKind::kTooLarge);
  const std::string over_note = *SignNote(*CheckpointBody(c), kOrigin, key);
  CHECK(over_note.size() == kMaxCheckpointSize + 1);
  CHECK(Open(over_note).status().code() == kErrCheckpointTooLarge);
}

TEST_CASE("body refusals, each with its own code") {
  const std::string root = "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc=";
  const auto code = [](std::string_view body) { return Open(SignedBody(body)).status().code(); };
  CHECK(code("gongkai.example/log\n4\n" + root + "\n").empty());

  CHECK(code("gongkai.example/log\n4\n") == kErrCheckpointTooFewLines);
  CHECK(code("gongkai.example/log\n") == kErrCheckpointTooFewLines);
  CHECK(code("\n4\n" + root + "\n") == kErrCheckpointOriginEmpty);
  for (std::string_view size :
       {"", "04", "00", "-1", "+4", " 4", "4 ", "4a", "0x4", "１", "18446744073709551616",
        "99999999999999999999", "184467440737095516150"}) {
    CAPTURE(size);
    CHECK(code("gongkai.example/log\n" + std::string(size) + "\n" + root + "\n") ==
          kErrCheckpointSize);
  }
  CHECK(Open(SignedBody("gongkai.example/log\n18446744073709551615\n" + root + "\n"))->size ==
        ~uint64_t{0});
  CHECK(Open(SignedBody("gongkai.example/log\n0\n" + root + "\n"))->size == 0);
  for (std::string_view bad_root : {"", "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc",
                                    "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLd=",
                                    "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFA==",
                                    "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc=AAAA",
                                    "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3-izDNlSCWFLc=",
                                    "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc= "}) {
    CAPTURE(bad_root);
    CHECK(code("gongkai.example/log\n4\n" + std::string(bad_root) + "\n") == kErrCheckpointRoot);
  }
  // An empty line inside the body (the note splits at the last blank line, so the earlier one
  // stays in the text).
  CHECK(code("gongkai.example/log\n4\n" + root + "\n\next\n") == kErrCheckpointEmptyExtension);
  CHECK(code("gongkai.example/log\n\n4\n" + root + "\n") == kErrCheckpointSize);
}

TEST_CASE("origin and signer refusals") {
  const SecretKey key = LogKey();
  const Result<Checkpoint> wrong_origin =
      OpenCheckpoint(kSampleNote, "gongkai.example/other", kOrigin, key.public_key());
  CHECK(wrong_origin.status().code() == kErrCheckpointOriginMismatch);
  CHECK(wrong_origin.status().kind() == StatusKind::kDenied);

  // Signed by another key under the same name: its key ID differs, so the line is ignored.
  const SecretKey other = SecretKey::Generate();
  const std::string by_other = *SignCheckpoint(Sample(), kOrigin, other);
  CHECK(Open(by_other).status().code() == kErrNoteUnverified);
  CHECK(Open(by_other).status().kind() == StatusKind::kDenied);
  // Another key's signature passed off under the log's key ID.
  std::string forged = by_other;
  const size_t b64 = forged.rfind(' ') + 1;
  Bytes payload = *Base64Decode(std::string_view(forged).substr(b64, forged.size() - b64 - 1));
  const uint32_t id = NoteKeyId(kOrigin, key.public_key());
  payload[0] = static_cast<uint8_t>(id >> 24);
  payload[1] = static_cast<uint8_t>(id >> 16);
  payload[2] = static_cast<uint8_t>(id >> 8);
  payload[3] = static_cast<uint8_t>(id);
  forged = forged.substr(0, b64) + Base64Encode(payload) + "\n";
  CHECK(Open(forged).status().code() == kErrNoteBadSignature);

  // Right key, wrong name expected.
  CHECK(OpenCheckpoint(kSampleNote, kOrigin, "gongkai.example/log2", key.public_key())
            .status()
            .code() == kErrNoteUnverified);
  CHECK(OpenCheckpoint(kSampleNote, kOrigin, "bad name", key.public_key()).status().code() ==
        kErrNoteKeyName);
}

TEST_CASE("witness cosignatures ride along and are ignored unless asked for") {
  const SecretKey log = LogKey();
  const SecretKey witness = SecretKey::Generate();
  const std::string body = *CheckpointBody(Sample());
  const std::string witness_note = *SignNote(body, "witness.example/w1", witness);
  const std::string witness_line = witness_note.substr(body.size() + 1);
  const std::string cosigned = std::string(kSampleNote) + witness_line;
  CHECK(*Open(cosigned) == Sample());
  CHECK(*OpenCheckpoint(cosigned, kOrigin, "witness.example/w1", witness.public_key()) == Sample());
  // The witness line first works as well.
  const std::string reordered =
      body + "\n" + witness_line + std::string(kSampleNote).substr(body.size() + 1);
  CHECK(*Open(reordered) == Sample());
}

TEST_CASE("every truncation of a signed checkpoint is refused") {
  for (std::string_view note : {kSampleNote, kSampleWithExtensionNote}) {
    for (size_t n = 0; n < note.size(); ++n) {
      CAPTURE(n);
      CHECK_FALSE(Open(note.substr(0, n)).ok());
    }
  }
}

TEST_CASE("every change to the body is refused") {
  const std::string body = *CheckpointBody(Sample());
  for (size_t i = 0; i < body.size(); ++i) {
    for (char replacement : {'A', '0', '\n', '+', '/'}) {
      std::string note(kSampleNote);
      if (note[i] == replacement) continue;
      note[i] = replacement;
      CAPTURE(i);
      CAPTURE(replacement);
      CHECK_FALSE(Open(note).ok());
    }
  }
  // Appending a line to the body (an extension the log never signed).
  std::string added(kSampleNote);
  added.insert(body.size(), "extra\n");
  CHECK(Open(added).status().code() == kErrNoteBadSignature);
}

TEST_CASE("signing refuses checkpoints it could not open") {
  const SecretKey key = LogKey();
  Checkpoint c = Sample();
  c.origin = "";
  CHECK(SignCheckpoint(c, kOrigin, key).status().code() == kErrCheckpointOriginEmpty);
  c = Sample();
  c.origin = "two\nlines";
  CHECK(SignCheckpoint(c, kOrigin, key).status().code() == kErrCheckpointLineBreak);
  c = Sample();
  c.extensions = {"ok", ""};
  CHECK(SignCheckpoint(c, kOrigin, key).status().code() == kErrCheckpointEmptyExtension);
  c.extensions = {"two\nlines"};
  CHECK(SignCheckpoint(c, kOrigin, key).status().code() == kErrCheckpointLineBreak);
  c.extensions = {"carriage\rreturn"};
  CHECK(SignCheckpoint(c, kOrigin, key).status().code() == kErrNoteControlChar);
  c.extensions = {"bad \xff utf-8"};
  CHECK(SignCheckpoint(c, kOrigin, key).status().code() == kErrNoteUtf8);
  CHECK(SignCheckpoint(Sample(), "bad name", key).status().code() == kErrNoteKeyName);
}

TEST_CASE("a checkpoint and a consistency proof together: the audit path") {
  const SecretKey key = LogKey();
  MerkleTree tree;
  for (int i = 0; i < 10; ++i) tree.Append(LeafHash(AsBytes("receipt " + std::to_string(i))));
  const std::string old_note =
      *SignCheckpoint({std::string(kOrigin), 6, *tree.Root(6), {}}, kOrigin, key);
  const std::string new_note =
      *SignCheckpoint({std::string(kOrigin), 10, *tree.Root(10), {}}, kOrigin, key);
  const Checkpoint old_cp = *Open(old_note);
  const Checkpoint new_cp = *Open(new_note);
  const std::vector<Hash256> proof = *tree.ConsistencyProof(old_cp.size, new_cp.size);
  CHECK(VerifyConsistency(old_cp.size, new_cp.size, proof, old_cp.root, new_cp.root).ok());
  const std::vector<Hash256> inclusion = *tree.InclusionProof(7, new_cp.size);
  CHECK(
      VerifyInclusion(7, new_cp.size, LeafHash(AsBytes("receipt 7")), inclusion, new_cp.root).ok());
}

}  // namespace
}  // namespace gongkai
