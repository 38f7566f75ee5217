#pragma once
// SIGINT and SIGTERM: an interrupted run must not leave a partial output file behind.

namespace slfit::cli {

// Installs handlers that remove the output file being written at that moment, if any
// (remove_pending_temporaries), and end the process with 128 + the signal's number (130 for
// SIGINT, 143 for SIGTERM), as a shell reports a process killed by that signal. Until an output
// is written there is no file to remove: outputs appear only by an atomic rename.
void install_interrupt_handlers();

}  // namespace slfit::cli
