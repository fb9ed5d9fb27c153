// The KeyValueStore contract, on MemoryStore: key validation, get/put/remove/list, and the
// rule that a key is a value or a folder, never both (so that code tested on memory behaves
// as it will on files).

#include <llmux/key_value_store.hpp>

#include "support/failing_store.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace llmux;
using llmux::testing::FailingStore;

TEST_CASE("Store keys are relative paths of [a-z0-9._-] segments", "[store]") {
  for (const char *key : {"a", "ledger/budgets.json", "ledger/records/2026-11-25.jsonl",
                          "cache/ab/ab12.json", "x_y-z.0", ".hidden", "a..b", "..."})
    CHECK(is_valid_store_key(key));
  for (const char *key : {"", "/", "/etc/passwd", "a/", "a//b", "..", "../x", "a/../b", "a/./b",
                          ".", "A", "a b", "a\\b", "caf\xc3\xa9", "a\nb", "a:b", "~", "a~tmp.1"})
    CHECK_FALSE(is_valid_store_key(key));
  CHECK(is_valid_store_key(std::string(max_store_key_segment_bytes, 'a')));
  CHECK_FALSE(is_valid_store_key(std::string(max_store_key_segment_bytes + 1, 'a')));
  std::string long_key;
  while (long_key.size() + 2 <= max_store_key_bytes)
    long_key += "a/";
  long_key += "a";
  CHECK(long_key.size() == max_store_key_bytes + 1);
  CHECK_FALSE(is_valid_store_key(long_key));
  long_key.resize(long_key.size() - 2);
  CHECK(is_valid_store_key(long_key));
}

TEST_CASE("Store prefixes are key text ending anywhere", "[store]") {
  for (const char *prefix : {"", "l", "ledger/", "ledger/rec", "cache/.", "cache/..", "a/b/"})
    CHECK(is_valid_store_prefix(prefix));
  for (const char *prefix : {"/", "../", "a/../", "./", "A", "a//", "a b", "~"})
    CHECK_FALSE(is_valid_store_prefix(prefix));
}

TEST_CASE("MemoryStore gets what was put, replaces it and removes it", "[store]") {
  MemoryStore store;
  auto missing = store.get("a/b");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing.value().has_value());

  REQUIRE(store.put("a/b", "one").ok());
  auto got = store.get("a/b");
  REQUIRE(got.ok());
  CHECK(got.value() == std::optional<std::string>("one"));

  REQUIRE(store.put("a/b", std::string("two\0bytes", 9)).ok());
  CHECK(store.get("a/b").value() == std::optional<std::string>(std::string("two\0bytes", 9)));

  REQUIRE(store.put("a/c", "").ok());
  CHECK(store.get("a/c").value() == std::optional<std::string>(""));

  auto removed = store.remove("a/b");
  REQUIRE(removed.ok());
  CHECK(removed.value() == Removed::Yes);
  auto again = store.remove("a/b");
  REQUIRE(again.ok());
  CHECK(again.value() == Removed::No);
  CHECK_FALSE(store.get("a/b").value().has_value());
}

TEST_CASE("MemoryStore lists keys by prefix, sorted", "[store]") {
  MemoryStore store;
  for (const char *key : {"ledger/records/2026-11-26.jsonl", "cache/ab/x.json",
                          "ledger/budgets.json", "ledger/records/2026-11-25.jsonl", "ledgers"})
    REQUIRE(store.put(key, "v").ok());
  CHECK(store.list("ledger/records/").value() ==
        std::vector<std::string>{"ledger/records/2026-11-25.jsonl",
                                 "ledger/records/2026-11-26.jsonl"});
  CHECK(store.list("ledger").value() ==
        std::vector<std::string>{"ledger/budgets.json", "ledger/records/2026-11-25.jsonl",
                                 "ledger/records/2026-11-26.jsonl", "ledgers"});
  CHECK(store.list("").value().size() == 5);
  CHECK(store.list("nothing/").value().empty());
  CHECK(store.list("../").error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("MemoryStore refuses invalid keys with invalid_argument", "[store]") {
  MemoryStore store;
  for (const char *key : {"", "../escape", "/absolute", "Upper", "a//b"}) {
    CAPTURE(key);
    CHECK(store.get(key).error().code == ErrorCode::InvalidArgument);
    CHECK(store.put(key, "v").error().code == ErrorCode::InvalidArgument);
    CHECK(store.remove(key).error().code == ErrorCode::InvalidArgument);
  }
  CHECK(store.list("").value().empty());
}

TEST_CASE("MemoryStore keeps a key a value or a folder, never both", "[store]") {
  MemoryStore store;
  REQUIRE(store.put("a/b", "v").ok());
  auto folder = store.put("a", "v");
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.error().code == ErrorCode::InvalidArgument);
  auto under = store.put("a/b/c", "v");
  REQUIRE_FALSE(under.ok());
  CHECK(under.error().code == ErrorCode::InvalidArgument);
  // A sibling whose name merely starts the same is fine.
  CHECK(store.put("a/bc", "v").ok());
  CHECK(store.put("ab", "v").ok());
  CHECK(store.list("").value() == std::vector<std::string>{"a/b", "a/bc", "ab"});
}

TEST_CASE("An append adds bytes at the end of a value, or stores them as the value",
          "[store][append]") {
  MemoryStore memory;
  FailingStore put_only; // its append is KeyValueStore's default: get, then put joined
  for (KeyValueStore *store :
       {static_cast<KeyValueStore *>(&memory), static_cast<KeyValueStore *>(&put_only)}) {
    REQUIRE(store->append("a/b", "one\n").ok());
    REQUIRE(store->append("a/b", std::string("t\0o\n", 4)).ok());
    REQUIRE(store->append("a/b", "").ok());
    CHECK(store->get("a/b").value() == std::optional<std::string>(std::string("one\nt\0o\n", 8)));
    // The rules of put hold, and a refused append changes nothing.
    CHECK(store->append("a", "v").error().code == ErrorCode::InvalidArgument);
    CHECK(store->append("a/b/c", "v").error().code == ErrorCode::InvalidArgument);
    CHECK(store->append("../x", "v").error().code == ErrorCode::InvalidArgument);
    CHECK(store->list("").value() == std::vector<std::string>{"a/b"});
  }
  // The default puts the joined value back: it fails as put does.
  put_only.fail = true;
  CHECK(put_only.append("a/b", "more").error().code == ErrorCode::Storage);
  CHECK(put_only.get("a/b").value() == std::optional<std::string>(std::string("one\nt\0o\n", 8)));
}
