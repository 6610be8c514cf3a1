// The enrolment token's QR code (hub/enrolment/enrol_qr.h): the payload and the PNG read back.
#include "hub/enrolment/enrol_qr.h"

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <memory>

#include "protocol/temp_dir.h"

namespace gongkai::testing {
namespace {

IssuedEnrolToken Sample() {
  IssuedEnrolToken issued;
  issued.token = "AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT";
  issued.role = Role::kVillage;
  issued.region = "511304100201";
  issued.name = "石庙村";
  return issued;
}

std::string Scan(const std::string& png) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(
      popen(("zbarimg --raw -q '" + png + "' 2>/dev/null").c_str(), "r"), pclose);
  REQUIRE(pipe);
  std::string out;
  std::array<char, 512> buffer;
  while (size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe.get()))
    out.append(buffer.data(), n);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

TEST_CASE("payload: sorted JSON keys, fp and hub only when known") {
  const std::string fp(64, 'a');
  CHECK(EnrolQrPayload(Sample(), "https://10.0.0.1:8440", fp) ==
        R"({"fp":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",)"
        R"("hub":"https://10.0.0.1:8440","name":"石庙村","region":"511304100201",)"
        R"("role":"village","token":"AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT"})");
  CHECK(EnrolQrPayload(Sample(), "", "") ==
        R"({"name":"石庙村","region":"511304100201","role":"village",)"
        R"("token":"AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT"})");
}

TEST_CASE("the PNG reads back as the payload") {
  TempDir dir;
  const std::string png = (dir.path() / "token.png").string();
  const std::string payload =
      EnrolQrPayload(Sample(), "https://10.0.0.1:8440", std::string(64, 'b'));
  REQUIRE(WriteQrPng(png, payload).ok());
  CHECK(Scan(png) == payload);
  CHECK(WriteQrPng((dir.path() / "missing" / "token.png").string(), payload).code() ==
        kErrEnrolQrWrite);
}

}  // namespace
}  // namespace gongkai::testing
