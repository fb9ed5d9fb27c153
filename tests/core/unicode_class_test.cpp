// The Unicode character classes of the tokenizer and the schema regex (\p{...}): the run table
// decoded from its compact form, and code points whose classes UnicodeData.txt and
// PropList.txt (Unicode 15.0) give. Needs no Unicode data files: the expectations are literal.

#include "tokenize/unicode_class.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

using llmux::tokenize::char_class;
using llmux::tokenize::CharClass;
using llmux::tokenize::class_runs;

TEST_CASE("Unicode class runs decode to increasing runs from U+0000 to below U+110000",
          "[unicode]") {
  const auto runs = class_runs();
  REQUIRE(runs.size() == 3155);     // Unicode 15.0's, as scripts/gen-unicode-tables.py reports
  CHECK(runs.front() == 0x0000000); // U+0000.., Other
  CHECK(runs[1] == 0x0000098);      // U+0009..U+000D, Space
  CHECK(runs[2] == 0x00000E0);      // U+000E.., Other
  CHECK(runs.back() == 0x0E01F00);  // U+E01F0.., Other: after the last variation selector
  for (std::size_t i = 1; i < runs.size(); ++i) {
    INFO("run " << i);
    REQUIRE((runs[i] >> 4) > (runs[i - 1] >> 4));
    REQUIRE((runs[i] & 0xF) != (runs[i - 1] & 0xF)); // maximal: neighbours differ
    REQUIRE((runs[i] & 0xF) <= static_cast<std::uint32_t>(CharClass::Space));
  }
  CHECK((runs.back() >> 4) < 0x110000);
  const std::uint32_t words[] = {
      0x2A6E00, // U+2A6E0.., Other: after CJK Extension B
      0x300005, // U+30000.., Lo: CJK Extension G
      0x313505, // U+31350.., Lo: CJK Extension H
      0xE01006, // U+E0100.., Mark: the variation selectors 17 to 256
  };
  for (std::uint32_t word : words) {
    INFO("word " << std::hex << word);
    CHECK(std::binary_search(runs.begin(), runs.end(), word));
  }
}

TEST_CASE("Unicode classes of code points in every plane used are the UCD's", "[unicode]") {
  struct Expected {
    std::uint32_t code_point;
    CharClass expected;
  };
  const std::vector<Expected> cases = {
      {0x0000, CharClass::Other},   // <control>, Cc
      {0x0009, CharClass::Space},   // <control>, Cc, White_Space
      {0x0041, CharClass::Lu},      // LATIN CAPITAL LETTER A
      {0x0085, CharClass::Space},   // <control>, Cc, White_Space
      {0x00A0, CharClass::Space},   // NO-BREAK SPACE, Zs
      {0x00AA, CharClass::Lo},      // FEMININE ORDINAL INDICATOR
      {0x00B2, CharClass::Number},  // SUPERSCRIPT TWO, No
      {0x00B5, CharClass::Ll},      // MICRO SIGN
      {0x0100, CharClass::Lu},      // LATIN CAPITAL LETTER A WITH MACRON: first past Latin-1
      {0x0101, CharClass::Ll},      // LATIN SMALL LETTER A WITH MACRON
      {0x01C5, CharClass::Lt},      // LATIN CAPITAL LETTER D WITH SMALL LETTER Z WITH CARON
      {0x02B0, CharClass::Lm},      // MODIFIER LETTER SMALL H
      {0x036F, CharClass::Mark},    // COMBINING LATIN SMALL LETTER X, Mn: a run's last
      {0x0370, CharClass::Lu},      // GREEK CAPITAL LETTER HETA: the next run's first
      {0x0378, CharClass::Other},   // unassigned
      {0x0488, CharClass::Mark},    // COMBINING CYRILLIC HUNDRED THOUSANDS SIGN, Me
      {0x0660, CharClass::Number},  // ARABIC-INDIC DIGIT ZERO, Nd
      {0x0903, CharClass::Mark},    // DEVANAGARI SIGN VISARGA, Mc
      {0x1680, CharClass::Space},   // OGHAM SPACE MARK, Zs
      {0x16EE, CharClass::Number},  // RUNIC ARLAUG SYMBOL, Nl
      {0x200B, CharClass::Other},   // ZERO WIDTH SPACE: Cf, not White_Space
      {0x2028, CharClass::Space},   // LINE SEPARATOR, Zl
      {0x2029, CharClass::Space},   // PARAGRAPH SEPARATOR, Zp
      {0x202F, CharClass::Space},   // NARROW NO-BREAK SPACE, Zs
      {0x2160, CharClass::Number},  // ROMAN NUMERAL ONE, Nl
      {0x3000, CharClass::Space},   // IDEOGRAPHIC SPACE, Zs
      {0x3041, CharClass::Lo},      // HIRAGANA LETTER SMALL A
      {0x4E00, CharClass::Lo},      // <CJK Ideograph, First>
      {0x9FFF, CharClass::Lo},      // <CJK Ideograph, Last>
      {0xAC00, CharClass::Lo},      // <Hangul Syllable, First>
      {0xD7A3, CharClass::Lo},      // <Hangul Syllable, Last>
      {0xD7A4, CharClass::Other},   // unassigned, right after
      {0xD800, CharClass::Other},   // a surrogate, Cs
      {0xE000, CharClass::Other},   // <Private Use, First>, Co
      {0xFFFD, CharClass::Other},   // REPLACEMENT CHARACTER, So
      {0x10400, CharClass::Lu},     // DESERET CAPITAL LETTER LONG I
      {0x10427, CharClass::Lu},     // DESERET CAPITAL LETTER EW: a run's last
      {0x10428, CharClass::Ll},     // DESERET SMALL LETTER LONG I: the next run's first
      {0x1D7CE, CharClass::Number}, // MATHEMATICAL BOLD DIGIT ZERO, Nd
      {0x1E900, CharClass::Lu},     // ADLAM CAPITAL LETTER ALIF
      {0x1E922, CharClass::Ll},     // ADLAM SMALL LETTER ALIF
      {0x1E944, CharClass::Mark},   // ADLAM ALIF LENGTHENER, Mn
      {0x1F600, CharClass::Other},  // GRINNING FACE, So
      {0x20000, CharClass::Lo},     // <CJK Ideograph Extension B, First>
      {0x2A6DF, CharClass::Lo},     // <CJK Ideograph Extension B, Last>
      {0x2A6E0, CharClass::Other},  // unassigned, right after
      {0x30000, CharClass::Lo},     // <CJK Ideograph Extension G, First>
      {0x3134A, CharClass::Lo},     // <CJK Ideograph Extension G, Last>
      {0x31350, CharClass::Lo},     // <CJK Ideograph Extension H, First>
      {0x323AF, CharClass::Lo},     // <CJK Ideograph Extension H, Last>
      {0x323B0, CharClass::Other},  // unassigned, right after
      {0xE0100, CharClass::Mark},   // VARIATION SELECTOR-17, Mn
      {0xE01EF, CharClass::Mark},   // VARIATION SELECTOR-256, Mn
      {0xE01F0, CharClass::Other},  // unassigned: the last run's first
      {0xF0000, CharClass::Other},  // <Plane 15 Private Use, First>, Co
      {0x10FFFF, CharClass::Other}, // a noncharacter, the last code point
      {0x110000, CharClass::Other}, // past Unicode
      {0xFFFFFFFF, CharClass::Other},
  };
  for (const auto &c : cases) {
    INFO("code point " << std::hex << c.code_point);
    CHECK(char_class(c.code_point) == c.expected);
  }
}

TEST_CASE("Unicode class lookups agree with the runs at each run's first and last code point",
          "[unicode]") {
  // Below U+0100 char_class reads latin1_char_classes instead: this checks that table too.
  const auto runs = class_runs();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::uint32_t first = runs[i] >> 4;
    const std::uint32_t last = i + 1 < runs.size() ? (runs[i + 1] >> 4) - 1 : 0x10FFFF;
    const auto expected = static_cast<CharClass>(runs[i] & 0xF);
    INFO("run " << i << " from " << std::hex << first << " to " << last);
    REQUIRE(char_class(first) == expected);
    REQUIRE(char_class(last) == expected);
  }
}
