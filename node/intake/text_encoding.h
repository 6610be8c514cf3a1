// The text encodings of imported CSV files: UTF-8 (with or without BOM) and GB18030 (a
// superset of GBK and GB2312, what Chinese Excel and WPS write as "CSV" by default).
//
// Detection: bytes that are valid UTF-8 are UTF-8 (the BOM, if any, is dropped); otherwise
// the bytes must decode strictly as GB18030; otherwise the file is refused with
// kErrImportEncoding naming the line and byte offset where UTF-8 decoding failed. A UTF-16
// or UTF-32 BOM is refused with a hint to save as UTF-8 or GBK. NUL bytes and other control
// characters (except tab, CR, LF) refuse the file with kErrImportBinary.
// Thread-safety: all functions are reentrant (each call opens its own iconv descriptor).
#ifndef GONGKAI_NODE_INTAKE_TEXT_ENCODING_H_
#define GONGKAI_NODE_INTAKE_TEXT_ENCODING_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "node/intake/import_error.h"
#include "protocol/status.h"

namespace gongkai {

enum class TextEncoding { kUtf8, kUtf8Bom, kGb18030 };

// "UTF-8", "UTF-8 (BOM)", "GB18030".
std::string_view TextEncodingName(TextEncoding encoding);

// Offset of the first byte that does not start a valid UTF-8 sequence (overlong forms,
// surrogates and code points past U+10FFFF are invalid), or std::string_view::npos.
std::size_t FindInvalidUtf8(std::string_view bytes);

// Converts GB18030 to UTF-8, strictly (no replacement characters). On failure returns
// kErrImportEncoding; *bad_offset (may be null) receives the offset of the offending byte.
Result<std::string> Gb18030ToUtf8(std::string_view bytes, std::size_t* bad_offset = nullptr);

// Converts UTF-8 to GB18030 (for tests and fixtures). REQUIRES: valid UTF-8.
Result<std::string> Utf8ToGb18030(std::string_view utf8);

struct DecodedText {
  std::string utf8;  // without BOM
  TextEncoding encoding = TextEncoding::kUtf8;
};

// Detects the encoding of `bytes` and returns the text as UTF-8. On failure the Status
// (kErrImportEncoding, kErrImportBinary, kErrImportEmpty) carries the Chinese sentence and
// *error (may be null) the same as an ImportError of the whole file `file_name`.
Result<DecodedText> DecodeText(std::string_view bytes, std::string_view file_name,
                               ImportError* error = nullptr);

}  // namespace gongkai

#endif  // GONGKAI_NODE_INTAKE_TEXT_ENCODING_H_
