// The calculator: a recursive-descent parser compiles an arithmetic expression to postfix
// instructions, and a loop runs them on a stack of values. Nothing is ever evaluated as code.
//
// Grammar, loosest binding first (the usual mathematical one, as in Python):
//   expression := term (('+' | '-') term)*
//   term       := unary (('*' | '/' | '%') unary)*
//   unary      := ('+' | '-')* power
//   power      := primary [('^' | '**') unary]         so 2^3^2 is 2^9, -2^2 is -4, 2^-1 is 0.5
//   primary    := number | constant | function '(' [expression (',' expression)*] ')'
//               | '(' expression ')'
//
// Why compile first: a syntax error anywhere is reported before any evaluation error (no
// "division by zero" for "1/0 +"), and the evaluation is a loop, not a recursion over a tree.
// Operator chains are parsed by loops too, so the parser recurses only into parentheses and
// argument lists, at most max_expression_depth levels: no input can exhaust the stack.

#include "tools/calculator.hpp"

#include "json/read_double.hpp"

#include "tools/exact_decimal.hpp"
#include "tools/shortest_double.hpp"
#include "tools/tool_arguments.hpp"

#include <llmux/builtin_tools.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numbers>
#include <optional>
#include <span>
#include <vector>

namespace llmux {
namespace {

using tools::ExactDecimal;
using tools::tool_error;

enum class Function : std::uint8_t {
  Sqrt,
  Abs,
  Round,
  Floor,
  Ceil,
  Min,
  Max,
  Exp,
  Ln,
  Log10,
  Log,
  Sin,
  Cos,
  Tan,
  Asin,
  Acos,
  Atan,
  Atan2,
  Pow,
  Hypot,
};

struct FunctionInfo {
  std::string_view name;
  Function function;
  int min_arguments;
  int max_arguments; ///< -1: any number
  std::string_view usage;
};

// In the order the error for an unknown name lists them.
constexpr FunctionInfo functions[] = {
    {"sqrt", Function::Sqrt, 1, 1, "sqrt(x)"},
    {"abs", Function::Abs, 1, 1, "abs(x)"},
    {"round", Function::Round, 1, 2, "round(x) or round(x, digits)"},
    {"floor", Function::Floor, 1, 1, "floor(x)"},
    {"ceil", Function::Ceil, 1, 1, "ceil(x)"},
    {"min", Function::Min, 1, -1, "min(x, ...)"},
    {"max", Function::Max, 1, -1, "max(x, ...)"},
    {"exp", Function::Exp, 1, 1, "exp(x)"},
    {"ln", Function::Ln, 1, 1, "ln(x)"},
    {"log10", Function::Log10, 1, 1, "log10(x)"},
    {"log", Function::Log, 1, 2, "log(x) (natural) or log(x, base)"},
    {"sin", Function::Sin, 1, 1, "sin(x)"},
    {"cos", Function::Cos, 1, 1, "cos(x)"},
    {"tan", Function::Tan, 1, 1, "tan(x)"},
    {"asin", Function::Asin, 1, 1, "asin(x)"},
    {"acos", Function::Acos, 1, 1, "acos(x)"},
    {"atan", Function::Atan, 1, 1, "atan(x)"},
    {"atan2", Function::Atan2, 2, 2, "atan2(y, x)"},
    {"pow", Function::Pow, 2, 2, "pow(x, y)"},
    {"hypot", Function::Hypot, 2, 2, "hypot(x, y)"},
};

struct Constant {
  std::string_view name;
  double value;
};

constexpr Constant constants[] = {{"pi", std::numbers::pi}, {"e", std::numbers::e}};

CalculatorValue exact_value(ExactDecimal value) {
  return {true, value.units, value.places, tools::to_double(value)};
}

CalculatorValue integer_value(std::int64_t value) {
  return exact_value({value, 0});
}

CalculatorValue real_value(double value) noexcept {
  return {false, 0, 0, value};
}

ExactDecimal exact_of(const CalculatorValue &value) noexcept {
  return {value.units, value.decimal_places};
}

// `exact(a, b)` when both are exact and the result fits; nothing otherwise (the caller goes
// on in double).
template <class Exact>
std::optional<CalculatorValue> exactly(const CalculatorValue &a, const CalculatorValue &b,
                                       Exact exact) {
  if (a.is_exact && b.is_exact)
    if (std::optional<ExactDecimal> value = exact(exact_of(a), exact_of(b)))
      return exact_value(*value);
  return std::nullopt;
}

// An integral double as an exact integer when it fits std::int64_t (floor, ceil, round).
CalculatorValue integral_value(double value) noexcept {
  // 2^63 is exact as a double; the cast of anything outside [-2^63, 2^63) is undefined.
  constexpr double limit = 9223372036854775808.0;
  if (value >= -limit && value < limit)
    return integer_value(static_cast<std::int64_t>(value));
  return real_value(value);
}

std::string column_text(std::size_t offset) {
  return "column " + std::to_string(offset + 1);
}

// -------------------------------------------------------------------------------------------
// Tokens

enum class TokenKind : std::uint8_t {
  End,
  Number,
  Name,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Power,
  LeftParenthesis,
  RightParenthesis,
  Comma,
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::size_t start = 0; ///< byte offset in the expression
  std::string_view text;
  CalculatorValue number;
};

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

bool is_name_start(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_blank(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// 'name', for messages. Built by appending: GCC 12 warns falsely (-Wrestrict, its bug 105329)
// on "'" + string.
std::string quoted_name(std::string_view name) {
  std::string text(1, '\'');
  text += name;
  text += '\'';
  return text;
}

// How a token is named in a message: its text, quoted and cut short.
std::string describe(const Token &token) {
  if (token.kind == TokenKind::End)
    return "the end of the expression";
  std::string text(token.text.substr(0, 20));
  if (token.text.size() > 20)
    text += "...";
  return "'" + text + "'";
}

// -------------------------------------------------------------------------------------------
// Compilation to postfix

enum class Operation : std::uint8_t {
  Push,
  Negate,
  Add,
  Subtract,
  Multiply,
  Divide,
  Remainder,
  Power,
  Call,
};

struct Instruction {
  Operation operation = Operation::Push;
  std::size_t column = 0;                 ///< byte offset of the operator, function name or number
  std::string_view symbol;                ///< the operator or function as written, for messages
  CalculatorValue value;                  ///< Push
  const FunctionInfo *function = nullptr; ///< Call
  int argument_count = 0;                 ///< Call
};

class Compiler {
public:
  explicit Compiler(std::string_view text) noexcept : text_(text) {}

  Result<std::vector<Instruction>> compile() {
    if (!advance())
      return std::move(*error_);
    if (token_.kind == TokenKind::End)
      return tool_error("the expression is empty; write arithmetic such as 2 * (3 + 4)");
    if (!expression())
      return std::move(*error_);
    if (token_.kind == TokenKind::RightParenthesis)
      return tool_error("unbalanced parenthesis: ')' at " + column_text(token_.start) +
                        " has no matching '('");
    if (token_.kind != TokenKind::End)
      return tool_error(expected_operator());
    return std::move(program_);
  }

private:
  bool fail(std::string message) {
    error_ = tool_error(std::move(message));
    return false;
  }

  std::string expected_operator() const {
    std::string message = "expected an operator or the end of the expression at " +
                          column_text(token_.start) + ", found " + describe(token_);
    // Not after "1.2" in "1.2.3": a second point is no multiplication.
    if ((token_.kind == TokenKind::Number && token_.text.front() != '.') ||
        token_.kind == TokenKind::Name || token_.kind == TokenKind::LeftParenthesis)
      message += " (write multiplication with '*': 2*pi, 2*(3+4))";
    else if (token_.kind == TokenKind::Comma)
      message += " (write numbers without thousands separators: 1000000, not 1,000,000)";
    return message;
  }

  // Reads the next token into token_.
  bool advance() {
    while (pos_ < text_.size() && is_blank(text_[pos_]))
      ++pos_;
    token_ = Token{};
    token_.start = pos_;
    if (pos_ == text_.size())
      return true;
    const char c = text_[pos_];
    if (is_digit(c) || (c == '.' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1])))
      return number();
    if (is_name_start(c)) {
      std::size_t end = pos_ + 1;
      while (end < text_.size() && (is_name_start(text_[end]) || is_digit(text_[end])))
        ++end;
      return take(TokenKind::Name, end - pos_);
    }
    switch (c) {
      case '+':
        return take(TokenKind::Plus, 1);
      case '-':
        return take(TokenKind::Minus, 1);
      case '*':
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '*')
          return take(TokenKind::Power, 2);
        return take(TokenKind::Star, 1);
      case '/':
        return take(TokenKind::Slash, 1);
      case '%':
        return take(TokenKind::Percent, 1);
      case '^':
        return take(TokenKind::Power, 1);
      case '(':
        return take(TokenKind::LeftParenthesis, 1);
      case ')':
        return take(TokenKind::RightParenthesis, 1);
      case ',':
        return take(TokenKind::Comma, 1);
      default:
        break;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f)
      return fail("unexpected character '" + std::string(1, c) + "' at " + column_text(pos_) +
                  "; the calculator reads numbers, + - * / % ^ **, parentheses, commas and "
                  "function names");
    static constexpr char hex[] = "0123456789ABCDEF";
    return fail(std::string("unexpected byte 0x") + hex[byte >> 4] + hex[byte & 15] + " at " +
                column_text(pos_) + "; the calculator reads ASCII arithmetic only");
  }

  bool take(TokenKind kind, std::size_t length) {
    token_.kind = kind;
    token_.text = text_.substr(pos_, length);
    pos_ += length;
    return true;
  }

  // digits ['.' digits] [('e' | 'E') ['+' | '-'] digits], or '.' digits ...
  bool number() {
    const std::size_t start = pos_;
    std::size_t end = pos_;
    while (end < text_.size() && is_digit(text_[end]))
      ++end;
    bool real = false;
    if (end < text_.size() && text_[end] == '.') {
      real = true;
      ++end;
      while (end < text_.size() && is_digit(text_[end]))
        ++end;
    }
    if (end < text_.size() && (text_[end] == 'e' || text_[end] == 'E')) {
      // Only an exponent with digits belongs to the number: "2e" is 2 followed by a name.
      std::size_t digits = end + 1;
      if (digits < text_.size() && (text_[digits] == '+' || text_[digits] == '-'))
        ++digits;
      if (digits < text_.size() && is_digit(text_[digits])) {
        real = true;
        end = digits;
        while (end < text_.size() && is_digit(text_[end]))
          ++end;
      }
    }
    const std::string_view literal = text_.substr(start, end - start);
    take(TokenKind::Number, literal.size());
    if (!real) {
      std::int64_t integer = 0;
      auto [stop, error] =
          std::from_chars(literal.data(), literal.data() + literal.size(), integer);
      if (error == std::errc() && stop == literal.data() + literal.size()) {
        token_.number = integer_value(integer);
        return true;
      }
      // Too large for std::int64_t: read on as a double.
    } else if (auto decimal = tools::parse_decimal(literal)) {
      token_.number = exact_value(*decimal);
      return true;
    }
    // The literal's syntax was checked above, so read_double reads all of it.
    const double value = json::read_double(literal);
    if (!std::isfinite(value))
      return fail("the number at " + column_text(start) + " is too large for a double");
    token_.number = real_value(value);
    return true;
  }

  void emit(Operation operation, const Token &token) {
    Instruction instruction;
    instruction.operation = operation;
    instruction.column = token.start;
    instruction.symbol = token.text;
    program_.push_back(instruction);
  }

  bool expression() {
    if (!term())
      return false;
    while (token_.kind == TokenKind::Plus || token_.kind == TokenKind::Minus) {
      const Token op = token_;
      if (!advance() || !term())
        return false;
      emit(op.kind == TokenKind::Plus ? Operation::Add : Operation::Subtract, op);
    }
    return true;
  }

  bool term() {
    if (!unary())
      return false;
    while (token_.kind == TokenKind::Star || token_.kind == TokenKind::Slash ||
           token_.kind == TokenKind::Percent) {
      const Token op = token_;
      if (!advance() || !unary())
        return false;
      emit(op.kind == TokenKind::Star    ? Operation::Multiply
           : op.kind == TokenKind::Slash ? Operation::Divide
                                         : Operation::Remainder,
           op);
    }
    return true;
  }

  // ('+' | '-')*: whether they negate.
  bool signs(bool &negate) {
    negate = false;
    while (token_.kind == TokenKind::Plus || token_.kind == TokenKind::Minus) {
      negate = negate != (token_.kind == TokenKind::Minus);
      if (!advance())
        return false;
    }
    return true;
  }

  bool unary() {
    const Token first = token_;
    bool negate = false;
    if (!signs(negate) || !power())
      return false;
    if (negate)
      emit(Operation::Negate, first);
    return true;
  }

  // primary ('^' signs primary)*, right-associative. The operands' instructions come out in
  // order; each '^' (and the negation in front of its right operand, which applies to the whole
  // rest of the chain) is emitted after everything to its right, last '^' first.
  bool power() {
    if (!primary())
      return false;
    struct Pending {
      Token op;
      bool negate = false;
    };
    std::vector<Pending> pending;
    while (token_.kind == TokenKind::Power) {
      Pending next{token_, false};
      if (!advance() || !signs(next.negate) || !primary())
        return false;
      pending.push_back(next);
    }
    for (auto it = pending.rbegin(); it != pending.rend(); ++it) {
      if (it->negate)
        emit(Operation::Negate, it->op);
      emit(Operation::Power, it->op);
    }
    return true;
  }

  bool enter(const Token &opening) {
    if (++depth_ > max_expression_depth)
      return fail("the expression nests deeper than " + std::to_string(max_expression_depth) +
                  " levels of parentheses and function calls at " + column_text(opening.start));
    return true;
  }

  // After an operand is expected and token_ cannot start one.
  bool expected_operand() {
    if (token_.kind == TokenKind::End)
      return fail("the expression ends at " + column_text(token_.start) +
                  " where a number, a name or '(' is expected");
    if (token_.kind == TokenKind::RightParenthesis && depth_ == 0)
      return fail("unbalanced parenthesis: ')' at " + column_text(token_.start) +
                  " has no matching '('");
    return fail("expected a number, a name or '(' at " + column_text(token_.start) + ", found " +
                describe(token_));
  }

  // The ')' closing `opening`, or an error saying what is there instead.
  bool close(const Token &opening, bool in_arguments) {
    if (token_.kind == TokenKind::RightParenthesis) {
      --depth_;
      return advance();
    }
    if (token_.kind == TokenKind::End)
      return fail("unbalanced parenthesis: '(' at " + column_text(opening.start) +
                  " is never closed");
    return fail(std::string(in_arguments ? "expected ',' or ')'" : "expected ')'") +
                " or an operator at " + column_text(token_.start) + ", found " + describe(token_));
  }

  bool primary() {
    const Token token = token_;
    switch (token.kind) {
      case TokenKind::Number: {
        Instruction push;
        push.operation = Operation::Push;
        push.column = token.start;
        push.value = token.number;
        program_.push_back(push);
        return advance();
      }
      case TokenKind::LeftParenthesis:
        if (!enter(token) || !advance())
          return false;
        if (token_.kind == TokenKind::RightParenthesis)
          return fail("empty parentheses at " + column_text(token.start));
        return expression() && close(token, false);
      case TokenKind::Name:
        return name();
      default:
        return expected_operand();
    }
  }

  bool name() {
    const Token token = token_;
    std::string lower(token.text);
    for (char &c : lower)
      if (c >= 'A' && c <= 'Z')
        c = static_cast<char>(c - 'A' + 'a');
    for (const Constant &constant : constants) {
      if (lower != constant.name)
        continue;
      if (!advance())
        return false;
      if (token_.kind == TokenKind::LeftParenthesis)
        return fail("'" + lower + "' at " + column_text(token.start) +
                    " is a constant, not a function");
      Instruction push;
      push.operation = Operation::Push;
      push.column = token.start;
      push.value = real_value(constant.value);
      program_.push_back(push);
      return true;
    }
    for (const FunctionInfo &function : functions)
      if (lower == function.name)
        return advance() && call(function, token);
    std::string message = "unknown name ";
    message += describe(token);
    message += " at " + column_text(token.start) + "; the functions are ";
    bool first = true;
    for (const FunctionInfo &function : functions) {
      if (!first)
        message += ", ";
      first = false;
      message += function.name;
    }
    message += "; the constants are pi and e";
    return fail(std::move(message));
  }

  bool call(const FunctionInfo &function, const Token &name) {
    if (token_.kind != TokenKind::LeftParenthesis)
      return fail(quoted_name(function.name) + " at " + column_text(name.start) +
                  " is a function: write " + std::string(function.usage));
    const Token opening = token_;
    if (!enter(opening) || !advance())
      return false;
    int count = 0;
    if (token_.kind != TokenKind::RightParenthesis) {
      while (true) {
        if (!expression())
          return false;
        ++count;
        if (token_.kind != TokenKind::Comma)
          break;
        if (!advance())
          return false;
      }
    }
    if (!close(opening, true))
      return false;
    if (count < function.min_arguments ||
        (function.max_arguments >= 0 && count > function.max_arguments)) {
      std::string takes;
      if (function.max_arguments < 0)
        takes = std::to_string(function.min_arguments) + " or more arguments";
      else if (function.min_arguments == function.max_arguments)
        takes = std::to_string(function.min_arguments) +
                (function.min_arguments == 1 ? " argument" : " arguments");
      else
        takes = std::to_string(function.min_arguments) + " or " +
                std::to_string(function.max_arguments) + " arguments";
      return fail(std::string(function.name) + " at " + column_text(name.start) + " takes " +
                  takes + " (" + std::string(function.usage) + "), not " + std::to_string(count));
    }
    Instruction instruction;
    instruction.operation = Operation::Call;
    instruction.column = name.start;
    instruction.symbol = name.text;
    instruction.function = &function;
    instruction.argument_count = count;
    program_.push_back(instruction);
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  Token token_;
  int depth_ = 0;
  std::vector<Instruction> program_;
  std::optional<Error> error_;
};

// -------------------------------------------------------------------------------------------
// Evaluation

std::string at(const Instruction &instruction) {
  return " at " + column_text(instruction.column);
}

std::string quoted_symbol(const Instruction &instruction) {
  return quoted_name(instruction.symbol);
}

// A double result, refused when it is not finite: the calculator never answers inf or nan.
Result<CalculatorValue> real_result(double value, const Instruction &instruction) {
  if (std::isnan(value))
    return tool_error("the result of " + quoted_symbol(instruction) + at(instruction) +
                      " is not a real number");
  if (std::isinf(value))
    return tool_error("the result of " + quoted_symbol(instruction) + at(instruction) +
                      " is too large for a double (above 1.8e308)");
  return real_value(value);
}

Result<CalculatorValue> add(CalculatorValue a, CalculatorValue b, const Instruction &op) {
  if (auto sum = exactly(a, b, tools::add))
    return *sum;
  return real_result(a.real + b.real, op);
}

Result<CalculatorValue> subtract(CalculatorValue a, CalculatorValue b, const Instruction &op) {
  if (auto difference = exactly(a, b, tools::subtract))
    return *difference;
  return real_result(a.real - b.real, op);
}

Result<CalculatorValue> multiply(CalculatorValue a, CalculatorValue b, const Instruction &op) {
  if (auto product = exactly(a, b, tools::multiply))
    return *product;
  return real_result(a.real * b.real, op);
}

Result<CalculatorValue> divide(CalculatorValue a, CalculatorValue b, const Instruction &op) {
  if (b.real == 0)
    return tool_error("division by zero" + at(op));
  // A quotient that is a decimal stays exact (7/2 is 3.5); 1/3, or one too long, is a double.
  if (auto quotient = exactly(a, b, tools::divide))
    return *quotient;
  return real_result(a.real / b.real, op);
}

Result<CalculatorValue> remainder(CalculatorValue a, CalculatorValue b, const Instruction &op) {
  if (b.real == 0)
    return tool_error("remainder of a division by zero" + at(op));
  if (auto rest = exactly(a, b, tools::remainder))
    return *rest;
  return real_result(std::fmod(a.real, b.real), op);
}

Result<CalculatorValue> power(CalculatorValue base, CalculatorValue exponent,
                              const Instruction &op) {
  if (base.is_exact && exponent.is_integer())
    if (auto exact = tools::power(exact_of(base), exponent.units))
      return exact_value(*exact);
  if (base.real == 0 && exponent.real < 0)
    return tool_error("division by zero: 0 to a negative power" + at(op));
  if (base.real < 0 && exponent.real != std::trunc(exponent.real))
    return tool_error("a negative number to a fractional power is not a real number" + at(op));
  return real_result(std::pow(base.real, exponent.real), op);
}

bool less(CalculatorValue a, CalculatorValue b) noexcept {
  if (a.is_exact && b.is_exact)
    return tools::compare(exact_of(a), exact_of(b)) < 0;
  return a.real < b.real;
}

Result<CalculatorValue> domain_error(const Instruction &call, CalculatorValue argument,
                                     std::string_view why) {
  return tool_error(std::string(call.function->name) + "(" + to_string(argument) + ")" + at(call) +
                    " is undefined: " + std::string(why));
}

Result<CalculatorValue> round_to_digits(CalculatorValue x, CalculatorValue digits,
                                        const Instruction &call) {
  if (!digits.is_integer() || digits.units < -15 || digits.units > 15)
    return tool_error("round's digits" + at(call) + " must be a whole number from -15 to 15, not " +
                      to_string(digits));
  const auto count = static_cast<int>(digits.units);
  if (x.is_exact)
    if (auto rounded = tools::round_to(exact_of(x), count))
      return exact_value(*rounded);
  double scale = 1;
  for (int i = 0; i < (count < 0 ? -count : count); ++i)
    scale *= 10;
  if (count <= 0) {
    auto rounded = real_result(std::round(x.real / scale) * scale, call);
    return rounded.ok() ? integral_value(rounded.value().real) : rounded;
  }
  const double scaled = x.real * scale;
  // So large that it has no digits after the point to round.
  if (!std::isfinite(scaled) || std::fabs(scaled) >= 4503599627370496.0)
    return x;
  return real_result(std::round(scaled) / scale, call);
}

Result<CalculatorValue> logarithm(CalculatorValue x, CalculatorValue base,
                                  const Instruction &call) {
  if (x.real <= 0)
    return domain_error(call, x, "a logarithm needs a positive number");
  if (base.real <= 0 || base.real == 1)
    return tool_error("log's base" + at(call) + " must be positive and not 1, not " +
                      to_string(base));
  if (x.is_integer() && base.is_integer()) {
    // An exact power of an integer base gives its exponent exactly: log(1000, 10) is 3, where
    // ln(1000) / ln(10) is 2.9999999999999996.
    const double estimate = std::round(std::log(x.real) / std::log(base.real));
    if (estimate >= 0 && estimate <= 64)
      if (auto back = tools::power(exact_of(base), static_cast<std::int64_t>(estimate));
          back && *back == exact_of(x))
        return integer_value(static_cast<std::int64_t>(estimate));
  }
  if (base.real == 10)
    return real_result(std::log10(x.real), call);
  if (base.real == 2)
    return real_result(std::log2(x.real), call);
  return real_result(std::log(x.real) / std::log(base.real), call);
}

Result<CalculatorValue> apply(const Instruction &call, std::span<const CalculatorValue> args) {
  const CalculatorValue x = args[0];
  switch (call.function->function) {
    case Function::Sqrt:
      if (x.real < 0)
        return domain_error(call, x, "the square root of a negative number is not a real number");
      return real_result(std::sqrt(x.real), call);
    case Function::Abs:
      if (x.is_exact && x.units >= 0)
        return x;
      if (x.is_exact)
        if (auto magnitude = tools::negate(exact_of(x)))
          return exact_value(*magnitude);
      return real_value(std::fabs(x.real));
    case Function::Round:
      if (args.size() == 2)
        return round_to_digits(x, args[1], call);
      if (x.is_exact)
        if (auto rounded = tools::round_to(exact_of(x), 0))
          return exact_value(*rounded);
      return integral_value(std::round(x.real));
    case Function::Floor:
      return x.is_exact ? exact_value(tools::floor(exact_of(x)))
                        : integral_value(std::floor(x.real));
    case Function::Ceil:
      return x.is_exact ? exact_value(tools::ceil(exact_of(x))) : integral_value(std::ceil(x.real));
    case Function::Min:
    case Function::Max: {
      CalculatorValue best = x;
      for (const CalculatorValue &candidate : args.subspan(1))
        if (call.function->function == Function::Min ? less(candidate, best)
                                                     : less(best, candidate))
          best = candidate;
      return best;
    }
    case Function::Exp:
      return real_result(std::exp(x.real), call);
    case Function::Ln:
      if (x.real <= 0)
        return domain_error(call, x, "a logarithm needs a positive number");
      return real_result(std::log(x.real), call);
    case Function::Log10:
      if (x.real <= 0)
        return domain_error(call, x, "a logarithm needs a positive number");
      return real_result(std::log10(x.real), call);
    case Function::Log:
      if (args.size() == 2)
        return logarithm(x, args[1], call);
      if (x.real <= 0)
        return domain_error(call, x, "a logarithm needs a positive number");
      return real_result(std::log(x.real), call);
    case Function::Sin:
      return real_result(std::sin(x.real), call);
    case Function::Cos:
      return real_result(std::cos(x.real), call);
    case Function::Tan:
      return real_result(std::tan(x.real), call);
    case Function::Asin:
      if (x.real < -1 || x.real > 1)
        return domain_error(call, x, "asin takes a number from -1 to 1");
      return real_result(std::asin(x.real), call);
    case Function::Acos:
      if (x.real < -1 || x.real > 1)
        return domain_error(call, x, "acos takes a number from -1 to 1");
      return real_result(std::acos(x.real), call);
    case Function::Atan:
      return real_result(std::atan(x.real), call);
    case Function::Atan2:
      return real_result(std::atan2(x.real, args[1].real), call);
    case Function::Pow:
      return power(x, args[1], call);
    case Function::Hypot:
      return real_result(std::hypot(x.real, args[1].real), call);
  }
  return tool_error("unknown function" + at(call));
}

Result<CalculatorValue> run(const std::vector<Instruction> &program) {
  // The compiler emits a well-formed postfix program: every operation finds its operands.
  std::vector<CalculatorValue> stack;
  for (const Instruction &instruction : program) {
    if (instruction.operation == Operation::Push) {
      stack.push_back(instruction.value);
      continue;
    }
    if (instruction.operation == Operation::Negate) {
      CalculatorValue &x = stack.back();
      std::optional<ExactDecimal> negated;
      if (x.is_exact)
        negated = tools::negate(exact_of(x));
      x = negated ? exact_value(*negated) : real_value(-x.real);
      continue;
    }
    if (instruction.operation == Operation::Call) {
      const auto count = static_cast<std::size_t>(instruction.argument_count);
      auto result =
          apply(instruction, std::span<const CalculatorValue>(stack).subspan(stack.size() - count));
      if (!result.ok())
        return std::move(result).error();
      stack.resize(stack.size() - count);
      stack.push_back(result.value());
      continue;
    }
    const CalculatorValue b = stack.back();
    stack.pop_back();
    const CalculatorValue a = stack.back();
    Result<CalculatorValue> result = real_value(0);
    switch (instruction.operation) {
      case Operation::Add:
        result = add(a, b, instruction);
        break;
      case Operation::Subtract:
        result = subtract(a, b, instruction);
        break;
      case Operation::Multiply:
        result = multiply(a, b, instruction);
        break;
      case Operation::Divide:
        result = divide(a, b, instruction);
        break;
      case Operation::Remainder:
        result = remainder(a, b, instruction);
        break;
      default:
        result = power(a, b, instruction);
        break;
    }
    if (!result.ok())
      return std::move(result).error();
    stack.back() = result.value();
  }
  return stack.back();
}

} // namespace

Result<CalculatorValue> evaluate_expression(std::string_view expression) {
  if (expression.size() > max_expression_bytes)
    return tool_error("the expression is " + std::to_string(expression.size()) +
                      " bytes long; the calculator reads at most " +
                      std::to_string(max_expression_bytes));
  auto program = Compiler(expression).compile();
  if (!program.ok())
    return std::move(program).error();
  return run(program.value());
}

std::string to_string(const CalculatorValue &value) {
  if (value.is_exact)
    return tools::to_string(exact_of(value));
  if (value.real == 0)
    return "0";
  return tools::shortest_double(value.real);
}

namespace tools {

Tool calculator_tool() {
  return {
      "calculator",
      "Evaluates an arithmetic expression exactly as written and returns its value. Use it "
      "for any arithmetic instead of computing in your head. Supports + - * /, % (remainder), "
      "^ or ** (power), parentheses, the constants pi and e, and the functions sqrt, abs, "
      "round(x) or round(x, digits), floor, ceil, min, max, exp, ln, log10, log(x) (natural) "
      "or log(x, base), sin, cos, tan, asin, acos, atan, atan2(y, x) (radians), pow(x, y), "
      "hypot(x, y). Arithmetic on integers and decimals is exact (0.1 + 0.2 is 0.3) up to 19 "
      "significant digits and 18 decimal places.",
      R"({"type":"object","properties":{"expression":{"type":"string","description":)"
      R"("The expression, e.g. \"(17.5 - 3) * 2^10 / sqrt(2)\". No variables, no units, )"
      R"(no thousands separators; multiplication needs '*'."}},)"
      R"("required":["expression"],"additionalProperties":false})",
  };
}

Result<std::string> run_calculator(const json::Value &arguments) {
  if (auto unknown = reject_unknown_arguments(arguments, {"expression"}, "the calculator"))
    return std::move(*unknown);
  auto expression = optional_string_argument(arguments, "expression");
  if (!expression.ok())
    return std::move(expression).error();
  if (!expression.value())
    return tool_error("the calculator needs \"expression\": the arithmetic to evaluate, such "
                      "as \"2 * (3 + 4)\"");
  auto value = evaluate_expression(*expression.value());
  if (!value.ok())
    return std::move(value).error();
  std::string out = "{\"expression\":";
  json::write_string(*expression.value(), out);
  const std::string result = to_string(value.value());
  out += ",\"result\":";
  out += result;
  // A double this large written without an exponent ("9223372036854775808") looks exact but is
  // only the nearest double: say so, or the model will take every digit at face value.
  if (!value.value().is_exact && std::fabs(value.value().real) >= 9007199254740992.0 &&
      result.find('e') == std::string::npos)
    out += ",\"note\":\"the result is a double, exact to about 16 significant digits\"";
  out += '}';
  return out;
}

} // namespace tools
} // namespace llmux
