#include "printing/cff_font.h"

#include <optional>

namespace gongkai {
namespace {

// DICT operators whose operands are offsets into the font; written back in the 5-byte form
// so that their size does not depend on where things land.
constexpr int kOpCharset = 15;
constexpr int kOpCharStrings = 17;
constexpr int kOpPrivate = 18;
constexpr int kOpSubrs = 19;
constexpr int kOpFontName = 1238;
constexpr int kOpFdArray = 1236;
constexpr int kOpFdSelect = 1237;
constexpr size_t kStandardStrings = 391;

Status Bad(const std::string& what) {
  return Status::Invalid(kErrCffFormat, "CFF 字体格式不符：" + what);
}

uint32_t ReadBe(std::string_view d, size_t at, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(d[at + i]);
  return v;
}

struct IndexRead {
  std::vector<std::string_view> items;
  size_t end = 0;
};

Result<IndexRead> ReadIndex(std::string_view d, size_t at) {
  if (at + 2 > d.size()) return Bad("INDEX 越界");
  IndexRead r;
  const size_t count = ReadBe(d, at, 2);
  if (count == 0) {
    r.end = at + 2;
    return r;
  }
  if (at + 3 > d.size()) return Bad("INDEX 越界");
  const size_t off_size = static_cast<uint8_t>(d[at + 2]);
  if (off_size < 1 || off_size > 4) return Bad("INDEX offSize");
  const size_t offsets = at + 3;
  if (offsets + (count + 1) * off_size > d.size()) return Bad("INDEX 越界");
  const size_t base = offsets + (count + 1) * off_size - 1;
  size_t previous = ReadBe(d, offsets, off_size);
  if (previous != 1) return Bad("INDEX 首偏移");
  r.items.reserve(count);
  for (size_t i = 1; i <= count; ++i) {
    const size_t next = ReadBe(d, offsets + i * off_size, off_size);
    if (next < previous || base + next > d.size()) return Bad("INDEX 偏移");
    r.items.push_back(d.substr(base + previous, next - previous));
    previous = next;
  }
  r.end = base + previous;
  return r;
}

Result<std::vector<CffDictEntry>> ReadDict(std::string_view d) {
  std::vector<CffDictEntry> entries;
  CffDictEntry current;
  size_t operands_begin = 0;
  size_t i = 0;
  while (i < d.size()) {
    const uint8_t b = static_cast<uint8_t>(d[i]);
    if (b <= 21) {
      current.op = b;
      size_t len = 1;
      if (b == 12) {
        if (i + 1 >= d.size()) return Bad("DICT 操作符");
        current.op = 1200 + static_cast<uint8_t>(d[i + 1]);
        len = 2;
      }
      current.raw = d.substr(operands_begin, i - operands_begin);
      entries.push_back(std::move(current));
      current = CffDictEntry{};
      i += len;
      operands_begin = i;
    } else if (b == 28 || b == 29) {
      const size_t n = b == 28 ? 2 : 4;
      if (i + n >= d.size()) return Bad("DICT 数值");
      const uint32_t v = ReadBe(d, i + 1, n);
      current.values.push_back(b == 28 ? static_cast<int16_t>(v) : static_cast<int32_t>(v));
      i += 1 + n;
    } else if (b == 30) {
      ++i;
      bool done = false;
      while (i < d.size() && !done) {
        const uint8_t nibbles = static_cast<uint8_t>(d[i++]);
        done = (nibbles & 0x0f) == 0x0f || (nibbles >> 4) == 0x0f;
      }
      if (!done) return Bad("DICT 实数");
      current.values.push_back(0);
    } else if (b >= 32 && b <= 246) {
      current.values.push_back(b - 139);
      ++i;
    } else if (b >= 247 && b <= 254) {
      if (i + 1 >= d.size()) return Bad("DICT 数值");
      const int w = static_cast<uint8_t>(d[i + 1]);
      current.values.push_back(b <= 250 ? (b - 247) * 256 + w + 108 : -(b - 251) * 256 - w - 108);
      i += 2;
    } else {
      return Bad("DICT 字节");
    }
  }
  return entries;
}

const CffDictEntry* Find(const std::vector<CffDictEntry>& dict, int op) {
  for (const CffDictEntry& e : dict) {
    if (e.op == op) return &e;
  }
  return nullptr;
}

Result<int64_t> Operand(const std::vector<CffDictEntry>& dict, int op, size_t n, const char* what) {
  const CffDictEntry* e = Find(dict, op);
  if (e == nullptr || e->values.size() <= n) return Bad(std::string("缺少 ") + what);
  return e->values[n];
}

Result<size_t> CharsetSize(std::string_view d, size_t at, size_t glyphs) {
  if (at >= d.size()) return Bad("charset 越界");
  const uint8_t format = static_cast<uint8_t>(d[at]);
  size_t p = at + 1;
  if (format == 0) {
    p += 2 * (glyphs - 1);
  } else if (format == 1 || format == 2) {
    const size_t left_size = format == 1 ? 1 : 2;
    size_t covered = 1;
    while (covered < glyphs) {
      if (p + 2 + left_size > d.size()) return Bad("charset 越界");
      covered += ReadBe(d, p + 2, left_size) + 1;
      p += 2 + left_size;
    }
  } else {
    return Bad("charset 格式");
  }
  if (p > d.size()) return Bad("charset 越界");
  return p - at;
}

Result<size_t> DecodeFdSelect(std::string_view d, size_t at, size_t glyphs, size_t fds,
                              std::vector<uint8_t>* out) {
  if (at >= d.size()) return Bad("FDSelect 越界");
  out->assign(glyphs, 0);
  const uint8_t format = static_cast<uint8_t>(d[at]);
  if (format == 0) {
    if (at + 1 + glyphs > d.size()) return Bad("FDSelect 越界");
    for (size_t g = 0; g < glyphs; ++g) (*out)[g] = static_cast<uint8_t>(d[at + 1 + g]);
  } else if (format == 3) {
    if (at + 3 > d.size()) return Bad("FDSelect 越界");
    const size_t ranges = ReadBe(d, at + 1, 2);
    if (at + 3 + 3 * ranges + 2 > d.size() || ranges == 0) return Bad("FDSelect 越界");
    for (size_t r = 0; r < ranges; ++r) {
      const size_t first = ReadBe(d, at + 3 + 3 * r, 2);
      const uint8_t fd = static_cast<uint8_t>(d[at + 5 + 3 * r]);
      const size_t next = ReadBe(d, at + 6 + 3 * r, 2);
      for (size_t g = first; g < next && g < glyphs; ++g) (*out)[g] = fd;
    }
  } else {
    return Bad("FDSelect 格式");
  }
  for (uint8_t fd : *out) {
    if (fd >= fds) return Bad("FDSelect 字典号");
  }
  return format == 0 ? 1 + glyphs : 3 + 3 * ReadBe(d, at + 1, 2) + 2;
}

void PutBe(std::string* out, uint32_t v, size_t n) {
  for (size_t i = n; i-- > 0;) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void WriteIndex(std::string* out, const std::vector<std::string_view>& items) {
  PutBe(out, static_cast<uint32_t>(items.size()), 2);
  if (items.empty()) return;
  size_t total = 1;
  for (std::string_view item : items) total += item.size();
  const size_t off_size = total <= 0xff ? 1 : total <= 0xffff ? 2 : total <= 0xffffff ? 3 : 4;
  out->push_back(static_cast<char>(off_size));
  size_t offset = 1;
  PutBe(out, 1, off_size);
  for (std::string_view item : items) {
    offset += item.size();
    PutBe(out, static_cast<uint32_t>(offset), off_size);
  }
  for (std::string_view item : items) out->append(item);
}

bool IsOffsetOp(int op) {
  return op == kOpCharset || op == kOpCharStrings || op == kOpPrivate || op == kOpSubrs ||
         op == kOpFdArray || op == kOpFdSelect;
}

// `values` replaces the offsets of an offset operator; others keep their bytes.
std::string WriteDict(const std::vector<CffDictEntry>& dict,
                      const std::vector<std::pair<int, std::vector<int64_t>>>& values) {
  std::string out;
  for (const CffDictEntry& e : dict) {
    const std::vector<int64_t>* replaced = nullptr;
    for (const auto& [op, v] : values) {
      if (op == e.op) replaced = &v;
    }
    if (replaced != nullptr && IsOffsetOp(e.op)) {
      for (int64_t v : *replaced) {
        out.push_back(29);
        PutBe(&out, static_cast<uint32_t>(v), 4);
      }
    } else {
      out.append(e.raw);
    }
    if (e.op >= 1200) {
      out.push_back(12);
      out.push_back(static_cast<char>(e.op - 1200));
    } else {
      out.push_back(static_cast<char>(e.op));
    }
  }
  return out;
}

}  // namespace

int CffSubrBias(size_t count) { return count < 1240 ? 107 : count < 33900 ? 1131 : 32768; }

Result<CffFont> ParseCidCff(std::string_view d) {
  if (d.size() < 4 || d[0] != 1) return Bad("头部");
  const size_t header_size = static_cast<uint8_t>(d[2]);
  if (header_size < 4 || header_size > d.size()) return Bad("头部");
  GK_ASSIGN_OR_RETURN(IndexRead names, ReadIndex(d, header_size));
  GK_ASSIGN_OR_RETURN(IndexRead tops, ReadIndex(d, names.end));
  if (tops.items.size() != 1) return Bad("Top DICT 个数");
  GK_ASSIGN_OR_RETURN(IndexRead strings, ReadIndex(d, tops.end));
  GK_ASSIGN_OR_RETURN(IndexRead globals, ReadIndex(d, strings.end));
  CffFont font;
  font.head = d.substr(0, names.end);
  GK_ASSIGN_OR_RETURN(font.top, ReadDict(tops.items[0]));
  font.strings = std::move(strings.items);
  font.global_subrs = std::move(globals.items);

  GK_ASSIGN_OR_RETURN(int64_t charstrings_at, Operand(font.top, kOpCharStrings, 0, "CharStrings"));
  GK_ASSIGN_OR_RETURN(int64_t fd_array_at, Operand(font.top, kOpFdArray, 0, "FDArray"));
  GK_ASSIGN_OR_RETURN(int64_t fd_select_at, Operand(font.top, kOpFdSelect, 0, "FDSelect"));
  GK_ASSIGN_OR_RETURN(int64_t charset_at, Operand(font.top, kOpCharset, 0, "charset"));
  if (charstrings_at < 0 || fd_array_at < 0 || fd_select_at < 0 || charset_at <= 2) {
    return Bad("偏移");
  }
  GK_ASSIGN_OR_RETURN(IndexRead charstrings, ReadIndex(d, static_cast<size_t>(charstrings_at)));
  font.charstrings = std::move(charstrings.items);
  if (font.charstrings.empty()) return Bad("没有字形");
  GK_ASSIGN_OR_RETURN(size_t charset_size,
                      CharsetSize(d, static_cast<size_t>(charset_at), font.charstrings.size()));
  font.charset = d.substr(static_cast<size_t>(charset_at), charset_size);

  GK_ASSIGN_OR_RETURN(IndexRead fd_array, ReadIndex(d, static_cast<size_t>(fd_array_at)));
  if (fd_array.items.empty() || fd_array.items.size() > 255) return Bad("FDArray");
  for (std::string_view raw : fd_array.items) {
    CffFontDict fd;
    GK_ASSIGN_OR_RETURN(fd.dict, ReadDict(raw));
    GK_ASSIGN_OR_RETURN(int64_t size, Operand(fd.dict, kOpPrivate, 0, "Private"));
    GK_ASSIGN_OR_RETURN(int64_t at, Operand(fd.dict, kOpPrivate, 1, "Private"));
    if (size < 0 || at < 0 || static_cast<size_t>(at + size) > d.size()) return Bad("Private 越界");
    GK_ASSIGN_OR_RETURN(fd.private_dict,
                        ReadDict(d.substr(static_cast<size_t>(at), static_cast<size_t>(size))));
    if (const CffDictEntry* subrs = Find(fd.private_dict, kOpSubrs)) {
      if (subrs->values.size() != 1 || subrs->values[0] < 0) return Bad("Subrs");
      GK_ASSIGN_OR_RETURN(IndexRead local,
                          ReadIndex(d, static_cast<size_t>(at + subrs->values[0])));
      fd.subrs = std::move(local.items);
    }
    font.font_dicts.push_back(std::move(fd));
  }
  GK_ASSIGN_OR_RETURN(size_t fd_select_size,
                      DecodeFdSelect(d, static_cast<size_t>(fd_select_at), font.charstrings.size(),
                                     font.font_dicts.size(), &font.fd_of_glyph));
  font.fd_select = d.substr(static_cast<size_t>(fd_select_at), fd_select_size);
  return font;
}

std::string WriteCidCff(const CffFont& font) {
  // Every offset is written in 5 bytes, so sizes are known before the offsets: lay out with
  // zeros, then again with the places found.
  std::vector<std::string> privates;
  for (const CffFontDict& fd : font.font_dicts) {
    const bool has_subrs = Find(fd.private_dict, kOpSubrs) != nullptr;
    std::string probe = WriteDict(fd.private_dict, {{kOpSubrs, {0}}});
    privates.push_back(
        has_subrs ? WriteDict(fd.private_dict, {{kOpSubrs, {static_cast<int64_t>(probe.size())}}})
                  : probe);
  }
  auto build = [&](int64_t charset, int64_t fd_select, int64_t charstrings, int64_t fd_array,
                   const std::vector<int64_t>& private_at, std::vector<int64_t>* private_at_out,
                   int64_t* places) {
    std::string out(font.head);
    WriteIndex(&out, {WriteDict(font.top, {{kOpCharStrings, {charstrings}},
                                           {kOpFdArray, {fd_array}},
                                           {kOpFdSelect, {fd_select}},
                                           {kOpCharset, {charset}}})});
    WriteIndex(&out, font.strings);
    WriteIndex(&out, font.global_subrs);
    places[0] = static_cast<int64_t>(out.size());
    out.append(font.charset);
    places[1] = static_cast<int64_t>(out.size());
    out.append(font.fd_select);
    places[2] = static_cast<int64_t>(out.size());
    WriteIndex(&out, font.charstrings);
    places[3] = static_cast<int64_t>(out.size());
    std::vector<std::string> dicts;
    for (size_t i = 0; i < font.font_dicts.size(); ++i) {
      dicts.push_back(
          WriteDict(font.font_dicts[i].dict,
                    {{kOpPrivate, {static_cast<int64_t>(privates[i].size()), private_at[i]}}}));
    }
    std::vector<std::string_view> dict_views(dicts.begin(), dicts.end());
    WriteIndex(&out, dict_views);
    private_at_out->clear();
    for (size_t i = 0; i < font.font_dicts.size(); ++i) {
      private_at_out->push_back(static_cast<int64_t>(out.size()));
      out.append(privates[i]);
      if (Find(font.font_dicts[i].private_dict, kOpSubrs) != nullptr) {
        WriteIndex(&out, font.font_dicts[i].subrs);
      }
    }
    return out;
  };
  std::vector<int64_t> zeros(font.font_dicts.size(), 0);
  std::vector<int64_t> private_at;
  int64_t places[4] = {0, 0, 0, 0};
  build(0, 0, 0, 0, zeros, &private_at, places);
  const std::vector<int64_t> found_private = private_at;
  int64_t found[4] = {places[0], places[1], places[2], places[3]};
  return build(found[0], found[1], found[2], found[3], found_private, &private_at, places);
}

std::string_view CffFontDictName(const CffFont& font, size_t fd) {
  const CffDictEntry* name = Find(font.font_dicts[fd].dict, kOpFontName);
  if (name == nullptr || name->values.size() != 1 || name->values[0] < 0) return {};
  const size_t sid = static_cast<size_t>(name->values[0]);
  if (sid < kStandardStrings || sid - kStandardStrings >= font.strings.size()) return {};
  return font.strings[sid - kStandardStrings];
}

namespace {

Status BadCharstring(const std::string& what) {
  return Status::Invalid(kErrCffCharstring, "字形程序无法分析：" + what);
}

struct Runner {
  const std::vector<std::string_view>& global_subrs;
  const std::vector<std::string_view>& local_subrs;
  CffSubrCalls calls;
  std::vector<std::optional<int>> stack;
  size_t stems = 0;

  // Returns true when the glyph ended (endchar), false on return or the end of the bytes.
  Result<bool> Run(std::string_view code, int depth) {
    size_t i = 0;
    while (i < code.size()) {
      const uint8_t b = static_cast<uint8_t>(code[i]);
      if (b == 28) {
        if (i + 2 >= code.size()) return BadCharstring("数值越界");
        stack.push_back(static_cast<int16_t>(ReadBe(code, i + 1, 2)));
        i += 3;
      } else if (b >= 32 && b <= 246) {
        stack.push_back(b - 139);
        ++i;
      } else if (b >= 247 && b <= 254) {
        if (i + 1 >= code.size()) return BadCharstring("数值越界");
        const int w = static_cast<uint8_t>(code[i + 1]);
        stack.push_back(b <= 250 ? (b - 247) * 256 + w + 108 : -(b - 251) * 256 - w - 108);
        i += 2;
      } else if (b == 255) {
        if (i + 4 >= code.size()) return BadCharstring("数值越界");
        stack.push_back(std::nullopt);  // 16.16 fixed: never a subroutine number
        i += 5;
      } else if (b == 1 || b == 3 || b == 18 || b == 23) {  // stem hints
        stems += stack.size() / 2;
        stack.clear();
        ++i;
      } else if (b == 19 || b == 20) {  // hintmask, cntrmask: operands are an implied vstem
        stems += stack.size() / 2;
        stack.clear();
        i += 1 + (stems + 7) / 8;
      } else if (b == 10 || b == 29) {  // callsubr, callgsubr
        const std::vector<std::string_view>& subrs = b == 10 ? local_subrs : global_subrs;
        if (stack.empty() || !stack.back()) return BadCharstring("子程序编号不是常数");
        const int n = *stack.back() + CffSubrBias(subrs.size());
        stack.pop_back();
        if (n < 0 || static_cast<size_t>(n) >= subrs.size()) return BadCharstring("子程序编号越界");
        if (depth + 1 > kMaxCffSubrNesting) return BadCharstring("子程序嵌套过深");
        (b == 10 ? calls.local : calls.global).insert(n);
        GK_ASSIGN_OR_RETURN(bool ended, Run(subrs[static_cast<size_t>(n)], depth + 1));
        if (ended) return true;
        ++i;
      } else if (b == 11) {  // return
        return false;
      } else if (b == 14) {  // endchar
        return true;
      } else if (b == 12) {
        if (i + 1 >= code.size()) return BadCharstring("操作符越界");
        const uint8_t op = static_cast<uint8_t>(code[i + 1]);
        if (op < 34 || op > 37) return BadCharstring("不支持的运算符 12 " + std::to_string(op));
        stack.clear();  // flex, hflex, hflex1, flex1
        i += 2;
      } else if ((b >= 4 && b <= 8) || b == 21 || b == 22 || (b >= 24 && b <= 27) || b == 30 ||
                 b == 31) {
        stack.clear();  // path construction
        ++i;
      } else {
        return BadCharstring("保留的操作符 " + std::to_string(b));
      }
    }
    return false;
  }
};

}  // namespace

Result<CffSubrCalls> FindCffSubrCalls(std::string_view charstring,
                                      const std::vector<std::string_view>& global_subrs,
                                      const std::vector<std::string_view>& local_subrs) {
  Runner runner{global_subrs, local_subrs, {}, {}, 0};
  GK_ASSIGN_OR_RETURN(runner.calls.endchar, runner.Run(charstring, 0));
  return std::move(runner.calls);
}

}  // namespace gongkai
