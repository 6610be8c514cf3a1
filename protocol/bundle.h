// The bundle: a file of envelopes carried between nodes on a USB stick (design §6).
//
// Byte layout, version 3 (all integers unsigned big-endian):
//
//   magic "GKBN" (4)
//   format version u8 = 3 (2 and 1 are still read and may be written; 1 has no maker
//                          certificate, 1 and 2 carry the envelopes uncompressed, see below)
//   maker NodeId (16)               must equal the first 16 bytes of SHA-256(maker key)
//   maker PublicKey (32)            Ed25519 key of the node that wrote the bundle
//   created hlc u64                 the maker's clock when it wrote the bundle
//   for_region: u8 length L + L ASCII digits; L is 0 (for anyone), 6, 9 or 12
//   maker certificate: u16 length C + C bytes; C <= kMaxCertificateSize   (versions 2, 3)
//                                   the maker's certificate (protocol/certificate.h) as
//                                   the county root signed it, or C = 0 when it has none
//   envelope count u32 N            N <= kMaxBundleEnvelopes
//   codec u32                       (version 3) ZSTD_versionNumber() of the writer's zstd
//   frames, as many as the N items need (version 3):
//     u32 length F (1 <= F <= kMaxBundleFrameLength) + F bytes: one zstd frame under the
//     rules of protocol/compress.h, declaring 1 to kBundleFrameSize bytes. The frames'
//     contents, one after the other, are the N items of protocol/envelope_batch_item.h
//     (as is, opened, chained), and nothing after the last item.
//   (versions 1 and 2, instead) N times: u32 length + envelope bytes, length <= kMaxEnvelopeSize
//   have: u32 length + HaveSummary encoding  length <= kMaxHaveEncodedSize
//   signature (64)                  Ed25519ph by the maker over every byte before it
//
// The whole file is at most kMaxBundleSize bytes. Every envelope in it verifies on its own,
// so a relay needs no trust; the bundle signature makes a truncated, reordered or altered
// file fail as a whole. It is Ed25519ph (ed25519ph.h) rather than pure Ed25519 so that a
// reader checks a large file in one pass with bounded memory. In version 3 it covers the
// compressed bytes, as they are in the file: compression is a transport matter below the
// signatures, and each envelope comes out byte for byte as its writer signed it.
//
// Version 3 limits against decompression bombs: each frame declares its size, at most
// kBundleFrameSize (zstd.* codes of Decompress, before anything is decoded); all frames
// together at most kMaxOpenedBundleSize (bundle.too_large, from each frame's declared size);
// the envelopes, as a version 2 bundle would hold them (a u32 length and the bytes), at most
// kMaxBundleSize (bundle.too_large); an item's envelope or changeset at most kMaxEnvelopeSize
// (bundle.envelope_too_large).
//
// The maker's have summary tells the receiver what the maker already holds, so the
// receiver's answer bundle need carry only what the maker lacks.
//
// Contract for readers: nothing read from a bundle may be acted on until Finish() has
// succeeded (the node stages the envelopes in one transaction and commits only then). The
// bundle signature says only that the maker wrote this file; whether the maker is an
// enrolled node, and whether each envelope's signer is, the caller checks. The maker
// certificate lets a receiver that holds the county root key check the maker without any
// other certificate: the reader only carries it; the caller opens it under the root and
// checks that it names the maker key.
#ifndef GONGKAI_PROTOCOL_BUNDLE_H_
#define GONGKAI_PROTOCOL_BUNDLE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/bytes.h"
#include "protocol/certificate.h"
#include "protocol/ed25519ph.h"
#include "protocol/envelope.h"
#include "protocol/envelope_batch_item.h"
#include "protocol/have.h"
#include "protocol/keys.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr std::array<uint8_t, 4> kBundleMagic = {'G', 'K', 'B', 'N'};
// The version BundleWriter writes unless told otherwise: the envelopes compressed as a whole.
inline constexpr uint8_t kBundleVersion = 3;
// The envelopes as they are, with the maker certificate; read, and written on request (for a
// receiver that runs another zstd, which must refuse opened items).
inline constexpr uint8_t kBundleVersionUncompressed = 2;
// The first version, without the maker certificate; read, and written on request.
inline constexpr uint8_t kBundleVersionWithoutCertificate = 1;

// Largest bundle file, in bytes.
inline constexpr size_t kMaxBundleSize = size_t{1} << 30;  // 1 GiB
// Most envelopes in one bundle.
inline constexpr size_t kMaxBundleEnvelopes = size_t{1} << 20;  // 1,048,576
// Bytes before for_region: magic, version, maker id, maker key, created hlc.
inline constexpr size_t kBundleRegionOffset = 4 + 1 + kNodeIdSize + kPublicKeySize + 8;  // 61

// Version 3. The items are cut into frames of kBundleFrameSize bytes (the last one shorter),
// each compressed at kBundleZstdLevel on its own, so that writer and reader hold at most one
// frame: the reader never needs more memory than a frame and an item, whatever the file size.
inline constexpr size_t kBundleFrameSize = size_t{4} << 20;  // 4 MiB
// The longest frame of kBundleFrameSize bytes: ZSTD_compressBound(kBundleFrameSize).
inline constexpr size_t kMaxBundleFrameLength = kBundleFrameSize + (kBundleFrameSize >> 8);
// All frames of a bundle together, decompressed, at most.
inline constexpr uint64_t kMaxOpenedBundleSize = uint64_t{4} << 30;  // 4 GiB
// The level of the frames. Nothing rebuilds them (an opened changeset is rebuilt at
// kZstdLevel), so any level reads alike; chosen by measurement (protocol/README.md "Bundle").
inline constexpr int kBundleZstdLevel = 9;

inline constexpr char kErrBundleTooLarge[] = "bundle.too_large";
inline constexpr char kErrBundleMagic[] = "bundle.magic";
inline constexpr char kErrBundleVersion[] = "bundle.version";
inline constexpr char kErrBundleTruncated[] = "bundle.truncated";
inline constexpr char kErrBundleMaker[] = "bundle.maker";
inline constexpr char kErrBundleRegion[] = "bundle.region";
inline constexpr char kErrBundleCertificate[] = "bundle.certificate";  // longer than the limit
inline constexpr char kErrBundleTooManyEnvelopes[] = "bundle.too_many_envelopes";
inline constexpr char kErrBundleEnvelopeTooLarge[] = "bundle.envelope_too_large";
inline constexpr char kErrBundleHaveTooLarge[] = "bundle.have_too_large";
inline constexpr char kErrBundleCount[] = "bundle.count";
inline constexpr char kErrBundleSignature[] = "bundle.signature";
inline constexpr char kErrBundleTrailing[] = "bundle.trailing";
inline constexpr char kErrBundleIo[] = "bundle.io";
inline constexpr char kErrBundleState[] = "bundle.state";
inline constexpr char kErrBundleFrame[] = "bundle.frame";  // v3: frame length 0 or too long, empty frame
inline constexpr char kErrBundleItem[] = "bundle.item";    // v3: unknown form, broken chained prev
inline constexpr char kErrBundleCodec[] = "bundle.codec";  // v3: opened items, another zstd

struct BundleHeader {
  // The format version: what the reader found, or what the writer is to write (1, 2 or 3).
  uint8_t version = kBundleVersion;
  PublicKey maker_key{};
  uint64_t created_hlc = 0;
  std::string for_region;  // empty: for anyone
  // The maker's certificate as the county root signed it (not checked by the reader); empty
  // when the maker has none to give, and always in a version 1 bundle.
  Bytes maker_certificate;
  uint32_t envelope_count = 0;
  // Version 3: the writer's BatchCodec(), set by the writer (whatever the caller gives) and
  // by the reader; 0 in versions 1 and 2.
  uint32_t codec = 0;

  NodeId maker() const { return NodeIdOf(maker_key); }
};

// Writes a bundle in one pass. Usage: Start (or Create), Add each envelope, Finish.
// Any error leaves the output unusable (a reader refuses it); a writer made by Create then
// removes its partial file. Version 3 (the default) opens every envelope whose changeset
// Compress gives back exactly (CanonicalChangeset) for readers of this build's zstd, and
// holds at most one frame of items (kBundleFrameSize) and one envelope in memory.
class BundleWriter {
 public:
  // Writes the header to `out`, which must outlive the writer.
  // Errors: bundle.version (not 1, 2 or 3), bundle.region, bundle.certificate (too long, or
  // any in version 1), bundle.too_many_envelopes, bundle.io.
  static Result<BundleWriter> Start(std::ostream& out, const BundleHeader& header);
  // Writes to `path` + ".partial" and renames it to `path` when Finish succeeds, so a
  // complete bundle never shares its name with a partial one.
  static Result<BundleWriter> Create(const std::filesystem::path& path, const BundleHeader& header);

  BundleWriter(BundleWriter&&) noexcept;
  BundleWriter& operator=(BundleWriter&&) noexcept;
  ~BundleWriter();

  // Appends one envelope. It must decode (DecodeEnvelope; its codes), be at most
  // kMaxEnvelopeSize (bundle.envelope_too_large) and not exceed the declared count
  // (bundle.count) nor the bundle size limit (bundle.too_large; in version 3 the envelopes
  // counted as a version 2 bundle would hold them, and the file).
  Status Add(ByteView envelope);
  // Writes the last frame (version 3), the have summary and the signature. REQUIRES:
  // key.public_key() equals the header's maker key (bundle.maker); exactly envelope_count
  // envelopes were added (bundle.count).
  Status Finish(const HaveSummary& have, const SecretKey& key);

  // Bytes written so far.
  uint64_t size() const { return size_; }

 private:
  BundleWriter() = default;
  Status Write(ByteView bytes);
  // Version 3: compresses `items` as one frame and writes its length and bytes.
  Status WriteFrame(ByteView items);

  std::ostream* out_ = nullptr;
  std::unique_ptr<std::ofstream> file_;  // set by Create
  std::filesystem::path final_path_;     // set by Create
  BundleHeader header_;
  Ed25519phStream signer_;
  uint64_t size_ = 0;
  uint32_t added_ = 0;
  bool finished_ = false;
  // Version 3.
  ItemWriter items_{true};
  Bytes pending_;              // items not yet in a frame, fewer than kBundleFrameSize bytes
  uint64_t opened_ = 0;        // the items written so far, decompressed
  uint64_t envelope_bytes_ = 0;  // 4 + size of each envelope added
};

class BundleFrameInput;

// Reads a bundle from a stream in one pass, holding at most one envelope at a time (version 3:
// one frame, compressed and then decompressed, and one item, whose envelope is held twice
// while it is rebuilt: under 64 MiB whatever the size of the file).
// Usage: Open, then Next until it yields nothing, then Finish. Each step refuses with a
// stable code; after a refusal the reader must not be used again (bundle.state).
class BundleReader {
 public:
  // `in` must outlive the reader; it is read from its current position. `max_size` lets a
  // caller hold a bundle to less than kMaxBundleSize, `max_opened` its frames (version 3) to
  // less than kMaxOpenedBundleSize decompressed (larger values are clamped to the limits).
  explicit BundleReader(std::istream& in, uint64_t max_size = kMaxBundleSize,
                        uint64_t max_opened = kMaxOpenedBundleSize);

  // Reads and checks the header. Errors: bundle.magic, bundle.version, bundle.truncated,
  // bundle.maker (id does not match the key), bundle.region, bundle.certificate,
  // bundle.too_many_envelopes, bundle.io.
  Status Open();
  // REQUIRES: Open succeeded.
  const BundleHeader& header() const { return header_; }

  // The next envelope, decoded but not verified, or nullopt after the declared count.
  // Errors: bundle.envelope_too_large, bundle.too_large, bundle.truncated, bundle.io, and
  // the envelope.* codes of DecodeEnvelope with the envelope's index in the message.
  // Version 3 also: bundle.frame, the zstd.* codes of Decompress for a frame (zstd.too_large
  // for one declaring more than kBundleFrameSize), bundle.too_large past
  // kMaxOpenedBundleSize, bundle.item, bundle.codec (an opened item written under another
  // zstd), bundle.trailing (bytes after the last item); their messages are in Chinese.
  Result<std::optional<Envelope>> Next();

  // Reads the maker's have summary and signature, checks that nothing follows and that the
  // signature verifies. REQUIRES: Next has yielded nullopt. Errors: bundle.have_too_large,
  // bundle.truncated, bundle.trailing, bundle.signature (kDenied), have.* codes.
  Result<HaveSummary> Finish();

  // Bytes consumed so far.
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  friend class BundleFrameInput;
  Status Read(size_t n, Bytes& out, std::string_view what, bool hashed = true);
  Result<uint32_t> ReadU32(std::string_view what);
  Status Fail(Status status);
  // Version 3: reads the next frame into frame_.
  Status NextFrame();
  // Version 3: the next item's envelope, decoded.
  Result<Envelope> NextItem(const std::string& where);

  enum class Step { kStart, kEnvelopes, kHave, kDone, kFailed };
  std::istream& in_;
  uint64_t max_size_;
  uint64_t max_opened_;
  Ed25519phStream verifier_;
  BundleHeader header_;
  uint64_t bytes_read_ = 0;
  uint32_t envelopes_read_ = 0;
  Step step_ = Step::kStart;
  // Version 3.
  std::optional<ItemReader> items_;
  Bytes frame_;              // the frame being read, decompressed
  size_t frame_pos_ = 0;     // the next byte of frame_
  uint32_t frames_read_ = 0;
  uint64_t opened_ = 0;          // all frames so far, decompressed
  uint64_t envelope_bytes_ = 0;  // 4 + size of each envelope read
  Bytes scratch_;            // an item field that spans frames
};

struct BundleContents {
  BundleHeader header;
  std::vector<Envelope> envelopes;
  HaveSummary have;
};

// Reads a whole bundle into memory with the limits above (up to kMaxBundleSize of
// envelopes); refuses as the reader does. ReadBundleFile also refuses (bundle.too_large)
// a file larger than kMaxBundleSize before reading it, and bundle.io if it cannot open it.
Result<BundleContents> ReadBundle(ByteView bytes);
Result<BundleContents> ReadBundleFile(const std::filesystem::path& path);

// A whole bundle in memory: header (envelope_count is taken from `envelopes`), envelopes,
// have summary, signature. Errors as BundleWriter.
Result<Bytes> MakeBundle(const BundleHeader& header, const std::vector<Bytes>& envelopes,
                         const HaveSummary& have, const SecretKey& key);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_BUNDLE_H_
