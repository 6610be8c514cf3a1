// Receipts: the county hub's signed statement that it accepted one envelope and put it in its
// audit log (design §6, §7). A node keeps the receipt of each envelope it sent; the receipt
// bounds how late that envelope can have been written (the hub's clock, not the writer's),
// and a later checkpoint that does not include the envelope contradicts it.
//
// The log entry of an envelope is its 32-byte id (SHA-256 of its bytes), so
//   leaf hash = SHA-256(0x00 || SHA-256(envelope bytes))            (EnvelopeLeafHash)
// which anyone holding the envelope, or only its id, can recompute.
//
// Byte layout, version 1 (all integers unsigned big-endian), exactly kReceiptSize bytes:
//
//   offset  size  field
//   0       4     magic "GKRC"
//   4       1     format version = 1
//   5       16    hub node id: NodeIdOf(the hub's public key), the signer
//   21      32    envelope id
//   53      8     log index: the envelope's position in the hub's log, from 0
//   61      8     receipt time: the hub's wall clock when it accepted the envelope,
//                 milliseconds since 1970-01-01T00:00:00Z
//   69      8     tree size: the size of the log the receipt is issued under (index < size)
//   77      32    root hash: the RFC 6962 root of the log at that size (merkle.h)
//   109     64    signature: Ed25519 by the hub's key over bytes [0, 109) exactly
//
// Index, time and tree size are at most 2^63 - 1 (SQLite stores them as signed integers).
// The signed bytes start with "GKRC", so a receipt signature can never be taken for an
// envelope's ("GKEV"), a certificate's or a checkpoint note's (a note holds no byte 0x01).
//
// Thread-safety: pure functions and values.
#ifndef GONGKAI_PROTOCOL_RECEIPT_H_
#define GONGKAI_PROTOCOL_RECEIPT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "protocol/bytes.h"
#include "protocol/checkpoint.h"
#include "protocol/keys.h"
#include "protocol/sha256.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr std::array<uint8_t, 4> kReceiptMagic = {'G', 'K', 'R', 'C'};
inline constexpr uint8_t kReceiptVersion = 1;
inline constexpr size_t kReceiptSignedSize =
    4 + 1 + kNodeIdSize + kHashSize + 8 + 8 + 8 + kHashSize;                 // 109
inline constexpr size_t kReceiptSize = kReceiptSignedSize + kSignatureSize;  // 173
// Largest index, time and tree size a receipt may carry: 2^63 - 1.
inline constexpr uint64_t kMaxReceiptNumber = uint64_t{0x7fffffffffffffff};

// Error codes, in the order OpenReceipt checks them.
inline constexpr char kErrReceiptTooLarge[] = "receipt.too_large";   // > kReceiptSize bytes
inline constexpr char kErrReceiptTruncated[] = "receipt.truncated";  // < kReceiptSize bytes
inline constexpr char kErrReceiptMagic[] = "receipt.magic";
inline constexpr char kErrReceiptVersion[] = "receipt.version";
inline constexpr char kErrReceiptRange[] = "receipt.range";          // a number > kMaxReceiptNumber
inline constexpr char kErrReceiptIndex[] = "receipt.index";          // index >= tree size
inline constexpr char kErrReceiptSigner[] = "receipt.signer";        // another hub's id
inline constexpr char kErrReceiptSignature[] = "receipt.signature";  // does not verify
// VerifyReceiptInclusion.
inline constexpr char kErrReceiptNotCovered[] = "receipt.not_covered";  // checkpoint too small
inline constexpr char kErrReceiptFork[] = "receipt.fork";               // same size, another root

struct Receipt {
  NodeId hub_id{};  // written by MakeReceipt from the signing key; read back by OpenReceipt
  Hash256 envelope_id{};
  uint64_t log_index = 0;
  uint64_t received_at_ms = 0;
  uint64_t tree_size = 0;
  Hash256 root{};
  Signature signature{};  // set by OpenReceipt

  bool operator==(const Receipt&) const = default;
};

// SHA-256(0x00 || envelope_id): the leaf hash of an envelope in the hub's log.
Hash256 EnvelopeLeafHash(const Hash256& envelope_id);

// The kReceiptSize bytes of `receipt`, signed by `hub_key` (its hub_id and signature fields
// are ignored: the node id of hub_key is written). Refuses what OpenReceipt would refuse:
// receipt.range, then receipt.index.
Result<Bytes> MakeReceipt(const Receipt& receipt, const SecretKey& hub_key);

// Decodes and verifies a receipt, cheapest first:
//   more than kReceiptSize bytes      receipt.too_large (kTooLarge), before reading anything
//   fewer                             receipt.truncated
//   magic, version                    receipt.magic, receipt.version
//   index, time or size > 2^63 - 1    receipt.range
//   index >= tree size                receipt.index
//   hub id != NodeIdOf(hub_key)       receipt.signer (kDenied)
//   the signature                     receipt.signature (kDenied)
// The others are kInvalid. The result borrows nothing from `bytes`.
Result<Receipt> OpenReceipt(ByteView bytes, const PublicKey& hub_key);

// OK when `proof` shows that the receipt's envelope sits at the receipt's log index in the
// tree of `checkpoint`. REQUIRES: `receipt` came from OpenReceipt and `checkpoint` from
// OpenCheckpoint, both under the hub's key. Checks, in order:
//   checkpoint.size <= log index                  receipt.not_covered (kInvalid): the
//                                                 checkpoint is older than the entry
//   checkpoint.size == tree size, roots differ    receipt.fork (kConflict): the hub signed two
//                                                 trees of one size, evidence of a forked log
//   the proof                                     merkle.proof_length, merkle.root_mismatch
Status VerifyReceiptInclusion(const Receipt& receipt, std::span<const Hash256> proof,
                              const Checkpoint& checkpoint);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_RECEIPT_H_
