#include "slfit/atomic_file.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>

#include "slfit/ranks.hpp"

namespace slfit {
namespace {

// The temporary file being written, for remove_pending_temporaries(). A fixed buffer and a
// sig_atomic_t flag because a signal handler may read them at any moment; the flag is set only
// after the path is complete and cleared before the buffer is reused.
char pending_path[PATH_MAX];
volatile std::sig_atomic_t pending = 0;

[[noreturn]] void fail(const std::string& what, int error) {
  throw std::runtime_error(what + ": " + std::generic_category().message(error));
}

// ".<pid>.<random>.tmp": unique per process and per call.
std::string unique_suffix() {
  std::random_device device;
  const std::uint64_t bits = (std::uint64_t{device()} << 32) | device();
  char text[64];
  std::snprintf(text, sizeof text, ".%ld.%016llx.tmp", static_cast<long>(::getpid()),
                static_cast<unsigned long long>(bits));
  return text;
}

// A hidden name next to the target, so that the rename stays within one file system.
std::string temporary_path_for(const std::string& target) {
  const std::filesystem::path path(target);
  std::string name = ".";  // appended piecewise: GCC 12 warns falsely on "." + std::string
  name += path.filename().string();
  name += unique_suffix();
  return (path.parent_path() / name).string();
}

void write_all(int fd, std::string_view data, const std::string& target) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) fail(target + ": cannot write", errno);
    data.remove_prefix(static_cast<std::size_t>(written));
  }
}

// The temporary while it is being written: closed and unlinked on every path that does not end
// in a successful rename. `target` is the path messages name.
class TemporaryFile {
 public:
  TemporaryFile(const std::string& destination, const std::string& target)
      : path_(temporary_path_for(destination)), destination_(destination), target_(target) {
    if (path_.size() >= sizeof pending_path) fail(target_ + ": cannot write", ENAMETOOLONG);
    register_pending();
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ < 0) {
      const int error = errno;
      pending = 0;
      fail(target_ + ": cannot create temporary file " + path_, error);
    }
  }

  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!renamed_) ::unlink(path_.c_str());
    pending = 0;
  }

  void write(std::string_view data) { write_all(fd_, data, target_); }

  // Without the fsync a crash soon after the rename could leave the target empty.
  void sync_and_close() {
    if (::fsync(fd_) != 0) fail(target_ + ": cannot sync", errno);
    const int fd = fd_;
    fd_ = -1;  // a descriptor is released even when close() fails; never close it twice
    if (::close(fd) != 0) fail(target_ + ": cannot write", errno);
  }

  void rename_over_destination() {
    if (::rename(path_.c_str(), destination_.c_str()) != 0) {
      fail(target_ + ": cannot replace", errno);
    }
    renamed_ = true;
  }

 private:
  void register_pending() {
    pending = 0;
    std::memcpy(pending_path, path_.c_str(), path_.size() + 1);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    pending = 1;
  }

  std::string path_;
  const std::string& destination_;
  const std::string& target_;
  int fd_ = -1;
  bool renamed_ = false;
};

void write_stdout(const std::string& contents) {
  if (std::fwrite(contents.data(), 1, contents.size(), stdout) != contents.size() ||
      std::fflush(stdout) != 0) {
    fail("<stdout>: cannot write", errno);
  }
}

// /dev/null, /dev/stderr or a FIFO must be written to: a rename would replace the device itself.
bool is_special_file(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode);
}

void write_special_file(const std::string& path, const std::string& contents) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) fail(path + ": cannot open", errno);
  try {
    write_all(fd, contents, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) fail(path + ": cannot write", errno);
}

// Renaming over a symlink would replace the link; replace the file it points to instead.
std::string rename_destination(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_symlink(path, error)) return path;
  const std::filesystem::path resolved = std::filesystem::weakly_canonical(path, error);
  return error ? path : resolved.string();
}

}  // namespace

void write_output(const std::string& path, const std::string& contents) {
  if (!is_output_rank()) return;
  if (path.empty() || path == "-") {
    write_stdout(contents);
    return;
  }
  write_file_atomically(path, contents);
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  if (is_special_file(path)) {
    write_special_file(path, contents);
    return;
  }
  const std::string destination = rename_destination(path);
  TemporaryFile temporary(destination, path);
  temporary.write(contents);
  temporary.sync_and_close();
  temporary.rename_over_destination();
}

void check_output_writable(const std::string& path) {
  // In an MPI job, rank 0 alone writes outputs, so it alone checks; every rank gets its verdict.
  (void)on_output_rank([&] {
    if (path.empty() || path == "-" || is_special_file(path)) return std::string();
    std::error_code ignored;
    if (std::filesystem::is_directory(path, ignored)) fail(path + ": cannot write", EISDIR);
    const std::string destination = rename_destination(path);
    const TemporaryFile probe(destination, path);  // created here, removed by its destructor
    return std::string();
  });
}

void remove_pending_temporaries() noexcept {
  if (pending == 0) return;
  ::unlink(pending_path);
  pending = 0;
}

}  // namespace slfit
