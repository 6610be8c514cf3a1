// Fuzzes the streaming bundle reader over arbitrary bytes, and the have summary decoder on
// the same bytes. Seeds in corpus/bundle/ are valid bundles and one have summary encoding.
#include <cstddef>
#include <cstdint>
#include <istream>
#include <streambuf>

#include "protocol/bundle.h"
#include "protocol/have.h"

namespace {

class ViewBuf : public std::streambuf {
 public:
  ViewBuf(const uint8_t* data, size_t size) {
    char* p = const_cast<char*>(reinterpret_cast<const char*>(data));
    setg(p, p, p + size);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ViewBuf buf(data, size);
  std::istream in(&buf);
  gongkai::BundleReader reader(in);
  if (reader.Open().ok()) {
    while (true) {
      gongkai::Result<std::optional<gongkai::Envelope>> next = reader.Next();
      if (!next.ok() || !next->has_value()) {
        if (next.ok()) (void)reader.Finish();
        break;
      }
    }
  }
  gongkai::Result<gongkai::HaveSummary> have = gongkai::HaveSummary::Decode({data, size});
  if (have.ok()) {
    // Canonical form: re-encoding gives back the same bytes.
    gongkai::Result<gongkai::Bytes> again = have->Encode();
    if (!again.ok() || *again != gongkai::Bytes(data, data + size)) __builtin_trap();
  }
  return 0;
}
