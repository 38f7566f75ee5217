#include "slfit/input_file.hpp"

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>

#include "slfit/error.hpp"
#include "slfit/ranks.hpp"

namespace slfit {
namespace {

std::string read_whole_file(const std::string& path) {
  const auto reason = [](int error) { return std::generic_category().message(error); };
  // A directory opens like a file on Linux and only fails when read; say what it is instead.
  std::error_code ignored;  // a path that cannot be inspected fails to open below
  if (std::filesystem::is_directory(path, ignored)) throw InputError(path + ": cannot open: is a directory");
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw InputError(path + ": cannot open: " + reason(errno));
  std::string bytes;
  char chunk[1 << 16];
  std::size_t count;
  while ((count = std::fread(chunk, 1, sizeof chunk, file.get())) > 0) bytes.append(chunk, count);
  if (std::ferror(file.get())) throw InputError(path + ": cannot read: " + reason(errno));
  return bytes;
}

}  // namespace

// In an MPI job, rank 0 reads the file and every rank gets its bytes (or its error).
std::string read_input_file(const std::string& path) {
  return on_output_rank([&] { return read_whole_file(path); });
}

}  // namespace slfit
