// Envelope items: how a compressed batch (envelope_batch.h, version 2) and a compressed bundle
// (bundle.h, version 3) carry their envelopes, below the envelopes' signatures. Each item is a
// form byte and then (integers unsigned big-endian):
//
//   form 0, as is:   u32 length L (1 <= L <= kMaxEnvelopeSize), the L envelope bytes;
//   form 1, opened:  the envelope's bytes up to and including payload_size, then payload_size
//                    bytes of the changeset itself (not its zstd frame), then the signature;
//   form 2, chained: form 1 without the 32 prev bytes: prev is the id of the item before it
//                    with the same origin, whose seq must be one less.
//
// An opened item is rebuilt by compressing its changeset with Compress (kZstdLevel): the
// envelope is its head, prev, payload_size, the payload's length, the payload and the
// signature. A writer opens an envelope only when that gives back exactly the payload that was
// signed, and only for a reader that runs the same zstd (BatchCodec()), because zstd promises
// equal output only for equal versions; a reader refuses opened items written under another
// codec. A rebuilt envelope that differs from the signed one by a byte fails its signature.
// protocol/README.md "Envelope batch" has the reasons.
//
// Thread-safety: an ItemWriter or ItemReader is used by one thread at a time.
#ifndef GONGKAI_PROTOCOL_ENVELOPE_BATCH_ITEM_H_
#define GONGKAI_PROTOCOL_ENVELOPE_BATCH_ITEM_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>

#include "protocol/bytes.h"
#include "protocol/envelope.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr uint8_t kItemAsIs = 0;
inline constexpr uint8_t kItemOpened = 1;
inline constexpr uint8_t kItemChained = 2;

// This build's codec number: ZSTD_versionNumber() of the zstd it runs with.
uint32_t BatchCodec();

// The changeset of `envelope` when Compress gives its payload back exactly; nullopt when the
// payload does not decompress to payload_size bytes or another frame was signed.
std::optional<Bytes> CanonicalChangeset(const Envelope& envelope);

// The last envelope of each origin seen so far: what a chained item's prev names.
class ItemChain {
 public:
  // The id of `origin`'s last envelope when that one's seq is `seq` - 1, else nullopt.
  std::optional<Hash256> PrevOf(const NodeId& origin, uint64_t seq) const;
  // Records envelope bytes (or an item's head, which starts the same way) as its origin's last;
  // bytes too short to name an origin and a seq are not recorded.
  void Record(ByteView head, const Hash256& id);

 private:
  struct End {
    uint64_t seq = 0;
    Hash256 id{};
  };
  std::map<NodeId, End> ends_;
};

// Writes envelopes as items, in their order.
class ItemWriter {
 public:
  // `open`: whether envelopes may be opened (the reader runs BatchCodec()).
  explicit ItemWriter(bool open) : open_(open) {}

  // Appends the item of `envelope` to `out` and returns its size. Opened (form 2 when the item
  // before it of its origin is its predecessor, else form 1) when the writer may open, the
  // envelope decodes, CanonicalChangeset gives its changeset and the opened item is at most
  // `max_opened` bytes; otherwise as is (5 + envelope.size() bytes). Never fails.
  size_t Append(ByteView envelope, size_t max_opened, ByteWriter& out);

 private:
  bool open_;
  ItemChain chain_;
};

// Where an ItemReader's bytes come from: the decompressed frame of a batch, or the frames of a
// bundle one after the other.
class ItemInput {
 public:
  virtual ~ItemInput() = default;
  // The next n bytes, valid at least until the next call; the input's own truncated code when
  // fewer remain. `what` names the field in messages.
  virtual Result<ByteView> Take(size_t n, std::string_view what) = 0;
};

// The codes and limits of the container that holds the items.
struct ItemRules {
  uint32_t codec = 0;          // the writer's codec, from the container's header
  size_t max_changeset = 0;    // an opened item's payload_size at most
  const char* envelope_too_large = nullptr;   // an as-is length above kMaxEnvelopeSize
  const char* changeset_too_large = nullptr;  // payload_size above max_changeset
  const char* empty = nullptr;                // an as-is item of length 0
  const char* item = nullptr;   // unknown form, a chained item without its predecessor
  const char* codec_mismatch = nullptr;       // an opened item when codec != BatchCodec()
};

// One envelope of an item: as is (a view from ItemInput::Take, not decoded) or rebuilt.
struct ItemEnvelope {
  ByteView as_is;
  std::optional<Envelope> rebuilt;  // decoded (DecodeEnvelope), not verified
};

// Reads items one at a time.
class ItemReader {
 public:
  explicit ItemReader(const ItemRules& rules) : rules_(rules) {}

  // The envelope of the next item of `input`; `where` names the item in messages ("batch item
  // 3"). Refusals, in the order met: the input's truncated code; for an as-is item
  // rules.envelope_too_large before its bytes are read, rules.empty; rules.item for an unknown
  // form; rules.codec_mismatch; rules.item for a chained item that follows no item of its
  // origin with seq one less; envelope.region for a region length above 12;
  // rules.changeset_too_large before the changeset is read; envelope.* when the rebuilt
  // envelope does not decode.
  Result<ItemEnvelope> Next(ItemInput& input, std::string_view where);

 private:
  ItemRules rules_;
  ItemChain chain_;
};

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_ENVELOPE_BATCH_ITEM_H_
