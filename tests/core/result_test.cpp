// Result<T> and Result<void>: a value (or nothing) or an Error, without exceptions.

#include <llmux/result.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <type_traits>
#include <utility>

using namespace llmux;

namespace {

Error storage_error(std::string message) {
  return make_error(ErrorCode::Storage, ErrorOrigin::Session, std::move(message));
}

// Counts the instances alive, so that a test sees each one destroyed exactly once.
struct Counted {
  static inline int alive = 0;
  std::string text;
  explicit Counted(std::string text_in) : text(std::move(text_in)) { ++alive; }
  Counted(const Counted &other) : text(other.text) { ++alive; }
  Counted(Counted &&other) noexcept : text(std::move(other.text)) { ++alive; }
  Counted &operator=(const Counted &) = default;
  Counted &operator=(Counted &&) = default;
  ~Counted() { --alive; }
};

// Whether a Result has a value to read (a template, so that its absence is not an error).
template <class R> constexpr bool has_value = requires(R result) {
  result.value();
};

// What a function that only acts looks like: `return {};` or an error.
Result<void> write_unless_full(bool full) {
  if (full)
    return storage_error("disk full");
  return {};
}

// An error passed on from a Result<void> to a Result of a value.
Result<int> count_after_write(bool full) {
  if (auto written = write_unless_full(full); !written.ok())
    return std::move(written).error();
  return 1;
}

} // namespace

TEST_CASE("Result<void> is success by default and an error when made from one", "[result]") {
  Result<void> done;
  CHECK(done.ok());
  CHECK(static_cast<bool>(done));
  CHECK(write_unless_full(false).ok());

  Result<void> failed = write_unless_full(true);
  REQUIRE_FALSE(failed.ok());
  CHECK_FALSE(static_cast<bool>(failed));
  CHECK(failed.error().code == ErrorCode::Storage);
  CHECK(failed.error().origin == ErrorOrigin::Session);
  CHECK(failed.error().message == "disk full");

  Error taken = std::move(failed).error();
  CHECK(taken.message == "disk full");
}

TEST_CASE("Result<void> passes its error on to a Result of a value", "[result]") {
  auto counted = count_after_write(false);
  REQUIRE(counted.ok());
  CHECK(counted.value() == 1);
  auto refused = count_after_write(true);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error() == storage_error("disk full"));
}

TEST_CASE("Result<void> copies and assigns its error or its success", "[result]") {
  Result<void> failed = storage_error("disk full");
  Result<void> copy = failed;
  REQUIRE_FALSE(copy.ok());
  CHECK(copy.error().message == "disk full");
  CHECK(failed.error().message == "disk full");

  Result<void> done;
  copy = done;
  CHECK(copy.ok());
  done = failed;
  REQUIRE_FALSE(done.ok());
  CHECK(done.error().message == "disk full");
  done = Result<void>();
  CHECK(done.ok());
}

TEST_CASE("Result<void> has nothing to read but its error", "[result]") {
  STATIC_REQUIRE_FALSE(has_value<Result<void>>);
  STATIC_REQUIRE(has_value<Result<int>>);
  STATIC_REQUIRE(std::is_nothrow_default_constructible_v<Result<void>>);
  STATIC_REQUIRE(std::is_nothrow_move_constructible_v<Result<void>>);
  STATIC_REQUIRE_FALSE(std::is_constructible_v<Result<void>, bool>);
}

TEST_CASE("Result holds a value or an error and gives either back", "[result]") {
  Result<std::string> value = std::string("hello");
  REQUIRE(value.ok());
  CHECK(value.value() == "hello");
  std::string moved = std::move(value).value();
  CHECK(moved == "hello");

  const std::string text = "kept";
  Result<std::string> copied = text;
  CHECK(copied.value() == "kept");

  Result<std::string> failed = storage_error("disk full");
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().message == "disk full");
}

TEST_CASE("Result destroys what it holds once, through copies, moves and assignments", "[result]") {
  Counted::alive = 0;
  {
    Result<Counted> first = Counted("one");
    CHECK(Counted::alive == 1);
    Result<Counted> copy = first;
    CHECK(Counted::alive == 2);
    CHECK(copy.value().text == "one");
    Result<Counted> moved = std::move(copy);
    CHECK(Counted::alive == 3); // a moved-from Result still holds its (moved-from) value

    Result<Counted> failed = storage_error("disk full");
    CHECK(Counted::alive == 3);
    moved = failed; // a value replaced by an error
    CHECK(Counted::alive == 2);
    REQUIRE_FALSE(moved.ok());
    CHECK(moved.error().message == "disk full");

    failed = first; // an error replaced by a value
    CHECK(Counted::alive == 3);
    REQUIRE(failed.ok());
    CHECK(failed.value().text == "one");

    failed = std::move(moved); // and back to an error, by a move
    CHECK(Counted::alive == 2);
    CHECK(failed.error().message == "disk full");

    auto &self = first;
    first = self;
    CHECK(Counted::alive == 2);
    CHECK(first.value().text == "one");
  }
  CHECK(Counted::alive == 0);
}
