#include "terminal_text.hpp"

#include <iostream>

#include <unistd.h>

namespace llmux::cli {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

bool is_c0_or_del(unsigned char byte, bool keep_line_breaks) {
  if (keep_line_breaks && (byte == '\n' || byte == '\t'))
    return false;
  return byte < 0x20 || byte == 0x7f;
}

// Appends the escape of `byte`: \xHH for C0 and DEL, \u00HH for a C1 control.
template <class Append> void append_escape(unsigned char byte, bool c1, Append &&append) {
  const char escape[] = {'\\', c1 ? 'u' : 'x'};
  append(escape, 2);
  if (c1)
    append("00", 2);
  const char digits[] = {hex_digits[byte >> 4], hex_digits[byte & 0xf]};
  append(digits, 2);
}

} // namespace

TerminalTextBuffer::~TerminalTextBuffer() {
  if (after_c2_)
    target_->sputc(static_cast<char>(0xc2));
}

void TerminalTextBuffer::put(unsigned char byte) {
  auto write = [this](const char *bytes, std::streamsize count) { target_->sputn(bytes, count); };
  if (after_c2_) {
    after_c2_ = false;
    if (byte >= 0x80 && byte <= 0x9f)
      return append_escape(byte, true, write);
    target_->sputc(static_cast<char>(0xc2));
  }
  if (byte == 0xc2) {
    after_c2_ = true;
    return;
  }
  if (is_c0_or_del(byte, true))
    return append_escape(byte, false, write);
  target_->sputc(static_cast<char>(byte));
}

TerminalTextBuffer::int_type TerminalTextBuffer::overflow(int_type byte) {
  if (!traits_type::eq_int_type(byte, traits_type::eof()))
    put(static_cast<unsigned char>(traits_type::to_char_type(byte)));
  return traits_type::not_eof(byte);
}

std::streamsize TerminalTextBuffer::xsputn(const char *bytes, std::streamsize count) {
  for (std::streamsize i = 0; i < count; ++i)
    put(static_cast<unsigned char>(bytes[i]));
  return count;
}

int TerminalTextBuffer::sync() {
  // A held 0xC2 stays held: its next byte (in the next write) decides what it is.
  return target_->pubsync();
}

std::string escaped_field(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto append = [&out](const char *bytes, std::size_t count) { out.append(bytes, count); };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (byte == 0xc2 && next >= 0x80 && next <= 0x9f) {
      append_escape(next, true, append);
      ++i;
    } else if (is_c0_or_del(byte, false)) {
      append_escape(byte, false, append);
    } else {
      out += text[i];
    }
  }
  return out;
}

ProtectedTerminal::ProtectedTerminal()
    : errors_target_(std::cerr.rdbuf()), output_target_(std::cout.rdbuf()), errors_(errors_target_),
      output_(output_target_), output_is_terminal_(::isatty(STDOUT_FILENO) == 1) {
  std::cerr.rdbuf(&errors_);
  if (output_is_terminal_)
    std::cout.rdbuf(&output_);
}

ProtectedTerminal::~ProtectedTerminal() {
  std::cout.flush();
  std::cerr.rdbuf(errors_target_);
  std::cout.rdbuf(output_target_);
}

} // namespace llmux::cli
