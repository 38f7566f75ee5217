#pragma once
// Runs the slfit binary as a user would, capturing its exit code, stdout and stderr.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace slfit::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh directory per test, removed when the test ends.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / ("slfit_test_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path file(const std::string& name, const std::string& contents) const {
    std::ofstream(path_ / name, std::ios::binary) << contents;
    return path_ / name;
  }

 private:
  std::filesystem::path path_;
};

// Where the binary and the source tree are: fixed at build time, overridable at run time by
// SLFIT_BINARY and SLFIT_SOURCE_DIR, so that a build carried to another machine (the GPU
// machine, see scripts/device-bundle.sh) runs its tests from wherever the tree landed there.
inline std::string slfit_binary() {
  const char* path = std::getenv("SLFIT_BINARY");
  return path ? path : SLFIT_BINARY;
}
inline std::string source_dir() {
  const char* path = std::getenv("SLFIT_SOURCE_DIR");
  return path ? path : SLFIT_SOURCE_DIR;
}

// `args` is appended to the binary's path as shell text; run from the source directory so that
// example paths are relative, as in the README.
inline CommandResult run_slfit(const std::string& args) {
  const auto tmp = std::filesystem::temp_directory_path();
  const std::string tag = std::to_string(::getpid()) + "_" + std::to_string(std::rand());
  const auto out_path = tmp / ("slfit_cli_out_" + tag), err_path = tmp / ("slfit_cli_err_" + tag);
  const std::string command = "cd '" + source_dir() + "' && '" + slfit_binary() + "' " + args + " >'" +
                              out_path.string() + "' 2>'" + err_path.string() + "' </dev/null";
  const int status = std::system(command.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_text(out_path);
  r.err = read_text(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return r;
}

}  // namespace slfit::test
