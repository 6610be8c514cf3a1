#include <algorithm>
#include <fstream>
#include <istream>
#include <streambuf>
#include <system_error>

#include "protocol/bundle.h"

#include <zstd.h>

#include "protocol/compress.h"

namespace gongkai {

static_assert(kMaxBundleFrameLength == ZSTD_COMPRESSBOUND(kBundleFrameSize));

// The items of a version 3 bundle, frame after frame. A field that spans frames is gathered
// in the reader's scratch buffer; one within a frame is a view of it.
class BundleFrameInput : public ItemInput {
 public:
  explicit BundleFrameInput(BundleReader& reader) : r_(reader) {}

  Result<ByteView> Take(size_t n, std::string_view what) override {
    if (r_.frame_.size() - r_.frame_pos_ >= n) {
      const ByteView out = ByteView(r_.frame_).subspan(r_.frame_pos_, n);
      r_.frame_pos_ += n;
      return out;
    }
    Bytes& gathered = r_.scratch_;
    gathered.assign(r_.frame_.begin() + static_cast<std::ptrdiff_t>(r_.frame_pos_),
                    r_.frame_.end());
    r_.frame_pos_ = r_.frame_.size();
    while (gathered.size() < n) {
      if (Status s = r_.NextFrame(); !s.ok()) {
        return s.WithContext("读取 '" + std::string(what) + "' 时");
      }
      const size_t piece = std::min(n - gathered.size(), r_.frame_.size());
      gathered.insert(gathered.end(), r_.frame_.begin(),
                      r_.frame_.begin() + static_cast<std::ptrdiff_t>(piece));
      r_.frame_pos_ = piece;
    }
    return ByteView(gathered);
  }

 private:
  BundleReader& r_;
};

namespace {

// Read in pieces so that a length field that lies costs at most one piece of memory
// beyond the bytes that are really there.
constexpr size_t kReadChunk = size_t{1} << 20;

uint32_t BigEndianU32(const Bytes& b) {
  return static_cast<uint32_t>(b[0]) << 24 | static_cast<uint32_t>(b[1]) << 16 |
         static_cast<uint32_t>(b[2]) << 8 | b[3];
}

// An std::istream source over borrowed memory.
class ViewBuf : public std::streambuf {
 public:
  explicit ViewBuf(ByteView bytes) {
    char* p = const_cast<char*>(reinterpret_cast<const char*>(bytes.data()));
    setg(p, p, p + bytes.size());
  }
};

}  // namespace

BundleReader::BundleReader(std::istream& in, uint64_t max_size, uint64_t max_opened)
    : in_(in),
      max_size_(std::min<uint64_t>(max_size, kMaxBundleSize)),
      max_opened_(std::min<uint64_t>(max_opened, kMaxOpenedBundleSize)) {}

Status BundleReader::Fail(Status status) {
  step_ = Step::kFailed;
  return status;
}

Status BundleReader::Read(size_t n, Bytes& out, std::string_view what, bool hashed) {
  if (bytes_read_ + n > max_size_) {
    return Status::TooLarge(kErrBundleTooLarge, "bundle field '" + std::string(what) +
                                                    "' would pass the limit of " +
                                                    std::to_string(max_size_) + " bytes");
  }
  out.clear();
  while (out.size() < n) {
    const size_t want = std::min(kReadChunk, n - out.size());
    const size_t had = out.size();
    out.resize(had + want);
    in_.read(reinterpret_cast<char*>(out.data() + had), static_cast<std::streamsize>(want));
    const size_t got = static_cast<size_t>(in_.gcount());
    out.resize(had + got);
    if (got < want) {
      if (in_.bad()) return Status::IoError(kErrBundleIo, "reading the bundle failed");
      return Status::Invalid(kErrBundleTruncated, "bundle ends inside field '" + std::string(what) +
                                                      "' at byte " +
                                                      std::to_string(bytes_read_ + out.size()));
    }
  }
  bytes_read_ += n;
  if (hashed) verifier_.Update(out);
  return Status::Ok();
}

Result<uint32_t> BundleReader::ReadU32(std::string_view what) {
  Bytes b;
  GK_RETURN_IF_ERROR(Read(4, b, what));
  return BigEndianU32(b);
}

Status BundleReader::Open() {
  if (step_ != Step::kStart) return Fail(Status::Internal(kErrBundleState, "Open called twice"));
  Bytes b;
  // Fixed part up to and including the region length.
  if (Status s = Read(kBundleRegionOffset + 1, b, "header"); !s.ok()) return Fail(s);
  if (!std::equal(kBundleMagic.begin(), kBundleMagic.end(), b.begin())) {
    return Fail(Status::Invalid(
        kErrBundleMagic, "not a gongkai bundle (magic " + HexEncode(ByteView(b).first(4)) + ")"));
  }
  const uint8_t version = b[4];
  if (version != kBundleVersion && version != kBundleVersionUncompressed &&
      version != kBundleVersionWithoutCertificate) {
    return Fail(Status::Invalid(kErrBundleVersion,
                                "unknown bundle format version " + std::to_string(b[4])));
  }
  header_.version = version;
  NodeId maker;
  std::copy_n(b.begin() + 5, kNodeIdSize, maker.begin());
  std::copy_n(b.begin() + 5 + kNodeIdSize, kPublicKeySize, header_.maker_key.begin());
  if (NodeIdOf(header_.maker_key) != maker) {
    return Fail(Status::Invalid(
        kErrBundleMaker, "bundle maker id " + NodeIdHex(maker) + " does not belong to its key"));
  }
  header_.created_hlc = 0;
  for (size_t i = 0; i < 8; ++i) {
    header_.created_hlc = header_.created_hlc << 8 | b[5 + kNodeIdSize + kPublicKeySize + i];
  }
  const size_t region_length = b[kBundleRegionOffset];
  if (region_length != 0 && region_length != 6 && region_length != 9 && region_length != 12) {
    return Fail(Status::Invalid(
        kErrBundleRegion,
        "bundle for_region length " + std::to_string(region_length) + " is not 0, 6, 9 or 12"));
  }
  if (Status s = Read(region_length, b, "for_region"); !s.ok()) return Fail(s);
  header_.for_region.assign(b.begin(), b.end());
  if (region_length != 0 && !IsRegionCode(header_.for_region)) {
    return Fail(Status::Invalid(kErrBundleRegion, "bundle for_region is not all digits"));
  }
  header_.maker_certificate.clear();
  if (version != kBundleVersionWithoutCertificate) {
    if (Status s = Read(2, b, "maker certificate length"); !s.ok()) return Fail(s);
    const size_t certificate_length = static_cast<size_t>(b[0]) << 8 | b[1];
    if (certificate_length > kMaxCertificateSize) {
      return Fail(Status::TooLarge(kErrBundleCertificate,
                                   "bundle maker certificate of " +
                                       std::to_string(certificate_length) +
                                       " bytes exceeds the limit " +
                                       std::to_string(kMaxCertificateSize)));
    }
    if (Status s = Read(certificate_length, b, "maker certificate"); !s.ok()) return Fail(s);
    header_.maker_certificate = b;
  }
  Result<uint32_t> count = ReadU32("envelope count");
  if (!count.ok()) return Fail(count.status());
  if (*count > kMaxBundleEnvelopes) {
    return Fail(Status::TooLarge(kErrBundleTooManyEnvelopes,
                                 "bundle declares " + std::to_string(*count) +
                                     " envelopes, limit " + std::to_string(kMaxBundleEnvelopes)));
  }
  header_.envelope_count = *count;
  header_.codec = 0;
  if (version == kBundleVersion) {
    Result<uint32_t> codec = ReadU32("codec");
    if (!codec.ok()) return Fail(codec.status());
    header_.codec = *codec;
    ItemRules rules;
    rules.codec = header_.codec;
    rules.max_changeset = kMaxEnvelopeSize;
    rules.envelope_too_large = kErrBundleEnvelopeTooLarge;
    rules.changeset_too_large = kErrBundleEnvelopeTooLarge;
    rules.empty = kErrBundleItem;
    rules.item = kErrBundleItem;
    rules.codec_mismatch = kErrBundleCodec;
    items_.emplace(rules);
  }
  step_ = Step::kEnvelopes;
  return Status::Ok();
}

Status BundleReader::NextFrame() {
  const uint64_t at = bytes_read_;
  const std::string where = "数据包压缩段 " + std::to_string(frames_read_ + 1) + "（文件第 " +
                            std::to_string(at) + " 字节起）";
  auto cut = [&](const Status& s) {
    return s.WithContext(s.code() == kErrBundleTruncated ? where + "不完整" : where);
  };
  Result<uint32_t> read_length = ReadU32("frame length");
  if (!read_length.ok()) return cut(read_length.status());
  const uint32_t length = *read_length;
  if (length == 0 || length > kMaxBundleFrameLength) {
    return Status::Invalid(kErrBundleFrame, where + "声明长度 " + std::to_string(length) +
                                                " 字节, 应为 1 到 " +
                                                std::to_string(kMaxBundleFrameLength));
  }
  Bytes frame;
  if (Status s = Read(length, frame, "frame"); !s.ok()) return cut(s);
  // The total is judged from the declared size, before anything is decoded; Decompress then
  // checks the rest of the frame (its size against kBundleFrameSize first).
  const unsigned long long declared = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (declared != ZSTD_CONTENTSIZE_ERROR && declared != ZSTD_CONTENTSIZE_UNKNOWN &&
      declared <= kBundleFrameSize && declared > max_opened_ - opened_) {
    return Status::TooLarge(kErrBundleTooLarge, where + "解压后数据包共超过上限 " +
                                                    std::to_string(max_opened_) +
                                                    " 字节");
  }
  Result<Bytes> items = Decompress(frame, kBundleFrameSize);
  if (!items.ok()) return items.status().WithContext(where + "无法解压, 文件已损坏或被改动");
  if (items->empty()) return Status::Invalid(kErrBundleFrame, where + "为空");
  opened_ += items->size();
  frame_ = std::move(*items);
  frame_pos_ = 0;
  ++frames_read_;
  return Status::Ok();
}

Result<Envelope> BundleReader::NextItem(const std::string& where) {
  BundleFrameInput input(*this);
  Result<ItemEnvelope> next = items_->Next(input, where);
  if (!next.ok()) {
    if (next.status().code() == kErrBundleCodec) {
      return next.status().WithContext(
          "此数据包由另一版本的 zstd 写成, 本机不能还原其中的数据包; 请对方改写第 2 版数据包");
    }
    return next.status();
  }
  ItemEnvelope& item = *next;
  // A rebuilt envelope is decoded already, with `where` in any refusal.
  Result<Envelope> envelope = item.rebuilt.has_value() ? std::move(*item.rebuilt)
                                                       : DecodeEnvelope(item.as_is);
  // A field gathered across frames is not kept past its item.
  if (scratch_.capacity() > kBundleFrameSize) Bytes().swap(scratch_);
  if (!envelope.ok()) return envelope.status().WithContext(where);  // only as is
  envelope_bytes_ += 4 + envelope->raw().size();
  if (envelope_bytes_ > kMaxBundleSize) {
    return Status::TooLarge(kErrBundleTooLarge, where + ": 数据包所含数据共超过上限 " +
                                                    std::to_string(kMaxBundleSize) + " 字节");
  }
  return envelope;
}

Result<std::optional<Envelope>> BundleReader::Next() {
  if (step_ == Step::kHave) return std::optional<Envelope>();
  if (step_ != Step::kEnvelopes) {
    return Fail(Status::Internal(kErrBundleState, "Next called before Open or after a refusal"));
  }
  if (envelopes_read_ == header_.envelope_count) {
    if (items_.has_value() && frame_pos_ != frame_.size()) {
      return Fail(Status::Invalid(kErrBundleTrailing,
                                  "数据包压缩段 " + std::to_string(frames_read_) + " 在最后一个数据包之后还有 " +
                                      std::to_string(frame_.size() - frame_pos_) + " 字节"));
    }
    step_ = Step::kHave;
    return std::optional<Envelope>();
  }
  const std::string where = "bundle envelope " + std::to_string(envelopes_read_ + 1) + " of " +
                            std::to_string(header_.envelope_count);
  if (items_.has_value()) {
    Result<Envelope> envelope = NextItem(where);
    if (!envelope.ok()) return Fail(envelope.status());
    ++envelopes_read_;
    return std::optional<Envelope>(std::move(envelope).value());
  }
  Result<uint32_t> length = ReadU32("envelope length");
  if (!length.ok()) return Fail(length.status().WithContext(where));
  if (*length > kMaxEnvelopeSize) {
    return Fail(Status::TooLarge(kErrBundleEnvelopeTooLarge,
                                 where + " declares " + std::to_string(*length) + " bytes, limit " +
                                     std::to_string(kMaxEnvelopeSize)));
  }
  Bytes raw;
  if (Status s = Read(*length, raw, "envelope"); !s.ok()) return Fail(s.WithContext(where));
  Result<Envelope> envelope = DecodeEnvelope(std::move(raw));
  if (!envelope.ok()) return Fail(envelope.status().WithContext(where));
  ++envelopes_read_;
  return std::optional<Envelope>(std::move(envelope).value());
}

Result<HaveSummary> BundleReader::Finish() {
  if (step_ != Step::kHave) {
    return Fail(Status::Internal(kErrBundleState, "Finish called before every envelope was read"));
  }
  Result<uint32_t> length = ReadU32("have length");
  if (!length.ok()) return Fail(length.status());
  if (*length > kMaxHaveEncodedSize) {
    return Fail(Status::TooLarge(kErrBundleHaveTooLarge,
                                 "bundle have summary declares " + std::to_string(*length) +
                                     " bytes, limit " + std::to_string(kMaxHaveEncodedSize)));
  }
  Bytes have_bytes;
  if (Status s = Read(*length, have_bytes, "have"); !s.ok()) return Fail(s);
  Bytes sig_bytes;
  if (Status s = Read(kSignatureSize, sig_bytes, "signature", false); !s.ok()) return Fail(s);
  if (in_.peek() != std::char_traits<char>::eof()) {
    return Fail(Status::Invalid(kErrBundleTrailing, "bytes follow the bundle signature at byte " +
                                                        std::to_string(bytes_read_)));
  }
  if (in_.bad()) return Fail(Status::IoError(kErrBundleIo, "reading the bundle failed"));
  Signature sig;
  std::copy(sig_bytes.begin(), sig_bytes.end(), sig.begin());
  if (!verifier_.Verify(header_.maker_key, sig)) {
    return Fail(Status::Denied(kErrBundleSignature, "bundle from " + NodeIdHex(header_.maker()) +
                                                        ": signature does not verify"));
  }
  Result<HaveSummary> have = HaveSummary::Decode(have_bytes);
  if (!have.ok()) return Fail(have.status().WithContext("bundle have summary"));
  step_ = Step::kDone;
  return have;
}

namespace {

Result<BundleContents> ReadAll(std::istream& in) {
  BundleReader reader(in);
  BundleContents out;
  GK_RETURN_IF_ERROR(reader.Open());
  out.header = reader.header();
  while (true) {
    GK_ASSIGN_OR_RETURN(std::optional<Envelope> envelope, reader.Next());
    if (!envelope) break;
    out.envelopes.push_back(std::move(*envelope));
  }
  GK_ASSIGN_OR_RETURN(out.have, reader.Finish());
  return out;
}

}  // namespace

Result<BundleContents> ReadBundle(ByteView bytes) {
  if (bytes.size() > kMaxBundleSize) {
    return Status::TooLarge(kErrBundleTooLarge, "bundle of " + std::to_string(bytes.size()) +
                                                    " bytes exceeds the limit " +
                                                    std::to_string(kMaxBundleSize));
  }
  ViewBuf buf(bytes);
  std::istream in(&buf);
  return ReadAll(in);
}

Result<BundleContents> ReadBundleFile(const std::filesystem::path& path) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec)
    return Status::IoError(kErrBundleIo, "cannot read " + path.string() + ": " + ec.message());
  if (size > kMaxBundleSize) {
    return Status::TooLarge(kErrBundleTooLarge,
                            path.string() + ": bundle of " + std::to_string(size) +
                                " bytes exceeds the limit " + std::to_string(kMaxBundleSize));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return Status::IoError(kErrBundleIo, "cannot open " + path.string());
  Result<BundleContents> out = ReadAll(in);
  if (!out.ok()) return out.status().WithContext(path.string());
  return out;
}

}  // namespace gongkai
