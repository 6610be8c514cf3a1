// The hub's reading of a request head (hub/server/http_request.h), whatever a client sends:
// RequestHeadLength and ParseRequestHead run without crashing on any bytes; what they take
// keeps its promises (an origin-form target of visible ASCII within the limit, a method of
// capital letters, lower-case header names, at most kMaxRequestHeaders); and a head written
// again from what was taken reads back the same.
//
// Input: the bytes a client sends on a new connection (a head, perhaps a body after it).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "hub/server/http_request.h"

namespace {

void Require(bool condition) {
  if (!condition) __builtin_trap();
}

bool SameHead(const gongkai::HttpRequestHead& a, const gongkai::HttpRequestHead& b) {
  return a.method == b.method && a.target == b.target && a.path == b.path &&
         a.query == b.query && a.headers == b.headers && a.content_length == b.content_length &&
         a.http10 == b.http10 && a.keep_alive == b.keep_alive &&
         a.expect_continue == b.expect_continue;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const size_t length = gongkai::RequestHeadLength(bytes);
  Require(length <= size);
  // The server hands over what RequestHeadLength measured; the whole input is tried too.
  for (const std::string_view head : {bytes.substr(0, length), bytes}) {
    const gongkai::Result<gongkai::HttpRequestHead> parsed = gongkai::ParseRequestHead(head);
    if (!parsed.ok()) continue;
    Require(head.size() <= gongkai::kMaxRequestHeadBytes);
    Require(gongkai::RequestHeadLength(head) == head.size());
    Require(!parsed->method.empty() && parsed->method.size() <= 16);
    for (char c : parsed->method) Require(c >= 'A' && c <= 'Z');
    Require(!parsed->target.empty() && parsed->target[0] == '/');
    Require(parsed->target.size() <= gongkai::kMaxRequestTargetBytes);
    for (char c : parsed->target) Require(c > 0x20 && c < 0x7f);
    Require(parsed->headers.size() <= gongkai::kMaxRequestHeaders);
    std::string again = parsed->method + " " + parsed->target +
                        (parsed->http10 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n");
    for (const auto& [name, value] : parsed->headers) {
      for (char c : name) Require(!(c >= 'A' && c <= 'Z'));
      Require(parsed->Header(name) == parsed->Header(std::string(name)));
      again += name + ": " + value + "\r\n";
    }
    again += "\r\n";
    if (again.size() > gongkai::kMaxRequestHeadBytes) continue;
    const gongkai::Result<gongkai::HttpRequestHead> reread = gongkai::ParseRequestHead(again);
    Require(reread.ok());
    Require(SameHead(*parsed, *reread));
  }
  return 0;
}
