#include "protocol/envelope_batch_item.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "protocol/compress.h"

namespace gongkai {
namespace {

SecretKey SeededKey(uint8_t fill) { return *SecretKey::FromSeed(Bytes(32, fill)); }

Bytes Changeset(int n) {
  const std::string text = "INSERT review 511303101 经管站 approve " + std::to_string(n);
  return Bytes(text.begin(), text.end());
}

std::vector<Bytes> Chain(const SecretKey& key, int count) {
  std::vector<Bytes> out;
  Hash256 prev{};
  for (int seq = 1; seq <= count; ++seq) {
    out.push_back(*BuildEnvelope(seq, prev, seq, "511303101", Changeset(seq), key));
    prev = Sha256(out.back());
  }
  return out;
}

class Input : public ItemInput {
 public:
  explicit Input(ByteView items) : reader_(items, "test.truncated") {}
  Result<ByteView> Take(size_t n, std::string_view what) override { return reader_.Raw(n, what); }
  bool at_end() const { return reader_.at_end(); }

 private:
  ByteReader reader_;
};

ItemRules Rules(uint32_t codec = BatchCodec()) {
  ItemRules rules;
  rules.codec = codec;
  rules.max_changeset = kMaxDecompressedSize;
  rules.envelope_too_large = "test.envelope_too_large";
  rules.changeset_too_large = "test.changeset_too_large";
  rules.empty = "test.empty";
  rules.item = "test.item";
  rules.codec_mismatch = "test.codec";
  return rules;
}

std::vector<Bytes> ReadAll(ByteView items, size_t count, const ItemRules& rules = Rules()) {
  Input input(items);
  ItemReader reader(rules);
  std::vector<Bytes> out;
  for (size_t n = 0; n < count; ++n) {
    Result<ItemEnvelope> item = reader.Next(input, "item " + std::to_string(n));
    INFO(item.status().ToString());
    REQUIRE(item.ok());
    const ByteView raw = item->rebuilt.has_value() ? item->rebuilt->raw() : item->as_is;
    out.emplace_back(raw.begin(), raw.end());
  }
  CHECK(input.at_end());
  return out;
}

TEST_CASE("CanonicalChangeset: only a payload that Compress writes again") {
  const Bytes envelope = Chain(SeededKey(1), 1)[0];
  CHECK(*CanonicalChangeset(*DecodeEnvelope(ByteView(envelope))) == Changeset(1));
  EnvelopeFields odd;
  odd.origin = SeededKey(1).node_id();
  odd.seq = 1;
  odd.region = "511303101";
  Bytes text;
  for (int n = 0; n < 400; ++n) {
    const Bytes row = Changeset(n * 7919);
    text.insert(text.end(), row.begin(), row.end());
  }
  odd.payload_size = static_cast<uint32_t>(text.size());
  odd.payload = Compress(text, 1);  // another level: another frame
  REQUIRE(odd.payload != Compress(text));
  CHECK_FALSE(CanonicalChangeset(*DecodeEnvelope(*SealEnvelope(odd, SeededKey(1)))).has_value());
  odd.payload = {1, 2, 3};
  CHECK_FALSE(CanonicalChangeset(*DecodeEnvelope(*SealEnvelope(odd, SeededKey(1)))).has_value());
}

TEST_CASE("items: opened, chained, as is, and read back byte for byte") {
  const std::vector<Bytes> chain = Chain(SeededKey(2), 3);
  ItemWriter writer(true);
  ByteWriter out;
  size_t total = 0;
  total += writer.Append(chain[0], kMaxEnvelopeSize, out);
  CHECK(out.bytes()[0] == kItemOpened);
  const size_t second_at = out.bytes().size();
  total += writer.Append(chain[1], kMaxEnvelopeSize, out);
  CHECK(out.bytes()[second_at] == kItemChained);
  // Too large to open within what is left: as is, 5 + its size.
  const size_t third_at = out.bytes().size();
  CHECK(writer.Append(chain[2], 10, out) == 5 + chain[2].size());
  total += 5 + chain[2].size();
  CHECK(out.bytes()[third_at] == kItemAsIs);
  CHECK(total == out.bytes().size());
  CHECK(ReadAll(out.bytes(), 3) == chain);

  // A writer that may not open writes everything as is; any codec reads it.
  ItemWriter closed(false);
  ByteWriter as_is;
  for (const Bytes& e : chain) CHECK(closed.Append(e, kMaxEnvelopeSize, as_is) == 5 + e.size());
  CHECK(ReadAll(as_is.bytes(), 3, Rules(BatchCodec() + 1)) == chain);

  // Opened items under another codec, and a changeset past the reader's limit.
  Input input(out.bytes());
  CHECK(ItemReader(Rules(BatchCodec() + 1)).Next(input, "x").status().code() == "test.codec");
  ItemRules small = Rules();
  small.max_changeset = Changeset(1).size() - 1;
  Input again(out.bytes());
  CHECK(ItemReader(small).Next(again, "x").status().code() == "test.changeset_too_large");
}

TEST_CASE("ItemChain names a prev only for the next seq of an origin") {
  const std::vector<Bytes> chain = Chain(SeededKey(3), 2);
  ItemChain ends;
  const NodeId origin = SeededKey(3).node_id();
  CHECK_FALSE(ends.PrevOf(origin, 1).has_value());
  ends.Record(chain[0], Sha256(chain[0]));
  CHECK(ends.PrevOf(origin, 2) == Sha256(chain[0]));
  CHECK_FALSE(ends.PrevOf(origin, 3).has_value());
  CHECK_FALSE(ends.PrevOf(SeededKey(4).node_id(), 2).has_value());
  ends.Record(Bytes{1, 2, 3}, Hash256{});  // too short to name an origin: not recorded
  CHECK(ends.PrevOf(origin, 2) == Sha256(chain[0]));
}

}  // namespace
}  // namespace gongkai
