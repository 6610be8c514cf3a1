// UTF-8 validation for text that arrives from outside (certificate names, revocation notes,
// text values in changesets).
#ifndef GONGKAI_PROTOCOL_UTF8_H_
#define GONGKAI_PROTOCOL_UTF8_H_

#include <string_view>

namespace gongkai {

// True when `text` is well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence. NUL (U+0000) is refused
// too, because SQLite and C strings cut text there. Thread-safe.
bool IsValidUtf8(std::string_view text);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_UTF8_H_
