// The hub's reading of an HTTP/1.x request head, bounded and strict (RFC 9112), on bytes
// alone: no sockets, so that it is tested and fuzzed by itself (tests/fuzz/http_request_fuzz.cc).
//
// A head is the request line and the header lines, each ending in CRLF, then an empty line.
// What is taken:
//   - request line: METHOD SP target SP HTTP/1.1 (or HTTP/1.0); the method is 1..16
//     upper-case letters; the target is origin-form ("/" ...), 1..kMaxRequestTargetBytes
//     bytes of visible ASCII;
//   - at most kMaxRequestHeaders header lines "name: value"; a name is a token, compared
//     without case; the value has its surrounding blanks removed and no control characters
//     but HT; a line beginning with a blank (obsolete folding) is refused;
//   - Content-Length: decimal digits (at most 19); anything else is read as UINT64_MAX,
//     over every limit; given twice it must say the same;
//     Transfer-Encoding is not taken (the hub reads only bodies of a declared length);
//   - the path is the target up to "?", percent-decoded; the query is split at "&" and "=",
//     each part percent-decoded and "+" read as a space.
// The whole head is at most kMaxRequestHeadBytes; the caller stops reading there.
// Every refusal is http.bad_request (kInvalid), but Transfer-Encoding is
// http.length_required and a head over the limit http.head_too_large (kTooLarge).
#ifndef GONGKAI_HUB_SERVER_HTTP_REQUEST_H_
#define GONGKAI_HUB_SERVER_HTTP_REQUEST_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/status.h"

namespace gongkai {

inline constexpr size_t kMaxRequestHeadBytes = 16 * 1024;
inline constexpr size_t kMaxRequestTargetBytes = 4096;
inline constexpr size_t kMaxRequestHeaders = 64;

inline constexpr char kErrHttpBadRequest[] = "http.bad_request";          // 400
inline constexpr char kErrHttpLengthRequired[] = "http.length_required";  // 411
inline constexpr char kErrHttpHeadTooLarge[] = "http.head_too_large";     // 431

struct HttpRequestHead {
  std::string method;
  std::string target;  // as sent
  std::string path;    // decoded
  std::multimap<std::string, std::string> query;
  // In the order sent; names in lower case.
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<uint64_t> content_length;
  bool http10 = false;
  bool keep_alive = true;  // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with keep-alive
  bool expect_continue = false;

  // The value of the first header named `name` (in any case), or "".
  std::string Header(std::string_view name) const;
};

// The length of the head at the start of `buffer` (through its empty line), or 0 while the
// empty line has not come.
size_t RequestHeadLength(std::string_view buffer);

// Parses exactly one head (what RequestHeadLength measured).
Result<HttpRequestHead> ParseRequestHead(std::string_view head);

}  // namespace gongkai

#endif  // GONGKAI_HUB_SERVER_HTTP_REQUEST_H_
