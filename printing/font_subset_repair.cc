#include "printing/font_subset_repair.h"

#include <fontconfig/fontconfig.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "printing/cff_font.h"

namespace gongkai {
namespace {

Status Bad(const std::string& what) {
  return Status::Invalid(kErrPrintFontSubset, "PDF 字体子集无法修复：" + what);
}

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PatternPtr = std::unique_ptr<FcPattern, Deleter<FcPattern, FcPatternDestroy>>;
using ObjectSetPtr = std::unique_ptr<FcObjectSet, Deleter<FcObjectSet, FcObjectSetDestroy>>;
using FontSetPtr = std::unique_ptr<FcFontSet, Deleter<FcFontSet, FcFontSetDestroy>>;

uint32_t Be32(std::string_view d, size_t at) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(d[at])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(d[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(d[at + 2])) << 8) |
         static_cast<uint8_t>(d[at + 3]);
}

Result<std::string> ReadRange(std::ifstream& in, uint64_t at, uint64_t size) {
  std::string bytes(size, '\0');
  in.seekg(static_cast<std::streamoff>(at));
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) return Bad("字体文件读不完整");
  return bytes;
}

struct InstalledFont {
  std::string file;
  int face_index = 0;
};

// File and face index of the installed font named `postscript_name`.
Result<InstalledFont> FindInstalledFont(const std::string& postscript_name) {
  PatternPtr pattern(FcPatternCreate());
  ObjectSetPtr objects(FcObjectSetBuild(FC_FILE, FC_INDEX, nullptr));
  if (!pattern || !objects) return Bad("fontconfig 内存不足");
  FcPatternAddString(pattern.get(), FC_POSTSCRIPT_NAME,
                     reinterpret_cast<const FcChar8*>(postscript_name.c_str()));
  FontSetPtr fonts(FcFontList(nullptr, pattern.get(), objects.get()));
  if (!fonts || fonts->nfont < 1) return Bad("找不到已安装的字体 " + postscript_name);
  FcChar8* file = nullptr;
  int index = 0;
  if (FcPatternGetString(fonts->fonts[0], FC_FILE, 0, &file) != FcResultMatch ||
      FcPatternGetInteger(fonts->fonts[0], FC_INDEX, 0, &index) != FcResultMatch) {
    return Bad("字体 " + postscript_name + " 没有文件");
  }
  return InstalledFont{reinterpret_cast<const char*>(file), index};
}

Result<std::string> Inflate(std::string_view in) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return Bad("zlib");
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  char buf[65536];
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (out.size() > kMaxEmbeddedFontBytes) rc = Z_MEM_ERROR;
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return Bad("字体流解压失败或过大");
  return out;
}

Result<std::string> Deflate(std::string_view in) {
  uLongf size = compressBound(static_cast<uLong>(in.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                reinterpret_cast<const Bytef*>(in.data()), static_cast<uLong>(in.size()),
                Z_DEFAULT_COMPRESSION) != Z_OK) {
    return Bad("字体流压缩失败");
  }
  out.resize(size);
  return out;
}

// Restores in `subset` the subroutines its glyphs call whose bodies differ from `original`.
Result<size_t> RestoreSubrs(CffFont* subset, const CffFont& original) {
  if (subset->global_subrs.size() != original.global_subrs.size()) return Bad("全局子程序个数不同");
  std::vector<size_t> original_fd(subset->font_dicts.size());
  for (size_t fd = 0; fd < subset->font_dicts.size(); ++fd) {
    const std::string_view name = CffFontDictName(*subset, fd);
    std::optional<size_t> match;
    for (size_t o = 0; o < original.font_dicts.size(); ++o) {
      if (CffFontDictName(original, o) != name) continue;
      if (match || name.empty()) return Bad("字体字典名不唯一");
      match = o;
    }
    if (!match || original.font_dicts[*match].subrs.size() != subset->font_dicts[fd].subrs.size()) {
      return Bad("字体字典 " + std::string(name) + " 对不上");
    }
    original_fd[fd] = *match;
  }
  size_t restored = 0;
  for (size_t g = 0; g < subset->charstrings.size(); ++g) {
    const size_t fd = subset->fd_of_glyph[g];
    const std::vector<std::string_view>& local = original.font_dicts[original_fd[fd]].subrs;
    GK_ASSIGN_OR_RETURN(CffSubrCalls calls,
                        FindCffSubrCalls(subset->charstrings[g], original.global_subrs, local));
    for (int n : calls.global) {
      std::string_view& body = subset->global_subrs[static_cast<size_t>(n)];
      if (body != original.global_subrs[static_cast<size_t>(n)]) {
        body = original.global_subrs[static_cast<size_t>(n)];
        ++restored;
      }
    }
    for (int n : calls.local) {
      std::string_view& body = subset->font_dicts[fd].subrs[static_cast<size_t>(n)];
      if (body != local[static_cast<size_t>(n)]) {
        body = local[static_cast<size_t>(n)];
        ++restored;
      }
    }
  }
  return restored;
}

std::optional<uint64_t> NumberAt(std::string_view text, size_t at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\n' || text[at] == '\r')) ++at;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data() + at, text.data() + text.size(), v);
  if (ec != std::errc() || end == text.data() + at) return std::nullopt;
  return v;
}

// "/Key 12 0 R" -> 12.
std::optional<uint64_t> RefAfter(std::string_view text, std::string_view key) {
  const size_t at = text.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  return NumberAt(text, at + key.size());
}

struct PdfObjects {
  std::vector<std::optional<uint64_t>> offsets;  // by object number; nullopt when free
  uint64_t xref_at = 0;
  std::string_view trailer;                   // "trailer ... " up to "startxref"
  std::map<uint64_t, std::string_view> text;  // object number -> its bytes
};

Result<PdfObjects> ReadObjects(std::string_view pdf) {
  PdfObjects r;
  const size_t start = pdf.rfind("startxref");
  if (start == std::string_view::npos) return Bad("没有 startxref");
  std::optional<uint64_t> xref_at = NumberAt(pdf, start + 10);
  if (!xref_at || *xref_at >= pdf.size() || pdf.substr(*xref_at, 5) != "xref\n")
    return Bad("没有 xref 表");
  r.xref_at = *xref_at;
  size_t p = *xref_at + 5;
  while (p < pdf.size() && pdf.substr(p, 7) != "trailer") {
    const size_t space = pdf.find(' ', p);
    const size_t line_end = pdf.find('\n', p);
    if (space == std::string_view::npos || line_end == std::string_view::npos)
      return Bad("xref 表格式");
    const uint64_t first = NumberAt(pdf, p).value_or(UINT64_MAX);
    const uint64_t count = NumberAt(pdf, space).value_or(UINT64_MAX);
    if (first > pdf.size() || count > pdf.size() / 20 || line_end + 1 + count * 20 > pdf.size()) {
      return Bad("xref 表格式");
    }
    p = line_end + 1;
    if (r.offsets.size() < first + count) r.offsets.resize(first + count);
    for (uint64_t i = 0; i < count; ++i, p += 20) {
      const std::string_view entry = pdf.substr(p, 20);
      if (entry[17] == 'n') r.offsets[first + i] = NumberAt(entry, 0);
    }
  }
  if (p >= pdf.size()) return Bad("没有 trailer");
  r.trailer = pdf.substr(p, start - p);
  std::vector<std::pair<uint64_t, uint64_t>> order;  // offset, number
  for (uint64_t n = 0; n < r.offsets.size(); ++n) {
    if (r.offsets[n]) order.emplace_back(*r.offsets[n], n);
  }
  std::sort(order.begin(), order.end());
  for (size_t i = 0; i < order.size(); ++i) {
    const uint64_t end = i + 1 < order.size() ? order[i + 1].first : r.xref_at;
    if (order[i].first >= end) return Bad("对象位置");
    const std::string_view text = pdf.substr(order[i].first, end - order[i].first);
    const std::string head = std::to_string(order[i].second) + " 0 obj";
    if (text.substr(0, head.size()) != head)
      return Bad("对象 " + std::to_string(order[i].second) + " 不在 xref 所说的位置");
    r.text[order[i].second] = text;
  }
  return r;
}

struct FontStream {
  size_t data_at = 0;  // where the stream data begins in the object
  size_t length_key = 0;
  std::optional<uint64_t> length_ref;  // the Length object, when indirect
  std::string cff;                     // inflated
};

// The CFF font stream of object `object`, or nullopt when it is not a CIDFontType0C stream.
Result<std::optional<FontStream>> ReadFontStream(const PdfObjects& objects,
                                                 std::string_view object) {
  const size_t stream = object.find("stream");
  if (stream == std::string_view::npos) return Bad("字体对象没有数据流");
  const std::string_view dict = object.substr(0, stream);
  if (dict.find("/CIDFontType0C") == std::string_view::npos) return std::optional<FontStream>();
  if (dict.find("/FlateDecode") == std::string_view::npos) return Bad("字体流不是 FlateDecode");
  FontStream f;
  f.data_at = stream + 6;
  if (object.substr(f.data_at, 2) == "\r\n")
    f.data_at += 2;
  else if (object.substr(f.data_at, 1) == "\n")
    f.data_at += 1;
  else
    return Bad("stream 后没有换行");
  f.length_key = dict.find("/Length ");
  if (f.length_key == std::string_view::npos) return Bad("字体流没有 Length");
  std::optional<uint64_t> length = NumberAt(dict, f.length_key + 8);
  const size_t after_number = dict.find_first_not_of("0123456789 ", f.length_key + 8);
  if (length && after_number != std::string_view::npos && dict[after_number] == 'R') {
    f.length_ref = length;
    auto it = objects.text.find(*length);
    if (it == objects.text.end()) return Bad("Length 对象不存在");
    length = NumberAt(it->second, it->second.find("obj") + 3);
  }
  if (!length || f.data_at + *length > object.size()) return Bad("字体流长度");
  GK_ASSIGN_OR_RETURN(f.cff, Inflate(object.substr(f.data_at, *length)));
  return std::optional<FontStream>(std::move(f));
}

// Each FontDescriptor's FontFile3 object number and PostScript name (without subset tag).
std::vector<std::pair<uint64_t, std::string>> FontFiles(const PdfObjects& objects) {
  std::vector<std::pair<uint64_t, std::string>> files;
  for (const auto& [number, object] : objects.text) {
    // The dictionary only: stream data and strings (a title) are not looked into.
    const std::string_view text = object.substr(0, object.find("stream"));
    if (text.find("/Type /FontDescriptor") == std::string_view::npos) continue;
    std::optional<uint64_t> file = RefAfter(text, "/FontFile3 ");
    const size_t name_at = text.find("/FontName /");
    if (!file || name_at == std::string_view::npos) continue;
    const size_t name_end = text.find_first_of(" \r\n/>", name_at + 11);
    std::string name(text.substr(name_at + 11, name_end - (name_at + 11)));
    if (name.size() > 7 && name[6] == '+') name = name.substr(7);
    files.emplace_back(*file, std::move(name));
  }
  return files;
}

// Installed fonts' CFF tables, read once per process (each is about 15 MB).
Result<std::shared_ptr<const std::string>> InstalledCff(const std::string& postscript_name) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const std::string>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(postscript_name);
  if (it != cache.end()) return it->second;
  GK_ASSIGN_OR_RETURN(InstalledFont installed, FindInstalledFont(postscript_name));
  GK_ASSIGN_OR_RETURN(std::string bytes, ReadOpenTypeCff(installed.file, installed.face_index));
  auto shared = std::make_shared<const std::string>(std::move(bytes));
  cache.emplace(postscript_name, shared);
  return shared;
}

}  // namespace

Result<std::string> ReadOpenTypeCff(const std::string& path, int face_index) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Bad("无法打开字体文件 " + path);
  GK_ASSIGN_OR_RETURN(std::string head, ReadRange(in, 0, 12));
  uint64_t directory = 0;
  if (head.substr(0, 4) == "ttcf") {
    const uint32_t faces = Be32(head, 8);
    if (face_index < 0 || static_cast<uint32_t>(face_index) >= faces)
      return Bad("字体集没有该字体");
    GK_ASSIGN_OR_RETURN(std::string at,
                        ReadRange(in, 12 + 4 * static_cast<uint64_t>(face_index), 4));
    directory = Be32(at, 0);
  } else if (face_index != 0) {
    return Bad("字体文件不是字体集");
  }
  GK_ASSIGN_OR_RETURN(std::string dir, ReadRange(in, directory, 12));
  const uint32_t tables = (static_cast<uint8_t>(dir[4]) << 8) | static_cast<uint8_t>(dir[5]);
  GK_ASSIGN_OR_RETURN(std::string records,
                      ReadRange(in, directory + 12, 16 * static_cast<uint64_t>(tables)));
  for (uint32_t t = 0; t < tables; ++t) {
    if (records.substr(16 * t, 4) != "CFF ") continue;
    const uint32_t length = Be32(records, 16 * t + 12);
    if (length > kMaxEmbeddedFontBytes) return Bad("CFF 表过大");
    return ReadRange(in, Be32(records, 16 * t + 8), length);
  }
  return Bad(path + " 没有 CFF 表");
}

Result<std::string> RepairPdfFontSubsets(std::string_view pdf, FontSubsetRepair* repair) {
  GK_ASSIGN_OR_RETURN(PdfObjects objects, ReadObjects(pdf));
  std::map<uint64_t, std::string> replaced;
  for (const auto& [file, name] : FontFiles(objects)) {
    auto font = objects.text.find(file);
    if (font == objects.text.end()) return Bad("FontFile3 对象不存在");
    GK_ASSIGN_OR_RETURN(std::optional<FontStream> stream, ReadFontStream(objects, font->second));
    if (!stream) continue;
    GK_ASSIGN_OR_RETURN(std::shared_ptr<const std::string> original_bytes, InstalledCff(name));
    GK_ASSIGN_OR_RETURN(CffFont subset, ParseCidCff(stream->cff));
    GK_ASSIGN_OR_RETURN(CffFont original, ParseCidCff(*original_bytes));
    ++repair->fonts;
    GK_ASSIGN_OR_RETURN(size_t restored, RestoreSubrs(&subset, original));
    if (restored == 0) continue;
    repair->subrs_restored += restored;
    GK_ASSIGN_OR_RETURN(std::string data, Deflate(WriteCidCff(subset)));
    std::string head(font->second.substr(0, stream->data_at));
    if (stream->length_ref) {
      replaced[*stream->length_ref] = std::to_string(*stream->length_ref) + " 0 obj\n   " +
                                      std::to_string(data.size()) + "\nendobj\n";
    } else {
      const size_t digits = head.find_first_not_of(' ', stream->length_key + 8);
      const size_t digits_end = head.find_first_not_of("0123456789", digits);
      head.replace(digits, digits_end - digits, std::to_string(data.size()));
    }
    replaced[file] = head + data + "\nendstream\nendobj\n";
  }
  if (replaced.empty()) return std::string(pdf);

  std::vector<std::pair<uint64_t, uint64_t>> order;
  for (uint64_t n = 0; n < objects.offsets.size(); ++n) {
    if (objects.offsets[n]) order.emplace_back(*objects.offsets[n], n);
  }
  std::sort(order.begin(), order.end());
  std::string out(pdf.substr(0, order.empty() ? objects.xref_at : order.front().first));
  std::vector<uint64_t> offsets(objects.offsets.size(), 0);
  for (const auto& [offset, number] : order) {
    offsets[number] = out.size();
    auto it = replaced.find(number);
    if (it != replaced.end())
      out += it->second;
    else
      out += objects.text.at(number);
  }
  const uint64_t xref_at = out.size();
  out += "xref\n0 " + std::to_string(offsets.size()) + "\n";
  for (uint64_t n = 0; n < offsets.size(); ++n) {
    char entry[21];
    if (objects.offsets[n])
      snprintf(entry, sizeof entry, "%010llu 00000 n \n",
               static_cast<unsigned long long>(offsets[n]));
    else
      snprintf(entry, sizeof entry, "%010llu 65535 f \n", 0ULL);
    out.append(entry, 20);
  }
  out += objects.trailer;
  out += "startxref\n" + std::to_string(xref_at) + "\n%%EOF\n";
  return out;
}

}  // namespace gongkai

namespace gongkai {

Result<std::vector<EmbeddedCffFont>> EmbeddedCffFonts(std::string_view pdf) {
  GK_ASSIGN_OR_RETURN(PdfObjects objects, ReadObjects(pdf));
  std::vector<EmbeddedCffFont> fonts;
  for (const auto& [file, name] : FontFiles(objects)) {
    auto font = objects.text.find(file);
    if (font == objects.text.end()) return Bad("FontFile3 对象不存在");
    GK_ASSIGN_OR_RETURN(std::optional<FontStream> stream, ReadFontStream(objects, font->second));
    if (stream) fonts.push_back({name, std::move(stream->cff)});
  }
  return fonts;
}

}  // namespace gongkai
