#include <algorithm>
#include <cstddef>
#include <fstream>
#include <ostream>
#include <sstream>
#include <system_error>
#include <utility>

#include "protocol/bundle.h"
#include "protocol/compress.h"
#include "protocol/file_io.h"

namespace gongkai {
namespace {

Status CheckHeader(const BundleHeader& header) {
  if (header.version != kBundleVersion && header.version != kBundleVersionUncompressed &&
      header.version != kBundleVersionWithoutCertificate) {
    return Status::Invalid(kErrBundleVersion,
                           "无法写出第 " + std::to_string(header.version) + " 版数据包");
  }
  if (header.version == kBundleVersionWithoutCertificate && !header.maker_certificate.empty()) {
    return Status::Invalid(kErrBundleCertificate,
                           "第 1 版数据包不带制作方证书, 而包头给了一份");
  }
  if (!header.for_region.empty() && !IsRegionCode(header.for_region)) {
    return Status::Invalid(kErrBundleRegion, "bundle for_region '" + header.for_region +
                                                 "' is neither empty nor 6, 9 or 12 digits");
  }
  if (header.maker_certificate.size() > kMaxCertificateSize) {
    return Status::TooLarge(kErrBundleCertificate,
                            "bundle maker certificate of " +
                                std::to_string(header.maker_certificate.size()) +
                                " bytes exceeds the limit " + std::to_string(kMaxCertificateSize));
  }
  if (header.envelope_count > kMaxBundleEnvelopes) {
    return Status::TooLarge(kErrBundleTooManyEnvelopes, "bundle of " +
                                                            std::to_string(header.envelope_count) +
                                                            " envelopes exceeds the limit " +
                                                            std::to_string(kMaxBundleEnvelopes));
  }
  return Status::Ok();
}

Bytes U32Bytes(uint32_t v) {
  ByteWriter w;
  w.U32(v);
  return w.Take();
}

}  // namespace

BundleWriter::BundleWriter(BundleWriter&&) noexcept = default;
BundleWriter& BundleWriter::operator=(BundleWriter&&) noexcept = default;

BundleWriter::~BundleWriter() {
  if (file_ && !finished_) {
    file_->close();
    std::error_code ignored;
    std::filesystem::path partial = final_path_;
    partial += ".partial";
    std::filesystem::remove(partial, ignored);
  }
}

Result<BundleWriter> BundleWriter::Start(std::ostream& out, const BundleHeader& header) {
  GK_RETURN_IF_ERROR(CheckHeader(header));
  BundleWriter w;
  w.out_ = &out;
  w.header_ = header;
  w.header_.codec = header.version == kBundleVersion ? BatchCodec() : 0;
  ByteWriter h;
  h.Raw(kBundleMagic);
  h.U8(header.version);
  h.Raw(header.maker());
  h.Raw(header.maker_key);
  h.U64(header.created_hlc);
  h.String8(header.for_region);
  if (header.version != kBundleVersionWithoutCertificate) h.Bytes16(header.maker_certificate);
  h.U32(header.envelope_count);
  if (header.version == kBundleVersion) h.U32(w.header_.codec);
  GK_RETURN_IF_ERROR(w.Write(h.bytes()));
  return w;
}

Result<BundleWriter> BundleWriter::Create(const std::filesystem::path& path,
                                          const BundleHeader& header) {
  GK_RETURN_IF_ERROR(CheckHeader(header));
  std::filesystem::path partial = path;
  partial += ".partial";
  auto file = std::make_unique<std::ofstream>(partial, std::ios::binary | std::ios::trunc);
  if (!file->is_open()) {
    return Status::IoError(kErrBundleIo, "cannot create bundle file " + partial.string());
  }
  std::ostream& out = *file;
  GK_ASSIGN_OR_RETURN(BundleWriter w, Start(out, header));
  w.file_ = std::move(file);
  w.final_path_ = path;
  return w;
}

Status BundleWriter::Write(ByteView bytes) {
  if (size_ + bytes.size() > kMaxBundleSize) {
    return Status::TooLarge(kErrBundleTooLarge,
                            "bundle would exceed " + std::to_string(kMaxBundleSize) + " bytes");
  }
  signer_.Update(bytes);
  out_->write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  if (!*out_) return Status::IoError(kErrBundleIo, "writing the bundle failed");
  size_ += bytes.size();
  return Status::Ok();
}

Status BundleWriter::Add(ByteView envelope) {
  if (finished_) return Status::Internal(kErrBundleState, "bundle already finished");
  if (added_ >= header_.envelope_count) {
    return Status::Invalid(kErrBundleCount, "bundle declared " +
                                                std::to_string(header_.envelope_count) +
                                                " envelopes; one more was added");
  }
  if (envelope.size() > kMaxEnvelopeSize) {
    return Status::TooLarge(kErrBundleEnvelopeTooLarge,
                            "envelope of " + std::to_string(envelope.size()) +
                                " bytes exceeds the limit " + std::to_string(kMaxEnvelopeSize));
  }
  GK_RETURN_IF_ERROR(DecodeEnvelope(envelope).status());
  if (header_.version != kBundleVersion) {
    if (size_ + 4 + envelope.size() > kMaxBundleSize) {
      return Status::TooLarge(kErrBundleTooLarge,
                              "bundle would exceed " + std::to_string(kMaxBundleSize) + " bytes");
    }
    GK_RETURN_IF_ERROR(Write(U32Bytes(static_cast<uint32_t>(envelope.size()))));
    GK_RETURN_IF_ERROR(Write(envelope));
    ++added_;
    return Status::Ok();
  }
  if (envelope_bytes_ + 4 + envelope.size() > kMaxBundleSize) {
    return Status::TooLarge(kErrBundleTooLarge, "bundle envelopes would exceed " +
                                                    std::to_string(kMaxBundleSize) + " bytes");
  }
  envelope_bytes_ += 4 + envelope.size();
  // Room kept for the envelopes still to come, should they all go as is (5 + size each), so
  // that the items never pass kMaxOpenedBundleSize: what this one may take opened.
  const uint64_t to_come = (kMaxBundleSize - envelope_bytes_) + (header_.envelope_count - added_ - 1);
  const uint64_t room = kMaxOpenedBundleSize - opened_ - to_come;
  ByteWriter item;
  opened_ += items_.Append(envelope, std::min<uint64_t>(room, kMaxEnvelopeSize), item);
  const Bytes& bytes = item.bytes();
  pending_.insert(pending_.end(), bytes.begin(), bytes.end());
  size_t start = 0;
  while (pending_.size() - start >= kBundleFrameSize) {
    GK_RETURN_IF_ERROR(WriteFrame(ByteView(pending_).subspan(start, kBundleFrameSize)));
    start += kBundleFrameSize;
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(start));
  ++added_;
  return Status::Ok();
}

Status BundleWriter::WriteFrame(ByteView items) {
  const Bytes frame = Compress(items, kBundleZstdLevel);
  GK_RETURN_IF_ERROR(Write(U32Bytes(static_cast<uint32_t>(frame.size()))));
  return Write(frame);
}

Status BundleWriter::Finish(const HaveSummary& have, const SecretKey& key) {
  if (finished_) return Status::Internal(kErrBundleState, "bundle already finished");
  if (key.public_key() != header_.maker_key) {
    return Status::Invalid(kErrBundleMaker, "bundle header names maker " +
                                                NodeIdHex(header_.maker()) + " but is signed by " +
                                                NodeIdHex(key.node_id()));
  }
  if (added_ != header_.envelope_count) {
    return Status::Invalid(kErrBundleCount,
                           "bundle declared " + std::to_string(header_.envelope_count) +
                               " envelopes but " + std::to_string(added_) + " were added");
  }
  if (!pending_.empty()) {
    GK_RETURN_IF_ERROR(WriteFrame(pending_));
    pending_.clear();
  }
  GK_ASSIGN_OR_RETURN(const Bytes have_bytes, have.Encode());
  GK_RETURN_IF_ERROR(Write(U32Bytes(static_cast<uint32_t>(have_bytes.size()))));
  GK_RETURN_IF_ERROR(Write(have_bytes));
  if (size_ + kSignatureSize > kMaxBundleSize) {
    return Status::TooLarge(kErrBundleTooLarge,
                            "bundle would exceed " + std::to_string(kMaxBundleSize) + " bytes");
  }
  const Signature sig = signer_.Sign(key);
  out_->write(reinterpret_cast<const char*>(sig.data()), kSignatureSize);
  out_->flush();
  if (!*out_) return Status::IoError(kErrBundleIo, "writing the bundle failed");
  size_ += kSignatureSize;
  if (file_) {
    file_->close();
    if (file_->fail()) return Status::IoError(kErrBundleIo, "closing the bundle file failed");
    std::filesystem::path partial = final_path_;
    partial += ".partial";
    // A bundle is often written straight to a USB stick that is pulled out soon after: the
    // content must be on the stick before the complete name appears, and the name after.
    Status flushed = FlushFileToDisk(partial.string());
    if (!flushed.ok()) return Status::IoError(kErrBundleIo, flushed.message());
    std::error_code ec;
    std::filesystem::rename(partial, final_path_, ec);
    if (ec) {
      return Status::IoError(kErrBundleIo, "cannot rename " + partial.string() + " to " +
                                               final_path_.string() + ": " + ec.message());
    }
    flushed = FlushFolderOf(final_path_.string());
    if (!flushed.ok()) return Status::IoError(kErrBundleIo, flushed.message());
  }
  finished_ = true;
  return Status::Ok();
}

Result<Bytes> MakeBundle(const BundleHeader& header, const std::vector<Bytes>& envelopes,
                         const HaveSummary& have, const SecretKey& key) {
  BundleHeader h = header;
  if (envelopes.size() > kMaxBundleEnvelopes) {
    return Status::TooLarge(kErrBundleTooManyEnvelopes, "bundle of " +
                                                            std::to_string(envelopes.size()) +
                                                            " envelopes exceeds the limit " +
                                                            std::to_string(kMaxBundleEnvelopes));
  }
  h.envelope_count = static_cast<uint32_t>(envelopes.size());
  std::ostringstream out(std::ios::binary);
  GK_ASSIGN_OR_RETURN(BundleWriter w, BundleWriter::Start(out, h));
  for (const Bytes& e : envelopes) GK_RETURN_IF_ERROR(w.Add(e));
  GK_RETURN_IF_ERROR(w.Finish(have, key));
  const std::string s = std::move(out).str();
  return Bytes(s.begin(), s.end());
}

}  // namespace gongkai
