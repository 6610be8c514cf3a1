#include "protocol/envelope.h"

#include <algorithm>
#include <utility>

#include "protocol/compress.h"

namespace gongkai {
namespace {

bool IsZero(const Hash256& h) {
  return std::all_of(h.begin(), h.end(), [](uint8_t b) { return b == 0; });
}

Status CheckSeqAndPrev(uint64_t seq, const Hash256& prev) {
  if (seq == 0) return Status::Invalid(kErrEnvelopeSeq, "envelope seq is 0; sequences start at 1");
  if (seq == 1 && !IsZero(prev)) {
    return Status::Invalid(kErrEnvelopePrev, "envelope seq 1 must have an all-zero prev");
  }
  if (seq > 1 && IsZero(prev)) {
    return Status::Invalid(kErrEnvelopePrev,
                           "envelope seq " + std::to_string(seq) + " has an all-zero prev");
  }
  return Status::Ok();
}

Status CheckRegion(std::string_view region) {
  if (!IsRegionCode(region)) {
    return Status::Invalid(kErrEnvelopeRegion,
                           "envelope region is not 6, 9 or 12 ASCII digits (length " +
                               std::to_string(region.size()) + ")");
  }
  return Status::Ok();
}

Status CheckPayloadSize(uint64_t payload_size) {
  if (payload_size > kMaxDecompressedSize) {
    return Status::TooLarge(kErrEnvelopePayloadSize,
                            "envelope payload_size " + std::to_string(payload_size) +
                                " exceeds the limit " + std::to_string(kMaxDecompressedSize));
  }
  return Status::Ok();
}

Status TooLarge(size_t size) {
  return Status::TooLarge(kErrEnvelopeTooLarge, "envelope of " + std::to_string(size) +
                                                    " bytes exceeds the limit " +
                                                    std::to_string(kMaxEnvelopeSize));
}

}  // namespace

bool IsRegionCode(std::string_view region) {
  if (region.size() != 6 && region.size() != 9 && region.size() != 12) return false;
  return std::all_of(region.begin(), region.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<Bytes> SealEnvelope(const EnvelopeFields& fields, const SecretKey& key) {
  if (key.node_id() != fields.origin) {
    return Status::Invalid(kErrEnvelopeOrigin, "sealing key belongs to node " +
                                                   NodeIdHex(key.node_id()) + ", not origin " +
                                                   NodeIdHex(fields.origin));
  }
  GK_RETURN_IF_ERROR(CheckSeqAndPrev(fields.seq, fields.prev));
  GK_RETURN_IF_ERROR(CheckRegion(fields.region));
  GK_RETURN_IF_ERROR(CheckPayloadSize(fields.payload_size));
  const size_t size = kEnvelopeRegionOffset + 1 + fields.region.size() + 4 + 4 +
                      fields.payload.size() + kSignatureSize;
  if (size > kMaxEnvelopeSize) return TooLarge(size);

  ByteWriter w;
  w.Raw(kEnvelopeMagic);
  w.U8(kEnvelopeVersion);
  w.Raw(fields.origin);
  w.U64(fields.seq);
  w.Raw(fields.prev);
  w.U64(fields.hlc);
  w.String8(fields.region);
  w.U32(fields.payload_size);
  w.Bytes32(fields.payload);
  const Signature sig = key.Sign(w.bytes());
  w.Raw(sig);
  return w.Take();
}

Result<Bytes> BuildEnvelope(uint64_t seq, const Hash256& prev, uint64_t hlc,
                            std::string_view region, ByteView changeset, const SecretKey& key) {
  GK_RETURN_IF_ERROR(CheckPayloadSize(changeset.size()));
  EnvelopeFields fields;
  fields.origin = key.node_id();
  fields.seq = seq;
  fields.prev = prev;
  fields.hlc = hlc;
  fields.region = std::string(region);
  fields.payload_size = static_cast<uint32_t>(changeset.size());
  fields.payload = Compress(changeset);
  return SealEnvelope(fields, key);
}

EnvelopeFields Envelope::fields() const {
  EnvelopeFields f;
  f.origin = origin_;
  f.seq = seq_;
  f.prev = prev_;
  f.hlc = hlc_;
  f.region = region_;
  f.payload_size = payload_size_;
  const ByteView p = payload();
  f.payload.assign(p.begin(), p.end());
  return f;
}

Result<Envelope> DecodeEnvelope(ByteView raw) {
  if (raw.size() > kMaxEnvelopeSize) return TooLarge(raw.size());
  return DecodeEnvelope(Bytes(raw.begin(), raw.end()));
}

Result<Envelope> DecodeEnvelope(Bytes raw) {
  if (raw.size() > kMaxEnvelopeSize) return TooLarge(raw.size());
  Envelope e;
  ByteReader r(raw, kErrEnvelopeTruncated);

  GK_ASSIGN_OR_RETURN(const auto magic, r.Fixed<4>("magic"));
  if (magic != kEnvelopeMagic) {
    return Status::Invalid(kErrEnvelopeMagic, "not an envelope: magic is " + HexEncode(magic));
  }
  GK_ASSIGN_OR_RETURN(const uint8_t version, r.U8("version"));
  if (version != kEnvelopeVersion) {
    return Status::Invalid(kErrEnvelopeVersion,
                           "unknown envelope format version " + std::to_string(version));
  }
  GK_ASSIGN_OR_RETURN(e.origin_, r.Fixed<kNodeIdSize>("origin"));
  GK_ASSIGN_OR_RETURN(e.seq_, r.U64("seq"));
  GK_ASSIGN_OR_RETURN(e.prev_, r.Fixed<kHashSize>("prev"));
  GK_RETURN_IF_ERROR(CheckSeqAndPrev(e.seq_, e.prev_));
  GK_ASSIGN_OR_RETURN(e.hlc_, r.U64("hlc"));
  GK_ASSIGN_OR_RETURN(const ByteView region, r.Bytes8("region"));
  e.region_ = std::string(AsChars(region));
  GK_RETURN_IF_ERROR(CheckRegion(e.region_));
  GK_ASSIGN_OR_RETURN(e.payload_size_, r.U32("payload_size"));
  GK_RETURN_IF_ERROR(CheckPayloadSize(e.payload_size_));
  GK_ASSIGN_OR_RETURN(const uint32_t payload_length, r.U32("payload length"));
  // A length that leaves no room for the signature is a short input, whatever follows.
  if (payload_length > r.remaining() || r.remaining() - payload_length < kSignatureSize) {
    return Status::Invalid(kErrEnvelopeTruncated,
                           "envelope payload declares " + std::to_string(payload_length) +
                               " bytes but only " + std::to_string(r.remaining()) +
                               " remain including the 64-byte signature");
  }
  e.payload_offset_ = r.position();
  e.payload_length_ = payload_length;
  GK_RETURN_IF_ERROR(r.Raw(payload_length, "payload").status());
  GK_ASSIGN_OR_RETURN(e.signature_, r.Fixed<kSignatureSize>("signature"));
  if (!r.at_end()) {
    return Status::Invalid(kErrEnvelopeTrailing,
                           std::to_string(r.remaining()) + " bytes follow the envelope signature");
  }
  e.id_ = Sha256(ByteView(raw));
  e.raw_ = std::move(raw);
  return e;
}

Status VerifyEnvelopeSignature(const Envelope& envelope, const PublicKey& key) {
  if (NodeIdOf(key) != envelope.origin()) {
    return Status::Denied(kErrEnvelopeSigner, "key of node " + NodeIdHex(NodeIdOf(key)) +
                                                  " cannot verify an envelope from " +
                                                  NodeIdHex(envelope.origin()));
  }
  if (!VerifySignature(key, envelope.signed_part(), envelope.signature())) {
    return Status::Denied(kErrEnvelopeSignature, "envelope " + std::to_string(envelope.seq()) +
                                                     " from " + NodeIdHex(envelope.origin()) +
                                                     ": signature does not verify");
  }
  return Status::Ok();
}

Result<Bytes> OpenPayload(const Envelope& envelope) {
  Result<Bytes> out = Decompress(envelope.payload(), envelope.payload_size());
  if (!out.ok()) {
    return out.status().WithContext("envelope " + std::to_string(envelope.seq()) + " from " +
                                    NodeIdHex(envelope.origin()) + " payload");
  }
  if (out->size() != envelope.payload_size()) {
    return Status::Invalid(kErrEnvelopePayloadMismatch,
                           "envelope payload decompresses to " + std::to_string(out->size()) +
                               " bytes, payload_size says " +
                               std::to_string(envelope.payload_size()));
  }
  return out;
}

}  // namespace gongkai
