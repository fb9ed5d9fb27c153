#pragma once
/// A value or an Error, with noexcept accessors: the core's way of failing without throwing.

#include <llmux/error.hpp>

#include <type_traits>
#include <utility>
#include <variant>

namespace llmux {

/// Holds either a T or an Error. Accessing the wrong alternative is a programming error
/// caught by the accessors' preconditions (checked with `ok()` first); nothing throws.
template <class T> class [[nodiscard]] Result {
public:
  // By reference, not by value: a value taken by value is moved twice on its way in (into
  // the parameter, then into the state), and a large T (a response, a resolved model) costs
  // each move.
  Result(T &&value) noexcept(std::is_nothrow_move_constructible_v<T>) : state_(std::move(value)) {}
  Result(const T &value) : state_(value) {}
  Result(Error error) noexcept : state_(std::move(error)) {}

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  /// The value. Precondition: ok().
  T &value() &noexcept { return *std::get_if<0>(&state_); }
  const T &value() const &noexcept { return *std::get_if<0>(&state_); }
  T &&value() &&noexcept { return std::move(*std::get_if<0>(&state_)); }

  /// The error. Precondition: !ok().
  const Error &error() const &noexcept { return *std::get_if<1>(&state_); }
  Error &&error() &&noexcept { return std::move(*std::get_if<1>(&state_)); }

private:
  std::variant<T, Error> state_;
};

} // namespace llmux
