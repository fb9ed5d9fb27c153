#pragma once
// What llmux prints cannot drive the terminal it is printed on. Provider messages, model
// answers, model ids from a server's list and names in the ledger come from elsewhere, and an
// escape sequence among them could clear the screen, move the cursor to overwrite what llmux
// said, set the window title or write the clipboard (OSC 52).
//
// What is escaped: the C0 controls but newline and tab (ESC, CR, BEL, backspace, ...), DEL, and
// the C1 controls U+0080 to U+009F (CSI is U+009B), each as a visible \xHH or \u00HH. A line
// break inside one field (a table cell) is escaped as well by escaped_field.

#include <streambuf>
#include <string>
#include <string_view>

namespace llmux::cli {

/// A stream buffer that escapes control characters on their way to `target` (not owned), for
/// std::cerr always and for std::cout when it is a terminal (piped, the answer is written
/// exactly as the model sent it: it is the user's content).
class TerminalTextBuffer : public std::streambuf {
public:
  explicit TerminalTextBuffer(std::streambuf *target) : target_(target) {}
  ~TerminalTextBuffer() override;

protected:
  int_type overflow(int_type byte) override;
  std::streamsize xsputn(const char *bytes, std::streamsize count) override;
  int sync() override;

private:
  void put(unsigned char byte);

  std::streambuf *target_;
  bool after_c2_ = false; // a 0xC2 byte held back: with 0x80..0x9F after it, it is a C1 control
};

/// `text` for one field of a line (a table cell, a name): every control character escaped,
/// newline and tab included, so that the field cannot start a line of its own.
std::string escaped_field(std::string_view text);

/// While it lives, std::cerr goes through a TerminalTextBuffer, and std::cout too when it is a
/// terminal. main() holds one; the streams get their own buffers back when it ends.
class ProtectedTerminal {
public:
  ProtectedTerminal();
  ~ProtectedTerminal();
  ProtectedTerminal(const ProtectedTerminal &) = delete;
  ProtectedTerminal &operator=(const ProtectedTerminal &) = delete;

private:
  std::streambuf *errors_target_;
  std::streambuf *output_target_;
  TerminalTextBuffer errors_;
  TerminalTextBuffer output_;
  bool output_is_terminal_;
};

} // namespace llmux::cli
