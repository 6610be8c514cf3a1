#include "protocol/status.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::Invalid("test.odd", "odd number " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  GK_ASSIGN_OR_RETURN(int h, Half(x));
  GK_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST_CASE("status carries kind, stable code and message") {
  Status s = Status::Denied("envelope.signature", "signature does not verify");
  CHECK_FALSE(s.ok());
  CHECK(s.kind() == StatusKind::kDenied);
  CHECK(s.code() == "envelope.signature");
  CHECK(s.ToString() == "envelope.signature: signature does not verify");
  CHECK(s.WithContext("envelope 12").message() == "envelope 12: signature does not verify");
  CHECK(Status::Ok().ok());
  CHECK(Status::Ok().ToString() == "ok");
  CHECK(StatusKindName(StatusKind::kTooLarge) == "too_large");
}

TEST_CASE("result propagates the first error") {
  CHECK(Quarter(8).ok());
  CHECK(*Quarter(8) == 2);
  Result<int> r = Quarter(6);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == "test.odd");
  CHECK(r.status().message() == "odd number 3");
}

TEST_CASE("a result built from an OK status is an internal error, not a value") {
  Result<int> r{Status::Ok()};
  CHECK_FALSE(r.ok());
  CHECK(r.status().kind() == StatusKind::kInternal);
}

}  // namespace
}  // namespace gongkai
