// Signed requests (protocol/request_auth.h).
#include "protocol/request_auth.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "protocol/sha256.h"

namespace gongkai {

namespace {

bool IsLowerHex(std::string_view text, size_t length) {
  return text.size() == length && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

std::string RequestSigningText(std::string_view method, std::string_view path, ByteView body,
                               int64_t time_ms, std::string_view nonce) {
  const Hash256 digest = Sha256(body);
  std::string text = kRequestSigningContext;
  text += '\n';
  text.append(method);
  text += '\n';
  text.append(path);
  text += '\n';
  text += HexEncode(digest);
  text += '\n';
  text += std::to_string(time_ms);
  text += '\n';
  text.append(nonce);
  text += '\n';
  return text;
}

RequestAuth SignRequest(const SecretKey& key, std::string_view method, std::string_view path,
                        ByteView body, int64_t time_ms) {
  EnsureSodium();
  Bytes nonce_bytes(kRequestNonceSize);
  randombytes_buf(nonce_bytes.data(), nonce_bytes.size());
  RequestAuth auth;
  auth.node = NodeIdHex(key.node_id());
  auth.time = std::to_string(time_ms);
  auth.nonce = HexEncode(nonce_bytes);
  const std::string text = RequestSigningText(method, path, body, time_ms, auth.nonce);
  const Signature signature = key.Sign(AsBytes(text));
  auth.signature = Base64Encode(signature);
  return auth;
}

Result<ParsedRequestAuth> ParseRequestAuth(const RequestAuth& headers) {
  if (headers.node.empty() || headers.time.empty() || headers.nonce.empty() ||
      headers.signature.empty()) {
    return Status::Denied(kErrAuthMissing,
                          "request is not signed: a X-Gongkai-* header is missing");
  }
  ParsedRequestAuth out;
  if (!IsLowerHex(headers.node, 2 * kNodeIdSize)) {
    return Status::Invalid(kErrAuthMalformed, "X-Gongkai-Node is not 32 lowercase hex digits");
  }
  out.node = *HexDecodeFixed<kNodeIdSize>(headers.node);
  if (headers.time.size() > 18 || !std::all_of(headers.time.begin(), headers.time.end(),
                                               [](char c) { return c >= '0' && c <= '9'; })) {
    return Status::Invalid(kErrAuthMalformed,
                           "X-Gongkai-Time is not a decimal of at most 18 digits");
  }
  out.time_ms = std::stoll(headers.time);
  if (!IsLowerHex(headers.nonce, 2 * kRequestNonceSize)) {
    return Status::Invalid(kErrAuthMalformed, "X-Gongkai-Nonce is not 32 lowercase hex digits");
  }
  out.nonce = headers.nonce;
  Result<Bytes> signature = Base64Decode(headers.signature);
  if (!signature.ok() || signature->size() != kSignatureSize) {
    return Status::Invalid(kErrAuthMalformed, "X-Gongkai-Signature is not base64 of 64 bytes");
  }
  std::memcpy(out.signature.data(), signature->data(), kSignatureSize);
  return out;
}

Status VerifyRequest(const ParsedRequestAuth& auth, const PublicKey& key, std::string_view method,
                     std::string_view path, ByteView body) {
  if (NodeIdOf(key) != auth.node) {
    return Status::Denied(kErrAuthSignature, "the key is not the key of the named node");
  }
  const std::string text = RequestSigningText(method, path, body, auth.time_ms, auth.nonce);
  if (!VerifySignature(key, AsBytes(text), auth.signature)) {
    return Status::Denied(kErrAuthSignature, "request signature does not verify");
  }
  return Status::Ok();
}

Status NonceCache::Check(std::string_view nonce, int64_t time_ms, int64_t now_ms) {
  if (time_ms > now_ms + kMaxRequestClockSkewMs || time_ms < now_ms - kMaxRequestClockSkewMs) {
    return Status::Denied(kErrAuthClock, "request time " + std::to_string(time_ms) +
                                             " is more than 5 minutes from the hub's clock " +
                                             std::to_string(now_ms));
  }
  // A nonce can be forgotten once its request's time is out of the window for good.
  while (!order_.empty() && order_.front().at_ms < now_ms - 2 * kMaxRequestClockSkewMs) {
    seen_.erase(order_.front().nonce);
    order_.pop_front();
  }
  if (time_ms < forgotten_before_ms_) {
    return Status::Denied(kErrAuthReplay, "request is older than the nonces still remembered");
  }
  if (seen_.contains(nonce)) {
    return Status::Denied(kErrAuthReplay, "request nonce was seen before (a replay)");
  }
  if (order_.size() >= kMaxRememberedNonces) {
    // A forgotten nonce's request carries its signed time: refusing every time up to it
    // keeps that request from coming back.
    forgotten_before_ms_ = std::max(forgotten_before_ms_, order_.front().time_ms + 1);
    seen_.erase(order_.front().nonce);
    order_.pop_front();
  }
  order_.push_back({now_ms, time_ms, std::string(nonce)});
  seen_.insert(std::string(nonce));
  return Status::Ok();
}

}  // namespace gongkai
