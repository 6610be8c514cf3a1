#include "protocol/status.h"

namespace gongkai {

std::string_view StatusKindName(StatusKind kind) {
  switch (kind) {
    case StatusKind::kOk: return "ok";
    case StatusKind::kInvalid: return "invalid";
    case StatusKind::kTooLarge: return "too_large";
    case StatusKind::kNotFound: return "not_found";
    case StatusKind::kDenied: return "denied";
    case StatusKind::kConflict: return "conflict";
    case StatusKind::kIoError: return "io_error";
    case StatusKind::kUnavailable: return "unavailable";
    case StatusKind::kInternal: return "internal";
  }
  return "internal";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return code_ + ": " + message_;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(kind_, code_, std::string(context) + ": " + message_);
}

}  // namespace gongkai
