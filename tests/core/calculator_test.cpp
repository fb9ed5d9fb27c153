// The calculator: its grammar, exact integers and decimals, functions, errors with their
// columns, hostile input, and the number formatting.

#include "tools/shortest_double.hpp"

#include <llmux/builtin_tools.hpp>

#include <catch2/catch.hpp>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

using namespace llmux;

namespace {

// The value as the calculator writes it, or "error: <message>".
std::string calc(std::string_view expression) {
  auto result = evaluate_expression(expression);
  if (!result.ok())
    return "error: " + result.error().message;
  return to_string(result.value());
}

// The error message, or "ok: <value>" when there was none.
std::string error_of(std::string_view expression) {
  auto result = evaluate_expression(expression);
  if (result.ok())
    return "ok: " + to_string(result.value());
  CHECK(result.error().code == ErrorCode::InvalidArgument);
  CHECK(result.error().origin == ErrorOrigin::Caller);
  return result.error().message;
}

bool is_exact(std::string_view expression) {
  auto result = evaluate_expression(expression);
  REQUIRE(result.ok());
  return result.value().is_exact;
}

bool is_integer(std::string_view expression) {
  auto result = evaluate_expression(expression);
  REQUIRE(result.ok());
  return result.value().is_integer();
}

} // namespace

TEST_CASE("Calculator binds operators by precedence", "[calculator]") {
  CHECK(calc("2+3*4") == "14");
  CHECK(calc("(2+3)*4") == "20");
  CHECK(calc("2*3+4") == "10");
  CHECK(calc("10-4/2") == "8");
  CHECK(calc("10 - 7 % 4") == "7");
  CHECK(calc("2*3^2") == "18");
  CHECK(calc("-2^2") == "-4"); // power binds tighter than unary minus, as in mathematics
  CHECK(calc("(-2)^2") == "4");
  CHECK(calc("2^-1") == "0.5");
  CHECK(calc("-3*-2") == "6");
  CHECK(calc("3 -- 2") == "5");
  CHECK(calc("+-+-3") == "3");
  CHECK(calc("- - - 3") == "-3");
  CHECK(calc("2 * -(3 + 1)") == "-8");
  CHECK(calc(" \t2\n+\r2 ") == "4");
}

TEST_CASE("Calculator associates left, except powers", "[calculator]") {
  CHECK(calc("10-3-2") == "5");
  CHECK(calc("100/10/5") == "2");
  CHECK(calc("2*3/4") == "1.5");
  CHECK(calc("17 % 5 % 3") == "2");
  CHECK(calc("2^3^2") == "512");
  CHECK(calc("2**3**2") == "512");
  CHECK(calc("2^3**2") == "512");
  CHECK(calc("(2^3)^2") == "64");
  CHECK(calc("2^-3^2") == "0.001953125"); // 2^(-(3^2))
  CHECK(calc("-2^-2") == "-0.25");
  CHECK(calc("2^2^2^2") == "65536");
}

TEST_CASE("Calculator reads numbers in their usual forms", "[calculator]") {
  CHECK(calc("42") == "42");
  CHECK(calc("007") == "7");
  CHECK(calc("0.5") == "0.5");
  CHECK(calc(".5") == "0.5");
  CHECK(calc("5.") == "5");
  CHECK(calc("1e3") == "1000");
  CHECK(calc("1E3") == "1000");
  CHECK(calc("2.5e-3") == "0.0025");
  CHECK(calc("1e+2") == "100");
  CHECK(calc("1e21") == "1e+21");
  CHECK(calc("1e-7") == "0.0000001");
  CHECK(calc("1.50000000000000000000000") == "1.5");
  CHECK(calc("000.25") == "0.25");
  // A literal is exact while it has at most 19 significant digits and 18 places.
  CHECK(is_integer("1000"));
  CHECK(is_integer("1e3"));
  CHECK(is_integer("2.0"));
  CHECK(is_exact("0.5"));
  CHECK_FALSE(is_integer("0.5"));
  CHECK(is_exact("0.000000000000000001"));
  CHECK_FALSE(is_exact("0.0000000000000000001"));
  CHECK(is_exact("1234567890.123456789"));
  CHECK_FALSE(is_exact("1234567890.1234567891"));
  CHECK_FALSE(is_exact("1e19"));
  CHECK(calc("1e-20") == "1e-20");
  // Integer literals too large for int64 are read as doubles.
  CHECK(calc("9223372036854775807") == "9223372036854775807");
  CHECK(is_exact("9223372036854775807"));
  CHECK_FALSE(is_exact("9223372036854775808"));
  CHECK(calc("99999999999999999999") == "1e+20");
}

TEST_CASE("Calculator integer arithmetic is exact while it fits int64", "[calculator]") {
  CHECK(calc("2^62 + 1") == "4611686018427387905");
  CHECK(calc("9007199254740993") == "9007199254740993");
  CHECK(calc("9007199254740993 + 0") == "9007199254740993");
  CHECK(calc("9007199254740992 + 1") == "9007199254740993");
  CHECK(calc("2^62 + (2^62 - 1)") == "9223372036854775807");
  CHECK(calc("-2^62 - 2^62") == "-9223372036854775808");
  CHECK(calc("3^39") == "4052555153018976267");
  CHECK(calc("(-3)^39") == "-4052555153018976267");
  CHECK(calc("(-1)^1000001") == "-1");
  CHECK(calc("1^123456789012345") == "1");
  CHECK(calc("0^0") == "1");
  CHECK(calc("123456789 * 987654321") == "121932631112635269");
  CHECK(calc("8/2") == "4");
  CHECK(is_exact("8/2"));
  CHECK(calc("-9/3") == "-3");
  CHECK(calc("7/2") == "3.5");
  CHECK_FALSE(is_integer("7/2"));
  CHECK(calc("7 % 3") == "1");
  CHECK(calc("-7 % 3") == "-1"); // the sign of the dividend, as in C and JavaScript
  CHECK(calc("7 % -3") == "1");
  CHECK(calc("7.5 % 2") == "1.5");
  CHECK(calc("(-2^62 - 2^62) % -1") == "0");
  // Past int64 the result continues in double instead of wrapping around.
  CHECK(calc("2^63") == "9223372036854775808");
  CHECK_FALSE(is_exact("2^63"));
  CHECK(calc("9223372036854775807 + 1") == "9223372036854775808");
  CHECK_FALSE(is_exact("9223372036854775807 + 1"));
  CHECK_FALSE(is_exact("(-2^62 - 2^62) - 1"));
  CHECK_FALSE(is_exact("-(-2^62 - 2^62)"));
  CHECK(calc("(-2^62 - 2^62) / -1") == "9223372036854775808");
  // The double nearest 9223372037000250000, written out exactly as to_chars writes it.
  CHECK(calc("3037000500 * 3037000500") == "9223372037000249344");
  CHECK_FALSE(is_exact("3037000500 * 3037000500"));
  CHECK(calc("10^18") == "1000000000000000000");
  CHECK(is_exact("10^18"));
  CHECK(calc("10^19") == "1e+19");
  CHECK_FALSE(is_exact("10^19"));
  CHECK(calc("2^64") == "18446744073709551616");
}

TEST_CASE("Calculator decimal arithmetic is exact, as written on paper", "[calculator]") {
  // Binary doubles give 12470.400000000001, 0.30000000000000004, 0.09999999999999998...
  CHECK(calc("1299 * 12 * 0.8") == "12470.4");
  CHECK(calc("0.1 + 0.2") == "0.3");
  CHECK(calc("1 - 0.9") == "0.1");
  CHECK(calc("19.99 * 3") == "59.97");
  CHECK(calc("1.15 * 100") == "115");
  CHECK(calc("3 * 1.1") == "3.3");
  CHECK(calc("0.3 % 0.1") == "0");
  CHECK(calc("10.5 % 3") == "1.5");
  CHECK(calc("-7.5 % 2") == "-1.5");
  CHECK(calc("2.50 * 4") == "10");
  CHECK(is_integer("2.50 * 4"));
  CHECK(calc("0.1 * 3 - 0.3") == "0");
  CHECK(calc("1e-7 * 3") == "0.0000003");
  // Quotients that are decimals stay exact; the others are doubles.
  CHECK(calc("1/8") == "0.125");
  CHECK(calc("1/1024") == "0.0009765625");
  CHECK(calc("12470.4 / 0.8") == "15588");
  CHECK(calc("1 / 0.03") == "33.333333333333336");
  CHECK(calc("1/3") == "0.3333333333333333");
  CHECK_FALSE(is_exact("1/3"));
  CHECK(calc("1/3 * 3") == "1");
  CHECK_FALSE(is_exact("1/3 * 3"));
  CHECK_FALSE(is_exact("1/2^19")); // 19 places
  // Whole powers of decimals.
  CHECK(calc("1.1^2") == "1.21");
  CHECK(calc("1.5^3") == "3.375");
  CHECK(calc("(-0.5)^3") == "-0.125");
  CHECK(calc("0.1^18") == "0.000000000000000001");
  CHECK_FALSE(is_exact("0.1^19"));
  CHECK(calc("0.1^19") == "1.000000000000001e-19"); // past 18 places, pow's double again
  CHECK(calc("1.05^0") == "1");
  CHECK_FALSE(is_exact("2.5^0.5"));
  CHECK_FALSE(is_exact("2.5^-1"));
  // 19 significant digits are kept; a result that needs more continues in double.
  CHECK(calc("123456789.0123456789 * 1") == "123456789.0123456789");
  CHECK(calc("1234567890123456789 * 0.1") == "123456789012345678.9");
  CHECK(calc("9223372036854775807 * 0.1") == "922337203685477580.7");
  CHECK(calc("(-2^62 - 2^62) / 10") == "-922337203685477580.8");
  CHECK_FALSE(is_exact("9223372036854775807 * 1.1"));
  CHECK_FALSE(is_exact("0.000000001 * 0.000000001 * 0.1"));
  CHECK_FALSE(is_exact("0.1 + pi"));
  CHECK_FALSE(is_exact("sqrt(0.25)"));
  CHECK(calc("sqrt(0.25)") == "0.5");
}

TEST_CASE("Calculator functions and constants", "[calculator]") {
  CHECK(calc("sqrt(16)") == "4");
  CHECK(calc("sqrt(2)") == "1.4142135623730951");
  CHECK(calc("abs(-5)") == "5");
  CHECK(calc("abs(-2.5)") == "2.5");
  CHECK(calc("abs(-2^62 - 2^62)") == "9223372036854775808");
  CHECK(calc("round(2.5)") == "3");
  CHECK(calc("round(2.675, 2)") == "2.68"); // 2.675 as a double is below the half: 2.67
  CHECK(calc("round(-0.125, 2)") == "-0.13");
  CHECK(calc("floor(-2.5)") == "-3");
  CHECK(calc("ceil(-2.5)") == "-2");
  CHECK(calc("abs(-0.05)") == "0.05");
  CHECK(calc("round(-2.5)") == "-3"); // half away from zero
  CHECK(calc("round(2.4)") == "2");
  CHECK(is_integer("round(2.5)"));
  CHECK(calc("round(3.14159, 2)") == "3.14");
  CHECK(calc("round(2.5, 0)") == "3");
  CHECK(calc("round(1234, -2)") == "1200");
  CHECK(calc("round(1250, -2)") == "1300");
  CHECK(calc("round(-1250, -2)") == "-1300");
  CHECK(calc("round(1234.5, -1)") == "1230");
  CHECK(calc("round(7, 3)") == "7");
  CHECK(calc("round(1e300, 15)") == "1e+300");
  CHECK(calc("floor(-3.5)") == "-4");
  CHECK(calc("ceil(3.2)") == "4");
  CHECK(calc("floor(1e300)") == "1e+300");
  CHECK_FALSE(is_exact("floor(1e300)"));
  CHECK(calc("min(3, 1, 2)") == "1");
  CHECK(calc("max(1, 2.5, -3)") == "2.5");
  CHECK(calc("max(7)") == "7");
  CHECK(is_integer("max(1, 2, 3)"));
  CHECK(calc("max(0.30000000000000001, 0.3)") == "0.30000000000000001");
  CHECK(calc("min(0.1 + 0.2, 0.3)") == "0.3");
  CHECK(calc("exp(0)") == "1");
  CHECK(calc("exp(1) - e") == "0");
  CHECK(calc("ln(e)") == "1");
  CHECK(calc("log(e)") == "1"); // log alone is natural, as in C and JavaScript
  CHECK(calc("log10(1000)") == "3");
  CHECK(calc("log(1000, 10)") == "3");
  CHECK(is_integer("log(1000, 10)"));
  CHECK(calc("log(8, 2)") == "3");
  CHECK(calc("log(243, 3)") == "5");
  CHECK(calc("log(2, 4)") == "0.5");
  CHECK(calc("log(10, 2)") == "3.321928094887362");
  CHECK(calc("sin(0)") == "0");
  CHECK(calc("cos(0)") == "1");
  CHECK(calc("cos(pi)") == "-1");
  CHECK(calc("tan(0)") == "0");
  CHECK(calc("asin(1)") == calc("pi/2"));
  CHECK(calc("acos(1)") == "0");
  CHECK(calc("atan(1)*4") == "3.141592653589793");
  CHECK(calc("atan2(1, 1)") == "0.7853981633974483");
  CHECK(calc("atan2(0, -1)") == "3.141592653589793");
  CHECK(calc("pow(2, 10)") == "1024");
  CHECK(is_integer("pow(2, 10)"));
  CHECK(calc("hypot(3, 4)") == "5");
  CHECK(calc("pi") == "3.141592653589793");
  CHECK(calc("e") == "2.718281828459045");
  // Names are case-insensitive.
  CHECK(calc("PI") == calc("pi"));
  CHECK(calc("Sqrt(9)") == "3");
  CHECK(calc("sqrt(sqrt(sqrt(256)))") == "2");
  CHECK(calc("max(min(1, 2), min(3, 4), 2)") == "3");
}

TEST_CASE("Calculator results never print -0", "[calculator]") {
  CHECK(calc("-0.0") == "0");
  CHECK(calc("0 * -1.5") == "0");
  CHECK(calc("-0") == "0");
  CHECK(calc("sqrt(-0.0)") == "0");
}

TEST_CASE("Calculator syntax errors name the column", "[calculator]") {
  CHECK(error_of("") == "the expression is empty; write arithmetic such as 2 * (3 + 4)");
  CHECK(error_of("   ") == "the expression is empty; write arithmetic such as 2 * (3 + 4)");
  CHECK(error_of("1 +") == "the expression ends at column 4 where a number, a name or '(' is "
                           "expected");
  CHECK(error_of("1 + * 2") == "expected a number, a name or '(' at column 5, found '*'");
  CHECK(error_of("2 3") == "expected an operator or the end of the expression at column 3, "
                           "found '3' (write multiplication with '*': 2*pi, 2*(3+4))");
  CHECK(error_of("2pi") == "expected an operator or the end of the expression at column 2, "
                           "found 'pi' (write multiplication with '*': 2*pi, 2*(3+4))");
  CHECK(error_of("2(3)") == "expected an operator or the end of the expression at column 2, "
                            "found '(' (write multiplication with '*': 2*pi, 2*(3+4))");
  CHECK(error_of("1.2.3") == "expected an operator or the end of the expression at column 4, "
                             "found '.3'");
  CHECK(error_of("1,000") == "expected an operator or the end of the expression at column 2, "
                             "found ',' (write numbers without thousands separators: 1000000, "
                             "not 1,000,000)");
  CHECK(error_of("2 + 2 = 4") == "unexpected character '=' at column 7; the calculator reads "
                                 "numbers, + - * / % ^ **, parentheses, commas and function "
                                 "names");
  CHECK(error_of("3 \xC3\x97 4") == "unexpected byte 0xC3 at column 3; the calculator reads "
                                    "ASCII arithmetic only");
  CHECK(error_of(std::string_view("1+\0", 3)) == "unexpected byte 0x00 at column 3; the "
                                                 "calculator reads ASCII arithmetic only");
  CHECK(error_of("x = 2") == error_of("x"));
  CHECK(error_of("1e400") == "the number at column 1 is too large for a double");
  CHECK(error_of("2 + 1e999999999") == "the number at column 5 is too large for a double");
  CHECK(error_of("1 / 0 +") == "the expression ends at column 8 where a number, a name or '(' "
                               "is expected"); // the syntax error wins over the division
}

TEST_CASE("Calculator reports unbalanced parentheses with their column", "[calculator]") {
  CHECK(error_of("(1 + 2") == "unbalanced parenthesis: '(' at column 1 is never closed");
  CHECK(error_of("((1 + 2)") == "unbalanced parenthesis: '(' at column 1 is never closed");
  CHECK(error_of("(1 + (2") == "unbalanced parenthesis: '(' at column 6 is never closed");
  CHECK(error_of("1 + 2)") == "unbalanced parenthesis: ')' at column 6 has no matching '('");
  CHECK(error_of(")") == "unbalanced parenthesis: ')' at column 1 has no matching '('");
  CHECK(error_of("(1))") == "unbalanced parenthesis: ')' at column 4 has no matching '('");
  CHECK(error_of("sqrt(4") == "unbalanced parenthesis: '(' at column 5 is never closed");
  CHECK(error_of("()") == "empty parentheses at column 1");
  CHECK(error_of("(1 2)") == "expected ')' or an operator at column 4, found '2'");
  CHECK(error_of("max(1 2)") == "expected ',' or ')' or an operator at column 7, found '2'");
  CHECK(error_of("max(1,)") == "expected a number, a name or '(' at column 7, found ')'");
  CHECK(error_of("max(,1)") == "expected a number, a name or '(' at column 5, found ','");
}

TEST_CASE("Calculator names unknown identifiers and lists what it knows", "[calculator]") {
  const std::string known = "; the functions are sqrt, abs, round, floor, ceil, min, max, exp, "
                            "ln, log10, log, sin, cos, tan, asin, acos, atan, atan2, pow, hypot; "
                            "the constants are pi and e";
  CHECK(error_of("foo") == "unknown name 'foo' at column 1" + known);
  CHECK(error_of("1 + foo(2)") == "unknown name 'foo' at column 5" + known);
  CHECK(error_of("factorial(5)") == "unknown name 'factorial' at column 1" + known);
  CHECK(error_of("sqrt") == "'sqrt' at column 1 is a function: write sqrt(x)");
  CHECK(error_of("2 * log") == "'log' at column 5 is a function: write log(x) (natural) or "
                               "log(x, base)");
  CHECK(error_of("pi(2)") == "'pi' at column 1 is a constant, not a function");
  // A long name is cut in the message.
  CHECK(error_of(std::string(200, 'a')) ==
        "unknown name 'aaaaaaaaaaaaaaaaaaaa...' at column 1" + known);
}

TEST_CASE("Calculator checks argument counts", "[calculator]") {
  CHECK(error_of("sqrt(1, 2)") == "sqrt at column 1 takes 1 argument (sqrt(x)), not 2");
  CHECK(error_of("sqrt()") == "sqrt at column 1 takes 1 argument (sqrt(x)), not 0");
  CHECK(error_of("atan2(1)") == "atan2 at column 1 takes 2 arguments (atan2(y, x)), not 1");
  CHECK(error_of("1 + pow(1, 2, 3)") == "pow at column 5 takes 2 arguments (pow(x, y)), not 3");
  CHECK(error_of("min()") == "min at column 1 takes 1 or more arguments (min(x, ...)), not 0");
  CHECK(error_of("log(1, 2, 3)") ==
        "log at column 1 takes 1 or 2 arguments (log(x) (natural) or log(x, base)), not 3");
  CHECK(error_of("round(1, 2, 3)") ==
        "round at column 1 takes 1 or 2 arguments (round(x) or round(x, digits)), not 3");
}

TEST_CASE("Calculator evaluation errors name the operation and column", "[calculator]") {
  CHECK(error_of("1/0") == "division by zero at column 2");
  CHECK(error_of("1 / (2 - 2)") == "division by zero at column 3");
  CHECK(error_of("1.5 / 0.0") == "division by zero at column 5");
  CHECK(error_of("1 % 0") == "remainder of a division by zero at column 3");
  CHECK(error_of("1.5 % 0") == "remainder of a division by zero at column 5");
  CHECK(error_of("0^-1") == "division by zero: 0 to a negative power at column 2");
  CHECK(error_of("pow(0, -2)") == "division by zero: 0 to a negative power at column 1");
  CHECK(error_of("(-8)^(1/3)") ==
        "a negative number to a fractional power is not a real number at column 5");
  CHECK(error_of("sqrt(-1)") == "sqrt(-1) at column 1 is undefined: the square root of a "
                                "negative number is not a real number");
  CHECK(error_of("ln(0)") == "ln(0) at column 1 is undefined: a logarithm needs a positive number");
  CHECK(error_of("2 * log10(-5)") ==
        "log10(-5) at column 5 is undefined: a logarithm needs a positive number");
  CHECK(error_of("log(-1)") ==
        "log(-1) at column 1 is undefined: a logarithm needs a positive number");
  CHECK(error_of("log(8, 1)") == "log's base at column 1 must be positive and not 1, not 1");
  CHECK(error_of("log(8, -2)") == "log's base at column 1 must be positive and not 1, not -2");
  CHECK(error_of("asin(2)") ==
        "asin(2) at column 1 is undefined: asin takes a number from -1 to 1");
  CHECK(error_of("acos(-1.5)") ==
        "acos(-1.5) at column 1 is undefined: acos takes a number from -1 to 1");
  CHECK(error_of("round(1, 0.5)") ==
        "round's digits at column 1 must be a whole number from -15 to 15, not 0.5");
  CHECK(error_of("round(1, 16)") ==
        "round's digits at column 1 must be a whole number from -15 to 15, not 16");
}

TEST_CASE("Calculator refuses results that are not finite", "[calculator]") {
  const std::string too_large = " is too large for a double (above 1.8e308)";
  CHECK(error_of("10^400") == "the result of '^' at column 3" + too_large);
  CHECK(error_of("2**5000") == "the result of '**' at column 2" + too_large);
  CHECK(error_of("2^2^2^2^2") == "the result of '^' at column 2" + too_large);
  CHECK(error_of("1e308 * 10") == "the result of '*' at column 7" + too_large);
  CHECK(error_of("1e308 + 1e308") == "the result of '+' at column 7" + too_large);
  CHECK(error_of("-1e308 - 1e308") == "the result of '-' at column 8" + too_large);
  CHECK(error_of("1e308 / 1e-308") == "the result of '/' at column 7" + too_large);
  CHECK(error_of("exp(1000)") == "the result of 'exp' at column 1" + too_large);
  CHECK(error_of("hypot(1e308, 1e308) * 2") == "the result of '*' at column 21" + too_large);
  CHECK(error_of("pow(10, 309)") == "the result of 'pow' at column 1" + too_large);
  CHECK(calc("round(-1.7976931348623157e308, -15)") == "-1.7976931348623157e+308");
  // What would be inf - inf (NaN) fails at the first infinity.
  CHECK(error_of("1e308*10 - 1e308*10") == "the result of '*' at column 6" + too_large);
  // Huge exponents of small bases are fine.
  CHECK(calc("1^(10^18)") == "1");
  CHECK(calc("0.5^100000") == "0");
  CHECK(calc("(-1)^(2^62)") == "1");
  CHECK(calc("0^(10^18)") == "0");
  CHECK(calc("1e-308 / 1e10") == "1e-318");
}

TEST_CASE("Calculator refuses long and deep input without exhausting the stack", "[calculator]") {
  // Exactly the limits pass.
  std::string longest = "1" + std::string(0, ' ');
  while (longest.size() + 2 <= max_expression_bytes)
    longest += "+1";
  CHECK(longest.size() == 999);
  CHECK(calc(longest) == "500");
  CHECK(calc(std::string(max_expression_bytes - 1, ' ') + "7") == "7");
  CHECK(error_of(std::string(max_expression_bytes + 1, ' ')) ==
        "the expression is 1001 bytes long; the calculator reads at most 1000");
  CHECK(error_of(std::string(1'000'000, '(')) ==
        "the expression is 1000000 bytes long; the calculator reads at most 1000");
  CHECK(error_of(std::string(1'000'000, '1')) ==
        "the expression is 1000000 bytes long; the calculator reads at most 1000");

  auto nested = [](int depth) {
    return std::string(static_cast<std::size_t>(depth), '(') + "1" +
           std::string(static_cast<std::size_t>(depth), ')');
  };
  CHECK(calc(nested(64)) == "1");
  CHECK(error_of(nested(65)) == "the expression nests deeper than 64 levels of parentheses "
                                "and function calls at column 65");
  CHECK(error_of(std::string(999, '(')) == "the expression nests deeper than 64 levels of "
                                           "parentheses and function calls at column 65");
  std::string calls;
  for (int i = 0; i < 64; ++i)
    calls += "abs(";
  CHECK(calc(calls + "-1" + std::string(64, ')')) == "1");
  CHECK(error_of("abs(" + calls + "-1" + std::string(65, ')')) ==
        "the expression nests deeper than 64 levels of parentheses and function calls at "
        "column 260");

  // Chains of operators are loops, not recursion: no depth limit applies to them.
  CHECK(calc(std::string(999, '-') + "1") == "-1");
  CHECK(calc(std::string(998, '-') + "1") == "1");
  std::string powers = "2";
  while (powers.size() + 2 <= max_expression_bytes)
    powers += "^1";
  CHECK(calc(powers) == "2");
  std::string unary_powers = "2";
  while (unary_powers.size() + 3 <= max_expression_bytes)
    unary_powers += "^-1";
  CHECK(calc(unary_powers) == "0.5");
}

TEST_CASE("Calculator doubles print as std::to_chars prints them", "[calculator]") {
  using tools::shortest_double;
  CHECK(shortest_double(0.1) == "0.1");
  CHECK(shortest_double(-2.5) == "-2.5");
  CHECK(shortest_double(1000) == "1000");
  CHECK(shortest_double(1e21) == "1e+21");
  CHECK(shortest_double(123456789012.0) == "123456789012");
  CHECK(shortest_double(1.5e-7) == "1.5e-07");
  CHECK(shortest_double(0.001) == "0.001");
  CHECK(shortest_double(0.0001) == "1e-04"); // shorter than 0.0001
  CHECK(shortest_double(5e-324) == "5e-324");
  CHECK(shortest_double(1.7976931348623157e308) == "1.7976931348623157e+308");
  CHECK(shortest_double(36028797018963968.0) == "36028797018963968"); // 2^55, exactly
  CHECK(shortest_double(std::ldexp(1.0, -1017)) == "7.120236347223045e-307");

  const auto expected = [](double value) {
    char text[64];
    auto result = std::to_chars(text, text + sizeof text, value);
    return std::string(text, result.ptr);
  };
  // Powers of two and their neighbours: where the nearest shortest decimal can fall outside
  // the lopsided interval that reads back.
  for (int exponent = -1074; exponent <= 1023; ++exponent) {
    const double power = std::ldexp(1.0, exponent);
    for (double value : {power, std::nextafter(power, 0.0),
                         std::nextafter(power, std::numeric_limits<double>::infinity())})
      if (std::isfinite(value) && shortest_double(value) != expected(value))
        FAIL("2^" << exponent << " neighbour: " << shortest_double(value) << " vs "
                  << expected(value));
  }
  std::mt19937_64 random(20261125);
  for (int i = 0; i < 20'000; ++i) { // more in the calculator fuzz target
    const std::uint64_t bits = random();
    double value = 0;
    std::memcpy(&value, &bits, sizeof value);
    if (std::isfinite(value) && shortest_double(value) != expected(value))
      FAIL("bits " << bits << ": " << shortest_double(value) << " vs " << expected(value));
    const double everyday = static_cast<double>(random() % 100'000'000) / 1000;
    if (shortest_double(everyday) != expected(everyday))
      FAIL(shortest_double(everyday) << " vs " << expected(everyday));
  }
}

TEST_CASE("Calculator tool answers JSON for the model", "[calculator]") {
  auto run = [](std::string_view arguments) {
    auto result = run_builtin_tool("calculator", arguments, 0);
    return result.ok() ? result.value() : "error: " + result.error().message;
  };
  CHECK(run(R"({"expression":"2+2"})") == R"({"expression":"2+2","result":4})");
  CHECK(run(R"({"expression":"7/2"})") == R"({"expression":"7/2","result":3.5})");
  CHECK(run(R"({"expression":"1e21"})") == R"({"expression":"1e21","result":1e+21})");
  CHECK(run(R"({"expression":"2^62 + 1"})") ==
        R"({"expression":"2^62 + 1","result":4611686018427387905})");
  CHECK(run(R"({"expression":"2^64"})") ==
        R"({"expression":"2^64","result":18446744073709551616,)"
        R"("note":"the result is a double, exact to about 16 significant digits"})");
  CHECK(run(R"x({"expression":"sqrt(2^106)"})x") ==
        R"x({"expression":"sqrt(2^106)","result":9007199254740992,)x"
        R"("note":"the result is a double, exact to about 16 significant digits"})");
  // An exact decimal needs no note, however many digits it has.
  CHECK(run(R"({"expression":"2^53 + 0.5"})") ==
        R"({"expression":"2^53 + 0.5","result":9007199254740992.5})");
  CHECK(run(R"({"expression":"1299 * 12 * 0.8"})") ==
        R"({"expression":"1299 * 12 * 0.8","result":12470.4})");
  CHECK(run(R"({"expression":"1/3"})") == R"({"expression":"1/3","result":0.3333333333333333})");
  CHECK(run(R"({"expression":"2^53"})") == R"({"expression":"2^53","result":9007199254740992})");
  CHECK(run(R"({"expression":"1/0"})") == "error: division by zero at column 2");
  CHECK(run(R"({"expression":"2+\"2"})") ==
        "error: unexpected character '\"' at column 3; the calculator reads numbers, + - * / "
        "% ^ **, parentheses, commas and function names");
  CHECK(run(R"({"expression":"2", "note": null})") == R"({"expression":"2","result":2})");
  CHECK(run(R"({"expr":"2+2"})") ==
        R"(error: the calculator does not take the argument "expr"; it takes "expression")");
  CHECK(run("{}") == "error: the calculator needs \"expression\": the arithmetic to evaluate, "
                     "such as \"2 * (3 + 4)\"");
  CHECK(run("") == run("{}"));
  CHECK(run(R"({"expression":4})") == R"(error: "expression" must be a string, not a number)");
  CHECK(run("[]") == "error: calculator: the arguments must be a JSON object, not an array");
  CHECK(run(R"({"expression":"2+2")")
            .rfind("error: calculator: the arguments are not valid "
                   "JSON: ",
                   0) == 0);
}
