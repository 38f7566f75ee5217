#pragma once
// Writing output files so that a reader never sees a partial file: the contents go to a
// temporary file next to the target, which is synced and then renamed over the target.

#include <string>

namespace slfit {

// Writes `contents` to `path`, or to stdout when `path` is "-" or empty. The target either keeps
// its old contents or gets the new ones in full, and a failure leaves no temporary file behind.
// A symlink keeps pointing where it did (the file it names is replaced); a device or FIFO such
// as /dev/null is written to directly. Throws std::runtime_error naming the path and the
// system's reason. In an MPI job (slfit/ranks.hpp) only rank 0 writes; the others do nothing.
void write_output(const std::string& path, const std::string& contents);

// write_output's part for a file, on whichever process calls it: for files that are not the
// command's output (the NVRTC cache), which every rank of an MPI job writes for itself.
void write_file_atomically(const std::string& path, const std::string& contents);

// Checks, before long work, that write_output(path, ...) will be able to write: the temporary
// it would create next to the target is created and removed, and a directory in the target's
// place is refused. Throws std::runtime_error as write_output would; nothing for stdout ("-" or
// empty) or a device. In an MPI job rank 0 checks and every rank gets its verdict (collective).
void check_output_writable(const std::string& path);

// Unlinks the temporary file that write_output is writing at the moment, if any, so that a
// signal handler can clean up before the process dies. Calls nothing but unlink() on a path kept
// in a static buffer. Expects write_output to be called from one thread at a time.
void remove_pending_temporaries() noexcept;

}  // namespace slfit
