// The envelope: one signed, compressed changeset from one origin node.
//
// Byte layout, version 1 (all integers unsigned big-endian):
//
//   offset  size  field
//   0       4     magic "GKEV"
//   4       1     format version = 1
//   5       16    origin NodeId (first 16 bytes of SHA-256 of the signer's public key)
//   21      8     seq: per-origin sequence number, 1, 2, 3, ...
//   29      32    prev: id of the origin's envelope seq-1; all zero exactly when seq == 1
//   61      8     hlc: hybrid logical clock of the writing transaction
//   69      1     region length L: 6, 9 or 12
//   70      L     region: ASCII digits ('0'..'9'), the 统计用区划代码 all rows belong to
//   70+L    4     payload_size: decompressed size of the changeset, <= kMaxDecompressedSize
//   74+L    4     payload length P
//   78+L    P     payload: one zstd frame (protocol/compress.h)
//   78+L+P  64    signature: Ed25519 (RFC 8032, pure) over bytes [0, 78+L+P) exactly
//
// The id of an envelope is the SHA-256 of all its bytes, signature included, so
// `sha256sum` of an envelope file prints its id, and `openssl pkeyutl -verify -rawin` checks
// the signature over the file of its first size-64 bytes.
//
// Decoding is strict and checks the cheapest things first: total size, then each field in
// order, then that nothing follows the signature. It does no cryptography and does not
// decompress: VerifyEnvelopeSignature and OpenPayload do those, in that order.
//
// Thread-safety: Envelope is an immutable value; all functions are thread-safe.
#ifndef GONGKAI_PROTOCOL_ENVELOPE_H_
#define GONGKAI_PROTOCOL_ENVELOPE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/bytes.h"
#include "protocol/keys.h"
#include "protocol/sha256.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr std::array<uint8_t, 4> kEnvelopeMagic = {'G', 'K', 'E', 'V'};
inline constexpr uint8_t kEnvelopeVersion = 1;

// Largest envelope accepted or produced, in bytes, checked before anything else.
inline constexpr size_t kMaxEnvelopeSize = size_t{16} << 20;  // 16 MiB
// Bytes before the region: magic, version, origin, seq, prev, hlc.
inline constexpr size_t kEnvelopeRegionOffset = 4 + 1 + kNodeIdSize + 8 + kHashSize + 8;  // 69
// Smallest possible envelope: 6-digit region and an empty payload field.
inline constexpr size_t kMinEnvelopeSize =
    kEnvelopeRegionOffset + 1 + 6 + 4 + 4 + kSignatureSize;  // 148

// Error codes, one per failure. Kinds: too_large/payload_size are kTooLarge; signature and
// signer are kDenied; origin (sealing with another node's key) is kInvalid like the rest.
inline constexpr char kErrEnvelopeTooLarge[] = "envelope.too_large";
inline constexpr char kErrEnvelopeMagic[] = "envelope.magic";
inline constexpr char kErrEnvelopeVersion[] = "envelope.version";
inline constexpr char kErrEnvelopeTruncated[] = "envelope.truncated";
inline constexpr char kErrEnvelopeSeq[] = "envelope.seq";
inline constexpr char kErrEnvelopePrev[] = "envelope.prev";
inline constexpr char kErrEnvelopeRegion[] = "envelope.region";
inline constexpr char kErrEnvelopePayloadSize[] = "envelope.payload_size";
inline constexpr char kErrEnvelopeTrailing[] = "envelope.trailing";
inline constexpr char kErrEnvelopeSignature[] = "envelope.signature";
inline constexpr char kErrEnvelopeSigner[] = "envelope.signer";
inline constexpr char kErrEnvelopeOrigin[] = "envelope.origin";
inline constexpr char kErrEnvelopePayloadMismatch[] = "envelope.payload_mismatch";

// True when `region` is 6, 9 or 12 ASCII digits (county, township, village code).
bool IsRegionCode(std::string_view region);

// Everything an envelope says, before it is signed.
struct EnvelopeFields {
  NodeId origin{};
  uint64_t seq = 0;
  Hash256 prev{};
  uint64_t hlc = 0;
  std::string region;
  uint32_t payload_size = 0;  // decompressed size of the changeset
  Bytes payload;              // one zstd frame
};

// Serialises `fields` and appends key's Ed25519 signature.
// REQUIRES (checked, with the decode error codes): key.node_id() == fields.origin
// (envelope.origin); seq >= 1; prev all zero iff seq == 1; region a region code;
// payload_size <= kMaxDecompressedSize; the result <= kMaxEnvelopeSize.
// Does not check that payload is a zstd frame of payload_size bytes (BuildEnvelope does).
Result<Bytes> SealEnvelope(const EnvelopeFields& fields, const SecretKey& key);

// Compresses `changeset` (protocol/compress.h), sets payload_size to its size and seals an
// envelope from key's node id. Same errors as SealEnvelope, plus envelope.payload_size when
// the changeset exceeds kMaxDecompressedSize.
Result<Bytes> BuildEnvelope(uint64_t seq, const Hash256& prev, uint64_t hlc,
                            std::string_view region, ByteView changeset, const SecretKey& key);

// A decoded envelope: owns a copy of its bytes; the views it returns borrow from it and are
// valid while it lives (moving keeps them valid only if re-fetched from the new object).
class Envelope {
 public:
  const NodeId& origin() const { return origin_; }
  uint64_t seq() const { return seq_; }
  const Hash256& prev() const { return prev_; }
  uint64_t hlc() const { return hlc_; }
  const std::string& region() const { return region_; }
  uint32_t payload_size() const { return payload_size_; }
  // The zstd frame, borrowed from raw().
  ByteView payload() const { return ByteView(raw_).subspan(payload_offset_, payload_length_); }
  const Signature& signature() const { return signature_; }

  // All the bytes, as received.
  ByteView raw() const { return raw_; }
  // SHA-256 of raw().
  const Hash256& id() const { return id_; }
  // The bytes the signature covers: raw() without its last 64 bytes.
  ByteView signed_part() const { return ByteView(raw_).first(raw_.size() - kSignatureSize); }

  // A copy of the fields (copies the payload).
  EnvelopeFields fields() const;

 private:
  friend Result<Envelope> DecodeEnvelope(Bytes raw);
  Envelope() = default;

  NodeId origin_{};
  uint64_t seq_ = 0;
  Hash256 prev_{};
  uint64_t hlc_ = 0;
  std::string region_;
  uint32_t payload_size_ = 0;
  size_t payload_offset_ = 0;
  size_t payload_length_ = 0;
  Signature signature_{};
  Bytes raw_;
  Hash256 id_{};
};

// Parses an envelope without any cryptography. Refuses, in this order: more than
// kMaxEnvelopeSize bytes (envelope.too_large, before reading anything), wrong magic,
// unknown version, input ending inside a field or a payload length beyond the input
// (envelope.truncated), seq 0, the prev rule, a region that is not 6/9/12 digits,
// payload_size above kMaxDecompressedSize, bytes after the signature (envelope.trailing).
// The Bytes overload takes ownership without copying; the ByteView one checks the size
// before copying.
Result<Envelope> DecodeEnvelope(Bytes raw);
Result<Envelope> DecodeEnvelope(ByteView raw);

// Checks that `key` belongs to the envelope's origin (envelope.signer, kDenied) and that the
// signature verifies over signed_part() (envelope.signature, kDenied).
Status VerifyEnvelopeSignature(const Envelope& envelope, const PublicKey& key);

// The changeset: decompresses the payload with output limited to payload_size and checks
// that exactly payload_size bytes came out (envelope.payload_mismatch). Decompression
// refusals keep their zstd.* codes. Call only after VerifyEnvelopeSignature succeeded, so
// that only enrolled signers can feed the decompressor.
Result<Bytes> OpenPayload(const Envelope& envelope);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_ENVELOPE_H_
