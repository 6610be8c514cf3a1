// Inclusion proof files (protocol/proof_file.h).
#include "protocol/proof_file.h"

#include <algorithm>
#include <limits>

#include "protocol/bytes.h"
#include "protocol/merkle.h"
#include "protocol/receipt.h"

namespace gongkai {

namespace {

constexpr uint64_t kMaxNumber = uint64_t{std::numeric_limits<int64_t>::max()};

Status FieldError(std::string_view what) {
  return Status::Invalid(kErrProofFileField, "证明文件的 " + std::string(what) + " 一行格式不对");
}

// Splits off the next line (without its "\n"); false when no "\n" is left.
bool NextLine(std::string_view& text, std::string_view& line) {
  const size_t end = text.find('\n');
  if (end == std::string_view::npos) return false;
  line = text.substr(0, end);
  text.remove_prefix(end + 1);
  return true;
}

Result<uint64_t> ParseNumber(std::string_view digits, std::string_view what) {
  if (digits.empty() || digits.size() > 19 || (digits.size() > 1 && digits[0] == '0') ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return FieldError(what);
  }
  uint64_t value = 0;
  for (char c : digits) value = value * 10 + static_cast<uint64_t>(c - '0');
  if (value > kMaxNumber) return FieldError(what);
  return value;
}

Result<Hash256> ParseLowerHex(std::string_view hex, std::string_view what) {
  if (!std::all_of(hex.begin(), hex.end(),
                   [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
    return FieldError(what);
  }
  Result<Hash256> hash = HexDecodeFixed<kHashSize>(hex);
  if (!hash.ok()) return FieldError(what);
  return *hash;
}

// The value of the line "<name> <value>".
Result<std::string_view> Field(std::string_view& text, std::string_view name) {
  std::string_view line;
  if (!NextLine(text, line) || !line.starts_with(name) || line.size() <= name.size() ||
      line[name.size()] != ' ') {
    return FieldError(name);
  }
  return line.substr(name.size() + 1);
}

}  // namespace

std::string FormatProofFile(const InclusionProofFile& proof) {
  std::string out = std::string(kProofFileMagic) + "\n";
  out += "envelope " + HexEncode(proof.envelope_id) + "\n";
  out += "leaf " + HexEncode(EnvelopeLeafHash(proof.envelope_id)) + "\n";
  out += "index " + std::to_string(proof.index) + "\n";
  out += "size " + std::to_string(proof.tree_size) + "\n";
  out += "path " + std::to_string(proof.path.size()) + "\n";
  for (const Hash256& hash : proof.path) out += Base64Encode(hash) + "\n";
  out += "\n";
  out += proof.checkpoint;
  return out;
}

Result<InclusionProofFile> ParseProofFile(std::string_view text) {
  if (text.size() > kMaxProofFileSize) {
    return Status::TooLarge(kErrProofFileTooLarge,
                            "证明文件超过 " + std::to_string(kMaxProofFileSize) + " 字节");
  }
  std::string_view line;
  if (!NextLine(text, line) || line != kProofFileMagic) {
    return Status::Invalid(kErrProofFileMagic, "不是 gongkai 收录证明文件（第一行应为 " +
                                                   std::string(kProofFileMagic) + "）");
  }
  InclusionProofFile proof;
  GK_ASSIGN_OR_RETURN(std::string_view id_hex, Field(text, "envelope"));
  GK_ASSIGN_OR_RETURN(proof.envelope_id, ParseLowerHex(id_hex, "envelope"));
  GK_ASSIGN_OR_RETURN(std::string_view leaf_hex, Field(text, "leaf"));
  GK_ASSIGN_OR_RETURN(Hash256 leaf, ParseLowerHex(leaf_hex, "leaf"));
  GK_ASSIGN_OR_RETURN(std::string_view index, Field(text, "index"));
  GK_ASSIGN_OR_RETURN(proof.index, ParseNumber(index, "index"));
  GK_ASSIGN_OR_RETURN(std::string_view size, Field(text, "size"));
  GK_ASSIGN_OR_RETURN(proof.tree_size, ParseNumber(size, "size"));
  GK_ASSIGN_OR_RETURN(std::string_view count_text, Field(text, "path"));
  GK_ASSIGN_OR_RETURN(uint64_t count, ParseNumber(count_text, "path"));
  if (count > kMaxProofPathHashes) {
    return Status::Invalid(kErrProofFilePath,
                           "证明路径超过 " + std::to_string(kMaxProofPathHashes) + " 个哈希");
  }
  for (uint64_t i = 0; i < count; ++i) {
    Result<Bytes> hash =
        NextLine(text, line) ? Base64Decode(line) : Result<Bytes>(FieldError("path"));
    if (!hash.ok() || hash->size() != kHashSize) {
      return Status::Invalid(kErrProofFilePath, "证明路径第 " + std::to_string(i + 1) +
                                                    " 个哈希不是 32 字节的 base64");
    }
    Hash256& out = proof.path.emplace_back();
    std::copy(hash->begin(), hash->end(), out.begin());
  }
  if (!NextLine(text, line) || !line.empty()) return FieldError("空行");
  proof.checkpoint = std::string(text);
  if (leaf != EnvelopeLeafHash(proof.envelope_id)) {
    return Status::Invalid(kErrProofFileLeaf, "证明文件中的叶哈希不是 SHA-256(0x00 ‖ 信封编号)");
  }
  if (proof.index >= proof.tree_size) {
    return Status::Invalid(kErrProofFileIndex, "证明文件中的序号 " + std::to_string(proof.index) +
                                                   " 不小于日志大小 " +
                                                   std::to_string(proof.tree_size));
  }
  return proof;
}

Result<Checkpoint> VerifyProofFile(const InclusionProofFile& proof, std::string_view origin,
                                   const PublicKey& hub_key) {
  GK_ASSIGN_OR_RETURN(Checkpoint checkpoint,
                      OpenCheckpoint(proof.checkpoint, origin, origin, hub_key));
  if (checkpoint.size != proof.tree_size) {
    return Status::Denied(kErrProofFileSizeMismatch,
                          "证明针对大小 " + std::to_string(proof.tree_size) +
                              " 的日志，所附检查点的大小却是 " + std::to_string(checkpoint.size));
  }
  GK_RETURN_IF_ERROR(VerifyInclusion(proof.index, proof.tree_size,
                                     EnvelopeLeafHash(proof.envelope_id), proof.path,
                                     checkpoint.root));
  return checkpoint;
}

}  // namespace gongkai
