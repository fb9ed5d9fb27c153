#include "interrupt.hpp"

#include <csignal>

namespace llmux::cli {
namespace {

native::CancelFlag *interrupt_flag = nullptr;

extern "C" void on_interrupt(int signal) {
  if (interrupt_flag)
    interrupt_flag->cancel();
  // A second one ends the process the usual way.
  std::signal(signal, SIG_DFL);
}

} // namespace

InterruptScope::InterruptScope(native::CancelFlag &flag) {
  interrupt_flag = &flag;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}

InterruptScope::~InterruptScope() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  interrupt_flag = nullptr;
}

} // namespace llmux::cli
