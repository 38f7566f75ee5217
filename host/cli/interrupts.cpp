#include "cli/interrupts.hpp"

#include <signal.h>
#include <unistd.h>

#include "slfit/atomic_file.hpp"

namespace slfit::cli {
namespace {

// Only async-signal-safe calls: unlink() inside remove_pending_temporaries, then _exit (no
// destructors or atexit handlers, which could run while worker threads still use the state).
extern "C" void on_interrupt(int signal_number) {
  remove_pending_temporaries();
  ::_exit(128 + signal_number);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  // Either signal arriving while the handler runs waits, so the temporary is removed once.
  sigaddset(&action.sa_mask, SIGINT);
  sigaddset(&action.sa_mask, SIGTERM);
  for (const int signal_number : {SIGINT, SIGTERM}) ::sigaction(signal_number, &action, nullptr);
}

}  // namespace slfit::cli
