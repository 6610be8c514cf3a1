// Enrolment tokens: their text form, hash and table (hub/enrolment/enrol_token.h).
#include "hub/enrolment/enrol_token.h"

#include <cctype>

#include "node/replica/sql.h"
#include "protocol/sha256.h"

namespace gongkai {

namespace {

constexpr char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int Base32Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= '2' && c <= '7') return 26 + (c - '2');
  return -1;
}

// Digits a clerk types for letters that look alike; none of them is in the alphabet.
char UnconfuseDigit(char c) {
  switch (c) {
    case '0':
      return 'O';
    case '1':
      return 'I';
    case '8':
      return 'B';
    default:
      return c;
  }
}

Status FormatError(std::string_view why) {
  return Status::Invalid(kErrEnrolTokenFormat,
                         "登记口令格式不对：" + std::string(why) +
                             "。口令是 32 个字母和数字（A-Z、2-7），每 4 个一组，如 ABCD-EFGH-…");
}

}  // namespace

std::string FormatEnrolToken(ByteView bytes) {
  std::string chars;
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      chars += kBase32Alphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) chars += kBase32Alphabet[(buffer << (5 - bits)) & 31];
  std::string text;
  for (size_t i = 0; i < chars.size(); ++i) {
    if (i > 0 && i % kEnrolTokenGroupChars == 0) text += '-';
    text += chars[i];
  }
  return text;
}

Result<Bytes> ParseEnrolToken(std::string_view text) {
  std::string chars;
  for (char c : text) {
    if (c == '-' || c == ' ' || c == '\t') continue;
    const char up = UnconfuseDigit(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    if (Base32Value(up) < 0) return FormatError("含有字符“" + std::string(1, c) + "”");
    chars += up;
    if (chars.size() > kEnrolTokenChars) break;
  }
  if (chars.size() != kEnrolTokenChars) {
    return FormatError("应有 " + std::to_string(kEnrolTokenChars) + " 个字母和数字，而不是 " +
                       std::to_string(chars.size()) +
                       (chars.size() > kEnrolTokenChars ? " 个以上" : " 个"));
  }
  Bytes out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : chars) {
    buffer = (buffer << 5) | static_cast<uint32_t>(Base32Value(c));
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<uint8_t>(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  // 160 bits are exactly 32 characters: nothing is left over.
  if (out.size() != kEnrolTokenBytes || bits != 0) return FormatError("长度不对");
  return out;
}

std::string EnrolTokenHash(ByteView bytes) {
  Bytes input(kEnrolTokenHashLabel, kEnrolTokenHashLabel + sizeof(kEnrolTokenHashLabel) - 1);
  input.insert(input.end(), bytes.begin(), bytes.end());
  return HexEncode(Sha256(input));
}

Status CreateEnrolTables(sqlite3* db) {
  return ExecSql(db,
                 "CREATE TABLE IF NOT EXISTS enrol_token ("
                 " token_hash TEXT PRIMARY KEY,"
                 " role TEXT NOT NULL,"
                 " region TEXT NOT NULL,"
                 " name TEXT NOT NULL,"
                 " created_at INTEGER NOT NULL,"
                 " expires_at INTEGER NOT NULL,"
                 " used_at INTEGER,"
                 " used_by TEXT) STRICT;"
                 "CREATE TABLE IF NOT EXISTS enrol_attempt ("
                 " id INTEGER PRIMARY KEY,"
                 " at INTEGER NOT NULL,"
                 " peer TEXT NOT NULL,"
                 " token_hash TEXT,"
                 " node_id TEXT,"
                 " code TEXT NOT NULL) STRICT;"
                 "CREATE INDEX IF NOT EXISTS enrol_attempt_at ON enrol_attempt(at);");
}

}  // namespace gongkai
