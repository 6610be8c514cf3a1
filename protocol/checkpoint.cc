#include "protocol/checkpoint.h"

#include <algorithm>

namespace gongkai {
namespace {

Result<uint64_t> ParseTreeSize(std::string_view text) {
  const auto invalid = [&](std::string_view why) {
    return Status::Invalid(kErrCheckpointSize,
                           "tree size \"" + std::string(text) + "\" " + std::string(why));
  };
  if (text.empty()) return invalid("is empty");
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return invalid("is not a decimal number");
  }
  if (text.size() > 1 && text[0] == '0') return invalid("has a leading zero");
  uint64_t value = 0;
  for (char c : text) {
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return invalid("exceeds 2^64 - 1");
    value = value * 10 + digit;
  }
  return value;
}

// Splits the body into lines; the note layer guarantees it ends in "\n".
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  return lines;
}

Result<Checkpoint> ParseBody(std::string_view text) {
  const std::vector<std::string_view> lines = Lines(text);
  if (lines.size() < 3) {
    return Status::Invalid(kErrCheckpointTooFewLines,
                           "checkpoint has " + std::to_string(lines.size()) +
                               " lines, needs origin, tree size and root hash");
  }
  Checkpoint out;
  if (lines[0].empty()) return Status::Invalid(kErrCheckpointOriginEmpty, "origin line is empty");
  out.origin = std::string(lines[0]);
  GK_ASSIGN_OR_RETURN(out.size, ParseTreeSize(lines[1]));
  Result<Bytes> root = Base64Decode(lines[2]);
  if (!root.ok() || root->size() != kHashSize) {
    return Status::Invalid(kErrCheckpointRoot,
                           "root hash \"" + std::string(lines[2]) + "\" is not base64 of 32 bytes");
  }
  std::copy(root->begin(), root->end(), out.root.begin());
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      return Status::Invalid(kErrCheckpointEmptyExtension,
                             "line " + std::to_string(i + 1) + " of the checkpoint is empty");
    }
    out.extensions.emplace_back(lines[i]);
  }
  return out;
}

}  // namespace

Result<std::string> CheckpointBody(const Checkpoint& checkpoint) {
  if (checkpoint.origin.empty()) {
    return Status::Invalid(kErrCheckpointOriginEmpty, "checkpoint origin is empty");
  }
  std::string body = checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" +
                     Base64Encode(checkpoint.root) + "\n";
  for (const std::string& line : checkpoint.extensions) {
    if (line.empty()) {
      return Status::Invalid(kErrCheckpointEmptyExtension, "checkpoint extension line is empty");
    }
    body += line + "\n";
  }
  const auto has_break = [](const std::string& s) { return s.find('\n') != std::string::npos; };
  if (has_break(checkpoint.origin) ||
      std::any_of(checkpoint.extensions.begin(), checkpoint.extensions.end(), has_break)) {
    return Status::Invalid(kErrCheckpointLineBreak,
                           "checkpoint origin or extension holds a line break");
  }
  GK_RETURN_IF_ERROR(CheckNoteText(body));
  return body;
}

Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, std::string_view key_name,
                                   const SecretKey& key) {
  GK_ASSIGN_OR_RETURN(std::string body, CheckpointBody(checkpoint));
  GK_ASSIGN_OR_RETURN(std::string note, SignNote(body, key_name, key));
  if (note.size() > kMaxCheckpointSize) {
    return Status::TooLarge(kErrCheckpointTooLarge,
                            "signed checkpoint would have " + std::to_string(note.size()) +
                                " bytes, more than " + std::to_string(kMaxCheckpointSize));
  }
  return note;
}

Result<Checkpoint> OpenCheckpoint(std::string_view note, std::string_view expected_origin,
                                  const NoteVerifierKey& verifier) {
  if (note.size() > kMaxCheckpointSize) {
    return Status::TooLarge(kErrCheckpointTooLarge,
                            "checkpoint has " + std::to_string(note.size()) + " bytes, more than " +
                                std::to_string(kMaxCheckpointSize));
  }
  GK_ASSIGN_OR_RETURN(ParsedNote parsed, ParseNote(note, kMaxCheckpointSize));
  GK_ASSIGN_OR_RETURN(Checkpoint checkpoint, ParseBody(parsed.text));
  if (checkpoint.origin != expected_origin) {
    return Status::Denied(kErrCheckpointOriginMismatch, "checkpoint is from log \"" +
                                                            checkpoint.origin + "\", expected \"" +
                                                            std::string(expected_origin) + "\"");
  }
  GK_RETURN_IF_ERROR(VerifyNote(parsed, verifier));
  return checkpoint;
}

Result<Checkpoint> OpenCheckpoint(std::string_view note, std::string_view expected_origin,
                                  std::string_view key_name, const PublicKey& key) {
  GK_ASSIGN_OR_RETURN(NoteVerifierKey verifier, MakeNoteVerifierKey(key_name, key));
  return OpenCheckpoint(note, expected_origin, verifier);
}

std::string CountyLogOrigin(std::string_view county_code) {
  return "gongkai/county/" + std::string(county_code.substr(0, 6));
}

}  // namespace gongkai
