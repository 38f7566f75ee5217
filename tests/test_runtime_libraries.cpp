// The binary's toolkit libraries resolve without LD_LIBRARY_PATH: libnvrtc is no system library,
// so the binary's runpath must name where it is (CMakeLists.txt), or slfit stops before main on a
// machine where nobody set LD_LIBRARY_PATH or registered the toolkit with ldconfig.

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <string>

#include "cli_runner.hpp"
#include "slfit/de_runner.hpp"

namespace slfit {
namespace {

// stdout and stderr of a shell command.
std::string run_command(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return out;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  pclose(pipe);
  return out;
}

// The dynamic loader ldd names for `binary` ("/lib64/ld-linux-x86-64.so.2"); empty if none.
std::string loader_of(const std::string& binary) {
  std::istringstream lines(run_command("ldd '" + binary + "'"));
  for (std::string line; std::getline(lines, line);) {
    const std::size_t at = line.find("/ld-linux");
    if (at == std::string::npos) continue;
    const std::size_t begin = line.find_first_not_of(" \t");
    return line.substr(begin, line.find(' ', at) - begin);
  }
  return {};
}

TEST(RuntimeLibraries, NvrtcResolvesWithoutLdLibraryPath) {
  if (!cuda_backend_built()) GTEST_SKIP() << "built without the CUDA backend";
  // What ldd lists, with neither LD_LIBRARY_PATH nor the loader's cache (where this machine's
  // toolkit may be registered, and another's not): the runpath alone must find libnvrtc.
  const std::string binary = test::slfit_binary();
  const std::string loader = loader_of(binary);
  ASSERT_FALSE(loader.empty()) << run_command("ldd '" + binary + "'");
  const std::string out =
      run_command("env -u LD_LIBRARY_PATH '" + loader + "' --inhibit-cache --list '" + binary + "'");
  EXPECT_EQ(out.find("cannot open shared object"), std::string::npos) << out;
  bool nvrtc = false;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("libnv") == std::string::npos) continue;  // the toolkit's: libnvrtc, libnvJitLink
    nvrtc = nvrtc || line.find("libnvrtc") != std::string::npos;
    EXPECT_EQ(line.find("not found"), std::string::npos) << line;
    EXPECT_NE(line.find("=> /"), std::string::npos) << line;
  }
  EXPECT_TRUE(nvrtc) << "no libnvrtc among the binary's libraries:\n" << out;
}

}  // namespace
}  // namespace slfit
