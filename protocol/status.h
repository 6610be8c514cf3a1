// Status and Result<T>: the one error vocabulary of gongkai.
//
// A Status is OK, or carries a Kind (what sort of failure, which decides the exit code and
// the HTTP status), a stable code (a short ASCII identifier such as "envelope.truncated"
// that scripts and tests match on, never reworded) and a message for people (Chinese where
// a clerk reads it; it names the file, row and field, or the envelope, table, row and column).
//
// Library code returns Status or Result<T>; it does not throw. Exceptions from the standard
// library or Poco are caught at the edges (a command's main, an HTTP handler) and turned into
// a Status there. Thread-safety: values; safe to copy between threads.
#ifndef GONGKAI_PROTOCOL_STATUS_H_
#define GONGKAI_PROTOCOL_STATUS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace gongkai {

enum class StatusKind : unsigned char {
  kOk = 0,
  kInvalid,     // input from outside is malformed (bad argument, bad file, bad bytes)
  kTooLarge,    // input exceeds a named limit
  kNotFound,    // a thing asked for does not exist
  kDenied,      // signature, certificate, scope or role forbids it
  kConflict,    // contradicts what is already held (equivocation, same key other content)
  kIoError,     // the file system or network failed
  kUnavailable, // a peer could not be reached or timed out; retrying may help
  kInternal,    // a bug or an impossible state; never caused by input alone
};

// Name of a kind for logs and JSON ("invalid", "too_large", ...).
std::string_view StatusKindName(StatusKind kind);

class [[nodiscard]] Status {
 public:
  // An OK status.
  Status() = default;
  static Status Ok() { return Status(); }

  static Status Invalid(std::string code, std::string message) {
    return Status(StatusKind::kInvalid, std::move(code), std::move(message));
  }
  static Status TooLarge(std::string code, std::string message) {
    return Status(StatusKind::kTooLarge, std::move(code), std::move(message));
  }
  static Status NotFound(std::string code, std::string message) {
    return Status(StatusKind::kNotFound, std::move(code), std::move(message));
  }
  static Status Denied(std::string code, std::string message) {
    return Status(StatusKind::kDenied, std::move(code), std::move(message));
  }
  static Status Conflict(std::string code, std::string message) {
    return Status(StatusKind::kConflict, std::move(code), std::move(message));
  }
  static Status IoError(std::string code, std::string message) {
    return Status(StatusKind::kIoError, std::move(code), std::move(message));
  }
  static Status Unavailable(std::string code, std::string message) {
    return Status(StatusKind::kUnavailable, std::move(code), std::move(message));
  }
  static Status Internal(std::string code, std::string message) {
    return Status(StatusKind::kInternal, std::move(code), std::move(message));
  }

  bool ok() const { return kind_ == StatusKind::kOk; }
  StatusKind kind() const { return kind_; }
  // Stable identifier, empty when OK.
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }

  // "code: message", or "ok".
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` and ": ".
  Status WithContext(std::string_view context) const;

 private:
  Status(StatusKind kind, std::string code, std::string message)
      : kind_(kind), code_(std::move(code)), message_(std::move(message)) {}

  StatusKind kind_ = StatusKind::kOk;
  std::string code_;
  std::string message_;
};

// A value or the Status that explains why there is none.
// REQUIRES: a Result is never built from an OK Status (that becomes kInternal).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(data_).ok()) {
      data_ = Status::Internal("internal.ok_result", "Result built from an OK status");
    }
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  // OK when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(data_); }

  // REQUIRES: ok().
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  // The value, or `fallback` when not ok() (for display code that shows a placeholder).
  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace gongkai

#define GK_CONCAT_INNER_(a, b) a##b
#define GK_CONCAT_(a, b) GK_CONCAT_INNER_(a, b)

// Evaluates `expr` (a Status); returns it from the enclosing function when not OK.
#define GK_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::gongkai::Status gk_status_ = (expr);       \
    if (!gk_status_.ok()) return gk_status_;     \
  } while (false)

// Evaluates `rexpr` (a Result<T>); returns its Status when not OK, else moves the value
// into `lhs` (which may be a declaration, e.g. `auto x`).
#define GK_ASSIGN_OR_RETURN(lhs, rexpr) \
  GK_ASSIGN_OR_RETURN_IMPL_(GK_CONCAT_(gk_result_, __LINE__), lhs, rexpr)
#define GK_ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                              \
  if (!result.ok()) return result.status();           \
  lhs = std::move(result).value()

#endif  // GONGKAI_PROTOCOL_STATUS_H_
