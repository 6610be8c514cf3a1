#include <algorithm>
#include <fstream>
#include <istream>
#include <streambuf>
#include <system_error>

#include "protocol/bundle.h"

namespace gongkai {
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

BundleReader::BundleReader(std::istream& in, uint64_t max_size)
    : in_(in), max_size_(std::min<uint64_t>(max_size, kMaxBundleSize)) {}

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
  if (version != kBundleVersion && version != kBundleVersionWithoutCertificate) {
    return Fail(Status::Invalid(kErrBundleVersion,
                                "unknown bundle format version " + std::to_string(b[4])));
  }
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
  if (version == kBundleVersion) {
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
  step_ = Step::kEnvelopes;
  return Status::Ok();
}

Result<std::optional<Envelope>> BundleReader::Next() {
  if (step_ == Step::kHave) return std::optional<Envelope>();
  if (step_ != Step::kEnvelopes) {
    return Fail(Status::Internal(kErrBundleState, "Next called before Open or after a refusal"));
  }
  if (envelopes_read_ == header_.envelope_count) {
    step_ = Step::kHave;
    return std::optional<Envelope>();
  }
  const std::string where = "bundle envelope " + std::to_string(envelopes_read_ + 1) + " of " +
                            std::to_string(header_.envelope_count);
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
