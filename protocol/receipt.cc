#include "protocol/receipt.h"

#include <algorithm>
#include <string>

#include "protocol/merkle.h"

namespace gongkai {

namespace {

Status CheckReceiptNumbers(const Receipt& receipt) {
  if (receipt.log_index > kMaxReceiptNumber || receipt.received_at_ms > kMaxReceiptNumber ||
      receipt.tree_size > kMaxReceiptNumber) {
    return Status::Invalid(kErrReceiptRange,
                           "receipt: log index, receipt time or tree size above 2^63 - 1");
  }
  if (receipt.log_index >= receipt.tree_size) {
    return Status::Invalid(kErrReceiptIndex, "receipt: log index " +
                                                 std::to_string(receipt.log_index) +
                                                 " is not inside its tree of " +
                                                 std::to_string(receipt.tree_size) + " entries");
  }
  return Status::Ok();
}

Bytes SignedPart(const Receipt& receipt, const NodeId& hub_id) {
  ByteWriter w;
  w.Raw(kReceiptMagic);
  w.U8(kReceiptVersion);
  w.Raw(hub_id);
  w.Raw(receipt.envelope_id);
  w.U64(receipt.log_index);
  w.U64(receipt.received_at_ms);
  w.U64(receipt.tree_size);
  w.Raw(receipt.root);
  return w.Take();
}

}  // namespace

Hash256 EnvelopeLeafHash(const Hash256& envelope_id) { return LeafHash(envelope_id); }

Result<Bytes> MakeReceipt(const Receipt& receipt, const SecretKey& hub_key) {
  GK_RETURN_IF_ERROR(CheckReceiptNumbers(receipt));
  Bytes bytes = SignedPart(receipt, hub_key.node_id());
  const Signature signature = hub_key.Sign(bytes);
  bytes.insert(bytes.end(), signature.begin(), signature.end());
  return bytes;
}

Result<Receipt> OpenReceipt(ByteView bytes, const PublicKey& hub_key) {
  if (bytes.size() > kReceiptSize) {
    return Status::TooLarge(kErrReceiptTooLarge, "receipt has " + std::to_string(bytes.size()) +
                                                     " bytes, a receipt has " +
                                                     std::to_string(kReceiptSize));
  }
  ByteReader r(bytes, kErrReceiptTruncated);
  GK_ASSIGN_OR_RETURN(ByteView magic, r.Raw(kReceiptMagic.size(), "receipt magic"));
  if (!std::equal(magic.begin(), magic.end(), kReceiptMagic.begin())) {
    return Status::Invalid(kErrReceiptMagic, "not a receipt: magic is not GKRC");
  }
  GK_ASSIGN_OR_RETURN(uint8_t version, r.U8("receipt version"));
  if (version != kReceiptVersion) {
    return Status::Invalid(kErrReceiptVersion,
                           "receipt format version " + std::to_string(version) + " is not known");
  }
  Receipt receipt;
  GK_ASSIGN_OR_RETURN(receipt.hub_id, r.Fixed<kNodeIdSize>("receipt hub id"));
  GK_ASSIGN_OR_RETURN(receipt.envelope_id, r.Fixed<kHashSize>("receipt envelope id"));
  GK_ASSIGN_OR_RETURN(receipt.log_index, r.U64("receipt log index"));
  GK_ASSIGN_OR_RETURN(receipt.received_at_ms, r.U64("receipt time"));
  GK_ASSIGN_OR_RETURN(receipt.tree_size, r.U64("receipt tree size"));
  GK_ASSIGN_OR_RETURN(receipt.root, r.Fixed<kHashSize>("receipt root hash"));
  GK_ASSIGN_OR_RETURN(receipt.signature, r.Fixed<kSignatureSize>("receipt signature"));
  GK_RETURN_IF_ERROR(CheckReceiptNumbers(receipt));
  if (receipt.hub_id != NodeIdOf(hub_key)) {
    return Status::Denied(kErrReceiptSigner, "receipt names hub " + NodeIdHex(receipt.hub_id) +
                                                 ", not the expected hub " +
                                                 NodeIdHex(NodeIdOf(hub_key)));
  }
  if (!VerifySignature(hub_key, bytes.first(kReceiptSignedSize), receipt.signature)) {
    return Status::Denied(kErrReceiptSignature, "receipt signature does not verify");
  }
  return receipt;
}

Status VerifyReceiptInclusion(const Receipt& receipt, std::span<const Hash256> proof,
                              const Checkpoint& checkpoint) {
  if (checkpoint.size <= receipt.log_index) {
    return Status::Invalid(kErrReceiptNotCovered, "checkpoint of " +
                                                      std::to_string(checkpoint.size) +
                                                      " entries does not reach log index " +
                                                      std::to_string(receipt.log_index));
  }
  if (checkpoint.size == receipt.tree_size && checkpoint.root != receipt.root) {
    return Status::Conflict(kErrReceiptFork,
                            "the hub signed two different trees of " +
                                std::to_string(checkpoint.size) +
                                " entries (receipt and checkpoint): the log has forked");
  }
  return VerifyInclusion(receipt.log_index, checkpoint.size, EnvelopeLeafHash(receipt.envelope_id),
                         proof, checkpoint.root);
}

}  // namespace gongkai
