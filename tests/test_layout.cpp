// The architecture's seams, checked on the sources: which part may include which. The engine
// reaches a device only through slfit/de_runner.hpp; host/cuda/ implements that seam and uses
// no engine internals; host/mpi/ implements slfit/ranks.hpp on the surface alone; the CLI is a
// program on the library's surface (include/slfit/), as a Python extension would be; the
// surface is self-contained, and the umbrella header slfit/slfit.hpp holds all of it.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace slfit {
namespace {

namespace fs = std::filesystem;

struct Include {
  std::string file;  // relative to the source tree
  int line = 0;
  std::string target;  // the quoted path
};

// The quoted includes of every C++ file under `dir` (relative to the source tree).
std::vector<Include> quoted_includes(const std::string& dir) {
  static const std::regex include(R"(^\s*#\s*include\s*"([^"]+)\")");
  const fs::path root = test::source_dir();
  std::vector<Include> out;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root / dir)) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".cpp" && ext != ".hpp" && ext != ".h" && ext != ".cuh") continue;
    std::ifstream in(entry.path());
    std::string text;
    for (int line = 1; std::getline(in, text); ++line) {
      std::smatch m;
      if (std::regex_search(text, m, include))
        out.push_back({fs::relative(entry.path(), root).string(), line, m[1].str()});
    }
  }
  return out;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Every quoted include under `dir` must start with one of `allowed`; returns the others.
std::vector<std::string> violations(const std::string& dir, const std::vector<std::string>& allowed) {
  std::vector<std::string> out;
  for (const Include& i : quoted_includes(dir)) {
    bool ok = false;
    for (const std::string& prefix : allowed) ok = ok || starts_with(i.target, prefix);
    if (!ok) out.push_back(i.file + ":" + std::to_string(i.line) + ": \"" + i.target + "\"");
  }
  return out;
}

std::string lines(const std::vector<std::string>& items) {
  std::string s;
  for (const std::string& item : items) s += "\n  " + item;
  return s;
}

TEST(Layout, TheEngineReachesADeviceOnlyThroughTheRunnerInterface) {
  const std::vector<std::string> bad = violations("host/engine", {"slfit/", "engine/", "optim/", "law/"});
  EXPECT_TRUE(bad.empty()) << "engine/ may include slfit/, engine/, optim/ and law/ only:" << lines(bad);
}

TEST(Layout, TheCudaBackendUsesNoEngineInternals) {
  const std::vector<std::string> bad =
      violations("host/cuda", {"slfit/", "cuda/", "optim/", "law/", "../../kernels/"});
  EXPECT_TRUE(bad.empty()) << "cuda/ may include slfit/, cuda/, optim/, law/ and the kernels' headers only:"
                           << lines(bad);
}

TEST(Layout, TheMpiDriverImplementsTheRanksSeamOnThePublicSurface) {
  const std::vector<std::string> bad = violations("host/mpi", {"slfit/"});
  EXPECT_TRUE(bad.empty()) << "mpi/ may include slfit/ only (it implements slfit/ranks.hpp):" << lines(bad);
}

TEST(Layout, TheCliIsAProgramOnThePublicSurface) {
  const std::vector<std::string> bad = violations("host/cli", {"slfit/", "cli/"});
  EXPECT_TRUE(bad.empty()) << "cli/ may include slfit/ and cli/ only:" << lines(bad);
}

TEST(Layout, ThePythonModuleIsAProgramOnThePublicSurface) {
  const std::vector<std::string> bad = violations("python/src", {"slfit/"});
  EXPECT_TRUE(bad.empty()) << "python/src/ may include slfit/ only:" << lines(bad);
}

TEST(Layout, ThePublicSurfaceIsSelfContainedAndTheUmbrellaHoldsAllOfIt) {
  const std::vector<std::string> bad = violations("include/slfit", {"slfit/"});
  EXPECT_TRUE(bad.empty()) << "include/slfit/ may include slfit/ only:" << lines(bad);

  std::set<std::string> in_umbrella;
  for (const Include& i : quoted_includes("include/slfit"))
    if (i.file == "include/slfit/slfit.hpp") in_umbrella.insert(i.target);
  for (const fs::directory_entry& entry : fs::directory_iterator(fs::path(test::source_dir()) / "include/slfit")) {
    const std::string name = "slfit/" + entry.path().filename().string();
    if (name == "slfit/slfit.hpp") continue;
    EXPECT_TRUE(in_umbrella.contains(name)) << name << " is missing from slfit/slfit.hpp";
  }
}

}  // namespace
}  // namespace slfit
