// The native file store in a fresh temporary directory per test: the KeyValueStore contract
// on real files, refused keys, leftovers of a crash mid-write, and a writer SIGKILLed in the
// middle of its puts, after which every key still holds a whole value.

#include <llmux/native/file_store.hpp>

#include "temporary_directory.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using llmux::ErrorCode;
using llmux::Removed;
using llmux::native::FileStore;
using llmux::testing::read_file;
using llmux::testing::TemporaryDirectory;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// Every file below `root`, relative, sorted.
std::vector<std::string> files_below(const fs::path &root) {
  std::vector<std::string> files;
  for (const auto &entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file())
      files.push_back(fs::relative(entry.path(), root).generic_string());
  std::sort(files.begin(), files.end());
  return files;
}

// The pid of a process that has ended (and been reaped): its temporary files are stale.
pid_t ended_process() {
  pid_t child = ::fork();
  if (child == 0)
    ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

} // namespace

TEST_CASE("FileStore puts, gets, replaces, removes and lists keys as files", "[file_store]") {
  TemporaryDirectory directory("llmux-file-store-");
  const fs::path root = directory.path() / "store"; // created on the first put
  FileStore store(root);
  auto missing = store.get("ledger/budgets.json");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing.value());
  CHECK(store.list("").value().empty());

  REQUIRE(store.put("ledger/budgets.json", "{}").ok());
  REQUIRE(store.put("ledger/records/2026-11-25.jsonl", std::string("a\0b\n", 4)).ok());
  REQUIRE(store.put("cache/ab/ab12.json", "").ok());
  CHECK(read_file(root / "ledger" / "budgets.json") == "{}");
  CHECK(store.get("ledger/records/2026-11-25.jsonl").value() ==
        std::optional<std::string>(std::string("a\0b\n", 4)));
  CHECK(store.get("cache/ab/ab12.json").value() == std::optional<std::string>(""));

  REQUIRE(store.put("ledger/budgets.json", std::string(200'000, 'x')).ok());
  CHECK(store.get("ledger/budgets.json").value()->size() == 200'000);

  CHECK(store.list("").value() == std::vector<std::string>{"cache/ab/ab12.json",
                                                           "ledger/budgets.json",
                                                           "ledger/records/2026-11-25.jsonl"});
  CHECK(store.list("ledger/").value() ==
        std::vector<std::string>{"ledger/budgets.json", "ledger/records/2026-11-25.jsonl"});
  CHECK(store.list("ledger/rec").value() ==
        std::vector<std::string>{"ledger/records/2026-11-25.jsonl"});
  CHECK(store.list("led").value().size() == 2);
  CHECK(store.list("nothing/here/").value().empty());

  CHECK(store.remove("ledger/budgets.json").value() == Removed::Yes);
  CHECK(store.remove("ledger/budgets.json").value() == Removed::No);
  CHECK_FALSE(store.get("ledger/budgets.json").value());
  CHECK_FALSE(fs::exists(root / "ledger" / "budgets.json"));

  // Files are the owner's only: they hold usage records and cached answers.
  struct stat info;
  REQUIRE(::stat((root / "cache" / "ab" / "ab12.json").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
}

TEST_CASE("FileStore refuses keys that could leave its root", "[file_store]") {
  TemporaryDirectory directory("llmux-file-store-");
  const fs::path root = directory.path() / "store";
  FileStore store(root);
  for (const char *key : {"../escape", "a/../../escape", "/tmp/absolute", "", "a//b", "a/", "Upper",
                          "a\\..\\b", "..", "."}) {
    CAPTURE(key);
    CHECK(store.put(key, "v").error().code == ErrorCode::InvalidArgument);
    CHECK(store.get(key).error().code == ErrorCode::InvalidArgument);
    CHECK(store.remove(key).error().code == ErrorCode::InvalidArgument);
  }
  CHECK(store.list("../").error().code == ErrorCode::InvalidArgument);
  CHECK(store.list("/").error().code == ErrorCode::InvalidArgument);
  // Nothing was written anywhere.
  CHECK(files_below(directory.path()).empty());
}

TEST_CASE("FileStore keeps a key a value or a folder, never both", "[file_store]") {
  TemporaryDirectory directory("llmux-file-store-");
  FileStore store(directory.path());
  REQUIRE(store.put("a/b", "v").ok());
  CHECK(store.put("a", "v").error().code == ErrorCode::InvalidArgument);
  CHECK(store.put("a/b/c", "v").error().code == ErrorCode::InvalidArgument);
  CHECK_FALSE(store.get("a").value()); // a folder holds no value
  CHECK(store.remove("a").value() == Removed::No);
  CHECK_FALSE(store.get("a/b/c").value());
  CHECK(store.get("a/b").value() == std::optional<std::string>("v"));
}

TEST_CASE("FileStore reports I/O failures with the key and the OS message", "[file_store]") {
  TemporaryDirectory directory("llmux-file-store-");
  write_file(directory.path() / "file", "not a folder");
  FileStore store(directory.path() / "file" / "store");
  auto put = store.put("ledger/budgets.json", "{}");
  REQUIRE_FALSE(put.ok());
  CHECK(put.error().code == ErrorCode::Storage);
  CHECK(put.error().message.find("ledger/budgets.json") != std::string::npos);
  CHECK(put.error().message.find("Not a directory") != std::string::npos);
  // Reading a store that does not exist is not an error: it is empty.
  CHECK_FALSE(store.get("ledger/budgets.json").value());
  CHECK(store.list("").value().empty());
}

TEST_CASE("A crash mid-write leaves the old value, and reopening cleans the leftovers",
          "[file_store]") {
  TemporaryDirectory directory("llmux-file-store-");
  const fs::path root = directory.path();
  {
    FileStore store(root);
    REQUIRE(store.put("ledger/budgets.json", "old and whole").ok());
  }
  // What a put killed between its steps leaves: a complete temporary file (killed before the
  // rename) and a half-written one (killed while writing), next to the key's file.
  const pid_t dead = ended_process();
  const fs::path folder = root / "ledger";
  write_file(folder / ("budgets.json~tmp." + std::to_string(dead) + ".0"), "new and whole");
  write_file(folder / ("budgets.json~tmp." + std::to_string(dead) + ".1"), "new and ha");
  write_file(folder / "budgets.json~tmp.garbage", "??");
  // A put in progress in a process that still runs (our parent) must survive the cleaning.
  const std::string live = "budgets.json~tmp." + std::to_string(::getppid()) + ".0";
  write_file(folder / live, "someone else's");

  FileStore reopened(root);
  CHECK(reopened.get("ledger/budgets.json").value() == std::optional<std::string>("old and whole"));
  CHECK(reopened.list("").value() == std::vector<std::string>{"ledger/budgets.json"});
  CHECK(files_below(root) == std::vector<std::string>{"ledger/budgets.json", "ledger/" + live});

  // Temporary files are never listed, even before the cleaning.
  REQUIRE(reopened.put("cache/x.json", "1").ok());
  write_file(root / "cache" / "x.json~tmp.1.0", "half");
  CHECK(reopened.list("cache/").value() == std::vector<std::string>{"cache/x.json"});
  CHECK(reopened.get("cache/x.json").value() == std::optional<std::string>("1"));
}

TEST_CASE("Files that are not keys' files are invisible", "[file_store]") {
  TemporaryDirectory directory("llmux-file-store-");
  const fs::path root = directory.path();
  FileStore store(root);
  REQUIRE(store.put("cache/ab/key.json", "v").ok());
  write_file(root / "cache" / "ab" / "README.md", "Upper case: not a key");
  write_file(root / "cache" / "ab" / "space here", "not a key");
  fs::create_directories(root / "Foreign" / "deep");
  write_file(root / "Foreign" / "deep" / "file", "in a folder no key can name");
  CHECK(store.list("").value() == std::vector<std::string>{"cache/ab/key.json"});
}

TEST_CASE("A writer SIGKILLed mid-put leaves every key holding a whole value",
          "[file_store][crash]") {
  // Values are long (several write calls' worth when the kernel splits them) and say what
  // they should be: "v<n>:" then 100,000 copies of one letter chosen by n, then ":end".
  constexpr std::size_t payload_bytes = 100'000;
  constexpr int key_count = 4;
  auto value_of = [&](int n) {
    std::string value = "v";
    value += std::to_string(n);
    value += ':';
    value.append(payload_bytes, static_cast<char>('a' + n % 26));
    value += ":end";
    return value;
  };
  auto is_whole = [&](const std::string &value) {
    std::size_t colon = value.find(':');
    if (value.size() < 2 || value[0] != 'v' || colon == std::string::npos)
      return false;
    int n = std::stoi(value.substr(1, colon - 1));
    return value == value_of(n);
  };

  // Five rounds, and more until a kill has landed inside a put at least twice: on a loaded
  // machine the writer can be descheduled between puts, so how many rounds that takes varies.
  int rounds_killed_mid_put = 0;
  for (int round = 0; round < 5 || (rounds_killed_mid_put < 2 && round < 200); ++round) {
    CAPTURE(round);
    TemporaryDirectory directory("llmux-file-store-");
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      // The writer: puts forever, telling the parent once every key has a value.
      ::close(ready[0]);
      FileStore store(directory.path());
      for (int n = 0;; ++n) {
        std::string key = "keys/k" + std::to_string(n % key_count);
        if (!store.put(key, value_of(n)).ok())
          ::_exit(2);
        if (n == key_count + round) {
          char byte = 1;
          if (::write(ready[1], &byte, 1) != 1)
            ::_exit(3);
        }
      }
    }
    ::close(ready[1]);
    char byte = 0;
    REQUIRE(::read(ready[0], &byte, 1) == 1); // the writer is in its loop of puts
    ::close(ready[0]);
    REQUIRE(::kill(child, SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);

    // Whether the kill landed inside a put, between creating its temporary file and renaming
    // it: the window this test is about (the put is nearly all the writer does).
    for (const std::string &file : files_below(directory.path()))
      if (file.find("~tmp.") != std::string::npos)
        ++rounds_killed_mid_put;

    FileStore store(directory.path()); // cleans the dead writer's temporary file
    CHECK(store.list("keys/").value() ==
          std::vector<std::string>{"keys/k0", "keys/k1", "keys/k2", "keys/k3"});
    for (int k = 0; k < key_count; ++k) {
      auto value = store.get("keys/k" + std::to_string(k));
      REQUIRE(value.ok());
      REQUIRE(value.value());
      CHECK(value.value()->size() > payload_bytes);
      CHECK(is_whole(*value.value()));
    }
    CHECK(files_below(directory.path()) ==
          std::vector<std::string>{"keys/k0", "keys/k1", "keys/k2", "keys/k3"});
  }
  // Kills hit puts in progress (in practice nearly every one does), so the whole values above
  // survived real interrupted writes.
  CHECK(rounds_killed_mid_put >= 2);
}

TEST_CASE("FileStore appends to a key's file in place, and creates it whole",
          "[file_store][append]") {
  TemporaryDirectory directory("llmux-file-store-");
  const fs::path root = directory.path() / "store";
  FileStore store(root);
  const std::string key = "ledger/records/2026-11-25.jsonl";
  REQUIRE(store.append(key, "one\n").ok()); // no value yet: a put makes the folders
  struct stat created;
  REQUIRE(::stat((root / key).c_str(), &created) == 0);
  CHECK((created.st_mode & 0777) == 0600);
  // In place: a descriptor opened now reads what later appends add, as it would not read a
  // new file renamed over this one.
  const int first_file = ::open((root / key).c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(first_file >= 0);
  REQUIRE(store.append(key, std::string("t\0o\n", 4)).ok());
  REQUIRE(store.append(key, "").ok());
  const std::string expected("one\nt\0o\n", 8);
  CHECK(store.get(key).value() == std::optional<std::string>(expected));
  std::string through_first(64, '\0');
  const ssize_t got = ::pread(first_file, through_first.data(), through_first.size(), 0);
  ::close(first_file);
  CHECK(through_first.substr(0, got > 0 ? static_cast<std::size_t>(got) : 0) == expected);
  CHECK(files_below(root) == std::vector<std::string>{key});
  // The rules of put hold.
  CHECK(store.append("ledger", "v").error().code == ErrorCode::InvalidArgument);
  CHECK(store.append(key + "/under", "v").error().code == ErrorCode::InvalidArgument);
  CHECK(store.append("../escape", "v").error().code == ErrorCode::InvalidArgument);
  CHECK(files_below(directory.path()) == std::vector<std::string>{"store/" + key});
}

TEST_CASE("A FileStore append that fails takes back the bytes it wrote", "[file_store][append]") {
  // The file size limit (RLIMIT_FSIZE) cuts the append after a few bytes with EFBIG, as a
  // full disk would; in a child, whose limit dies with it.
  TemporaryDirectory directory("llmux-file-store-");
  const std::string key = "ledger/records/2026-11-25.jsonl";
  REQUIRE(FileStore(directory.path()).put(key, "whole line\n").ok());
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit = {20, 20};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0)
      ::_exit(3);
    FileStore store(directory.path());
    auto appended = store.append(key, std::string(100, 'x') + "\n");
    ::_exit(!appended.ok() && appended.error().code == ErrorCode::Storage &&
                    appended.error().message.find(key) != std::string::npos
                ? 0
                : 2);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(read_file(directory.path() / key) == "whole line\n");
}
