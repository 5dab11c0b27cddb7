// Status and Result<T>: how every engine stage reports failure without exceptions.
//
// A Status is either ok() or carries a Code and a human-readable message that is
// meant to reach a user verbatim (an error record, a `decorum check` line), so
// messages name what was wrong and where ("rules/insults.yaml:12:5: rule
// insult.idiot: unknown key 'scroe'"). Exceptions thrown by libraries (yaml-cpp)
// are caught in the adapter that calls them and turned into a Status.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace decorum {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // bad input from a user: a flag, a config key, a comment
    kNotFound,         // a file, a list, a target that does not exist
    kIoError,          // the OS refused a read or write
    kCorrupt,          // compressed or encoded data that cannot be decoded
    kRuleError,        // a rule file or pattern that does not compile
    kInternal,         // a broken invariant: a bug in decorum
  };

  Status() = default;  // ok

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status IoError(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  static Status Corrupt(std::string msg) { return Status(Code::kCorrupt, std::move(msg)); }
  static Status RuleError(std::string msg) { return Status(Code::kRuleError, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid argument: <message>" style text for logs.
  std::string ToString() const;
  // The same failure, its message followed by `more` (what the caller knows of where it
  // happened). REQUIRES: !ok().
  Status Annotated(std::string_view more) const { return Status(code_, message_ + std::string(more)); }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Result<T> holds either a value or a non-ok Status.
// REQUIRES: value() only when ok(); status() is ok() when a value is held.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}     // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace decorum
