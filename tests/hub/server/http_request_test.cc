// The hub's reading of a request head (hub/server/http_request.h).
#include "hub/server/http_request.h"

#include <doctest/doctest.h>

#include <string>

namespace gongkai::testing {
namespace {

Result<HttpRequestHead> Parse(const std::string& head) { return ParseRequestHead(head); }

std::string Code(const std::string& head) { return Parse(head).status().code(); }

}  // namespace

TEST_CASE("a request head is measured to its empty line") {
  CHECK(RequestHeadLength("GET / HTTP/1.1\r\nHost: x\r\n") == 0);
  CHECK(RequestHeadLength("GET / HTTP/1.1\r\nHost: x\r\n\r\n") == 27);
  CHECK(RequestHeadLength("GET / HTTP/1.1\r\n\r\nbody") == 18);
}

TEST_CASE("a signed pull's head is read: path, query, headers, length") {
  Result<HttpRequestHead> head =
      Parse("POST /v1/pull?since=4&region=511304%20x&a+b=c+d&flag HTTP/1.1\r\n"
            "Host: 127.0.0.1\r\nX-Gongkai-Node:   0123456789abcdef0123456789abcdef \t\r\n"
            "Content-Length: 12\r\n\r\n");
  INFO(head.status().ToString());
  REQUIRE(head.ok());
  CHECK(head->method == "POST");
  CHECK(head->target == "/v1/pull?since=4&region=511304%20x&a+b=c+d&flag");
  CHECK(head->path == "/v1/pull");
  CHECK(head->query.find("since")->second == "4");
  CHECK(head->query.find("region")->second == "511304 x");
  CHECK(head->query.find("a b")->second == "c d");
  CHECK(head->query.find("flag")->second == "");
  CHECK(head->Header("x-gongkai-node") == "0123456789abcdef0123456789abcdef");
  CHECK(head->Header("X-GONGKAI-NODE") == "0123456789abcdef0123456789abcdef");
  CHECK(head->Header("x-other") == "");
  CHECK(head->content_length == 12u);
  CHECK(head->keep_alive);
  CHECK_FALSE(head->expect_continue);
}

TEST_CASE("keep-alive follows the version and the Connection header") {
  CHECK_FALSE(Parse("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n")->keep_alive);
  CHECK_FALSE(Parse("GET / HTTP/1.0\r\n\r\n")->keep_alive);
  CHECK(Parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")->keep_alive);
  CHECK(Parse("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n")
            ->expect_continue);
}

TEST_CASE("what is not a strict HTTP/1.x head is refused http.bad_request") {
  for (const std::string head : {
           "GET /\r\n\r\n",                                  // no version
           "GET  / HTTP/1.1\r\n\r\n",                        // two spaces
           "GET / HTTP/1.1 x\r\n\r\n",                       // a fourth part
           "get / HTTP/1.1\r\n\r\n",                         // lower-case method
           "GET x HTTP/1.1\r\n\r\n",                         // not origin-form
           "GET http://a/ HTTP/1.1\r\n\r\n",                 // absolute-form
           "GET / HTTP/2.0\r\n\r\n",                         // version
           "GET /a\x01 HTTP/1.1\r\n\r\n",                    // control byte in the target
           "GET /%zz HTTP/1.1\r\n\r\n",                      // bad escape
           "GET /a% HTTP/1.1\r\n\r\n",                       // escape cut short
           "GET /?a=%4 HTTP/1.1\r\n\r\n",                    // escape cut short in the query
           "GET / HTTP/1.1\r\nNo colon\r\n\r\n",             // not name: value
           "GET / HTTP/1.1\r\n: value\r\n\r\n",              // empty name
           "GET / HTTP/1.1\r\nBad name: v\r\n\r\n",          // space in the name
           "GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",      // obsolete folding
           "GET / HTTP/1.1\r\nA: b\x7f\r\n\r\n",             // DEL in a value
           "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n",              // bare CR in a value
           "GET / HTTP/1.1\r\nExpect: 200-ok\r\n\r\n",       // an Expect we do not meet
           "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
           "GET / HTTP/1.1\n\n",                             // bare LF
           "",                                               // nothing
           "\r\n\r\n",                                         // no request line
       }) {
    INFO(head);
    CHECK(Code(head) == kErrHttpBadRequest);
  }
  CHECK(Code("GET /" + std::string(kMaxRequestTargetBytes, 'a') + " HTTP/1.1\r\n\r\n") ==
        kErrHttpBadRequest);
  CHECK(Parse("GET /" + std::string(kMaxRequestTargetBytes - 1, 'a') + " HTTP/1.1\r\n\r\n").ok());
}

TEST_CASE("header count and head size are bounded: at the limit taken, one past refused") {
  std::string at_limit = "GET / HTTP/1.1\r\n";
  for (size_t i = 0; i < kMaxRequestHeaders; ++i) at_limit += "H" + std::to_string(i) + ": v\r\n";
  CHECK(Parse(at_limit + "\r\n").ok());
  CHECK(Code(at_limit + "Hx: v\r\n\r\n") == kErrHttpBadRequest);

  const std::string start = "GET / HTTP/1.1\r\nPad: ";
  const std::string end = "\r\n\r\n";
  const std::string largest = start + std::string(kMaxRequestHeadBytes - start.size() - end.size(), 'p') + end;
  REQUIRE(largest.size() == kMaxRequestHeadBytes);
  CHECK(Parse(largest).ok());
  const std::string over = start + std::string(kMaxRequestHeadBytes - start.size() - end.size() + 1, 'p') + end;
  CHECK(Parse(over).status().code() == kErrHttpHeadTooLarge);
}

TEST_CASE("Content-Length: digits only; what cannot be read is over every limit") {
  CHECK(Parse("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n")->content_length == 0u);
  CHECK(Parse("POST / HTTP/1.1\r\nContent-Length: 9999999999999999999\r\n\r\n")->content_length ==
        9999999999999999999u);
  for (const std::string value : {"12abc", "-1", "+5", "1 2", "", "99999999999999999999", "0x10"}) {
    INFO(value);
    Result<HttpRequestHead> head = Parse("POST / HTTP/1.1\r\nContent-Length: " + value + "\r\n\r\n");
    REQUIRE(head.ok());
    CHECK(head->content_length == UINT64_MAX);
  }
  CHECK(Parse("POST / HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n")->content_length ==
        5u);
  CHECK(Code("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == kErrHttpLengthRequired);
}

}  // namespace gongkai::testing
