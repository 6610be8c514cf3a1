#include "protocol/sha256.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

// FIPS 180-2 examples.
TEST_CASE("sha256 matches the published vectors") {
  CHECK(HashHex(Sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(HashHex(Sha256("abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(HashHex(Sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("streaming equals one-shot") {
  std::string data(100000, 'a');
  Sha256Stream s;
  s.Update(std::string_view(data).substr(0, 333));
  s.Update(std::string_view(data).substr(333));
  CHECK(s.Finish() == Sha256(data));
}

}  // namespace
}  // namespace gongkai
