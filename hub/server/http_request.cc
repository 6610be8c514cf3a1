// ParseRequestHead (hub/server/http_request.h).
#include "hub/server/http_request.h"

#include <algorithm>

namespace gongkai {

namespace {

Status Bad(std::string message) { return Status::Invalid(kErrHttpBadRequest, std::move(message)); }

bool IsTokenChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool EqualsLower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (Lower(text[i]) != lower[i]) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = Lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Percent-decoding; with `plus_is_space`, "+" is a space (query parts).
Result<std::string> Decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const int high = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
      if (high < 0 || HexValue(text[i + 2]) < 0) {
        return Bad("a percent sign in the target is not followed by two hex digits");
      }
      out += static_cast<char>(high * 16 + HexValue(text[i + 2]));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string HttpRequestHead::Header(std::string_view name) const {
  for (const auto& [lower_name, value] : headers) {
    if (EqualsLower(name, lower_name)) return value;
  }
  return {};
}

size_t RequestHeadLength(std::string_view buffer) {
  const size_t end = buffer.find("\r\n\r\n");
  return end == std::string_view::npos ? 0 : end + 4;
}

Result<HttpRequestHead> ParseRequestHead(std::string_view head) {
  if (head.size() > kMaxRequestHeadBytes) {
    return Status::TooLarge(kErrHttpHeadTooLarge, "request head over " +
                                                      std::to_string(kMaxRequestHeadBytes) +
                                                      " bytes");
  }
  if (head.empty() || RequestHeadLength(head) != head.size()) {
    return Bad("request head does not end in CRLF CRLF");
  }
  head.remove_suffix(2);  // the empty line's CRLF; every line below ends in CRLF
  HttpRequestHead out;

  // Request line.
  size_t line_end = head.find("\r\n");
  const std::string_view line = head.substr(0, line_end);
  head.remove_prefix(line_end + 2);
  const size_t first_space = line.find(' ');
  const size_t second_space =
      first_space == std::string_view::npos ? first_space : line.find(' ', first_space + 1);
  if (second_space == std::string_view::npos ||
      line.find(' ', second_space + 1) != std::string_view::npos) {
    return Bad("request line is not METHOD SP target SP version");
  }
  const std::string_view method = line.substr(0, first_space);
  const std::string_view target = line.substr(first_space + 1, second_space - first_space - 1);
  const std::string_view version = line.substr(second_space + 1);
  if (method.empty() || method.size() > 16 ||
      !std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return Bad("request method is not 1 to 16 capital letters");
  }
  if (target.empty() || target.size() > kMaxRequestTargetBytes || target[0] != '/' ||
      !std::all_of(target.begin(), target.end(), [](char c) { return c > 0x20 && c < 0x7f; })) {
    return Bad("request target is not a path of at most " +
               std::to_string(kMaxRequestTargetBytes) + " visible ASCII bytes");
  }
  if (version == "HTTP/1.0") {
    out.http10 = true;
    out.keep_alive = false;
  } else if (version != "HTTP/1.1") {
    return Bad("HTTP version is not 1.1 or 1.0");
  }
  out.method = method;
  out.target = target;
  const size_t question = target.find('?');
  GK_ASSIGN_OR_RETURN(out.path, Decode(target.substr(0, question), false));
  if (question != std::string_view::npos) {
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
      const size_t amp = query.find('&');
      const std::string_view part = query.substr(0, amp);
      query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
      if (part.empty()) continue;
      const size_t equals = part.find('=');
      GK_ASSIGN_OR_RETURN(std::string name, Decode(part.substr(0, equals), true));
      std::string value;
      if (equals != std::string_view::npos) {
        GK_ASSIGN_OR_RETURN(value, Decode(part.substr(equals + 1), true));
      }
      out.query.emplace(std::move(name), std::move(value));
    }
  }

  // Header lines.
  while (!head.empty()) {
    line_end = head.find("\r\n");
    const std::string_view header = head.substr(0, line_end);
    head.remove_prefix(line_end + 2);
    if (out.headers.size() == kMaxRequestHeaders) {
      return Bad("more than " + std::to_string(kMaxRequestHeaders) + " header lines");
    }
    const size_t colon = header.find(':');
    if (colon == 0 || colon == std::string_view::npos ||
        !std::all_of(header.begin(), header.begin() + static_cast<std::ptrdiff_t>(colon),
                     [](char c) { return IsTokenChar(static_cast<unsigned char>(c)); })) {
      return Bad("header line is not name: value");
    }
    std::string_view value = header.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
      value.remove_prefix(1);
    }
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (std::any_of(value.begin(), value.end(), [](char c) {
          return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
        })) {
      return Bad("header value holds a control character");
    }
    std::string name(header.substr(0, colon));
    for (char& c : name) c = Lower(c);
    if (name == "content-length") {
      // An unreadable length counts as over every limit (the caller refuses it 413).
      uint64_t length = UINT64_MAX;
      if (!value.empty() && value.size() <= 19 &&
          std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        length = 0;
        for (char c : value) length = length * 10 + static_cast<uint64_t>(c - '0');
      }
      if (out.content_length && *out.content_length != length) {
        return Bad("Content-Length given twice with different values");
      }
      out.content_length = length;
    } else if (name == "transfer-encoding") {
      return Status::Invalid(kErrHttpLengthRequired,
                             "Transfer-Encoding is not taken: declare the Content-Length");
    } else if (name == "connection") {
      if (EqualsLower(value, "close")) out.keep_alive = false;
      if (EqualsLower(value, "keep-alive")) out.keep_alive = true;
    } else if (name == "expect") {
      if (!EqualsLower(value, "100-continue")) return Bad("Expect other than 100-continue");
      out.expect_continue = true;
    }
    out.headers.emplace_back(std::move(name), std::string(value));
  }
  return out;
}

}  // namespace gongkai
