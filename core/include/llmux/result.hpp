#pragma once
/// A value or an Error, with noexcept accessors: the core's way of failing without throwing.

#include <llmux/error.hpp>

#include <new>
#include <optional>
#include <type_traits>
#include <utility>

namespace llmux {

/// Holds either a T or an Error. Accessing the wrong alternative is a programming error
/// caught by the accessors' preconditions (checked with `ok()` first); nothing throws.
///
/// A tagged union, not std::variant (as json::Value): libc++'s variant moves, copies and
/// destroys through tables of functions instantiated for every T, and the core returns a
/// Result from most of its functions: the Wasm module was 1.4 KB gzipped larger with it.
template <class T> class [[nodiscard]] Result {
public:
  // By reference, not by value: a value taken by value is moved twice on its way in (into
  // the parameter, then into the state), and a large T (a response, a resolved model) costs
  // each move.
  Result(T &&value) noexcept(std::is_nothrow_move_constructible_v<T>) : ok_(true) {
    new (&value_) T(std::move(value));
  }
  Result(const T &value) : ok_(true) { new (&value_) T(value); }
  Result(Error error) noexcept : ok_(false) { new (&error_) Error(std::move(error)); }

  Result(Result &&other) noexcept(std::is_nothrow_move_constructible_v<T>) {
    move_from(std::move(other));
  }
  Result(const Result &other) : ok_(other.ok_) {
    if (ok_)
      new (&value_) T(other.value_);
    else
      new (&error_) Error(other.error_);
  }
  Result &operator=(Result &&other) noexcept(std::is_nothrow_move_constructible_v<T>) {
    if (this != &other) {
      destroy();
      move_from(std::move(other));
    }
    return *this;
  }
  Result &operator=(const Result &other) {
    if (this != &other) {
      Result copy(other);
      destroy();
      move_from(std::move(copy));
    }
    return *this;
  }
  ~Result() { destroy(); }

  bool ok() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok(); }

  /// The value. Precondition: ok().
  T &value() &noexcept { return value_; }
  const T &value() const &noexcept { return value_; }
  T &&value() &&noexcept { return std::move(value_); }

  /// The error. Precondition: !ok().
  const Error &error() const &noexcept { return error_; }
  Error &&error() &&noexcept { return std::move(error_); }

private:
  // Precondition: this holds nothing (constructing, or destroyed).
  void move_from(Result &&other) noexcept(std::is_nothrow_move_constructible_v<T>) {
    ok_ = other.ok_;
    if (ok_)
      new (&value_) T(std::move(other.value_));
    else
      new (&error_) Error(std::move(other.error_));
  }
  void destroy() noexcept {
    if (ok_)
      value_.~T();
    else
      error_.~Error();
  }

  bool ok_;
  union {
    T value_;
    Error error_;
  };
};

/// Success with nothing to return, or an Error: what a function that only acts returns.
/// `return {};` succeeds; returning an Error (make_error, or another Result's error()) fails.
/// A function whose success says something returns a Result of a type that names it
/// (KeyValueStore::remove's Removed), never a bool.
template <> class [[nodiscard]] Result<void> {
public:
  Result() noexcept = default;
  Result(Error error) noexcept : error_(std::move(error)) {}

  bool ok() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }

  /// The error. Precondition: !ok().
  const Error &error() const &noexcept { return *error_; }
  Error &&error() &&noexcept { return std::move(*error_); }

private:
  std::optional<Error> error_;
};

} // namespace llmux
