// --backend on every fitting command: auto says once on stderr which backend it took and the JSON
// names the same one; cuda without a usable GPU is an error that says why and writes nothing;
// an unknown name is a usage error.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "slfit/backend.hpp"

namespace slfit {
namespace {

using json = nlohmann::json;
using test::run_slfit;

bool gpu_usable() { return open_cuda_runner().runner != nullptr; }

// One quick run of each command that fits, writing JSON to `out`.
struct Command {
  std::string name, args;
};
std::vector<Command> commands(const std::filesystem::path& out) {
  const std::string o = " --out '" + out.string() + "'";
  return {
      {"fit", "fit --data examples/parscale/train.csv --group group --law parallel_power --maxiter 20" + o},
      {"bootstrap", "bootstrap --data examples/parscale/train.csv --group group --law parallel_power "
                    "--resamples 300 --method percentile --maxiter 20" + o},
      {"rescore", "rescore --manifest examples/leaderboards/parallel.json --maxiter 20 --out '" +
                      (out.parent_path() / "scores.csv").string() + "' --json '" + out.string() + "'"},
  };
}

std::size_t count_lines_starting(const std::string& text, const std::string& prefix) {
  std::size_t n = 0, at = 0;
  while ((at = text.find(prefix, at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') ++n;
    at += prefix.size();
  }
  return n;
}

TEST(CliBackend, AutoSaysOnceWhichBackendRanAndTheJsonNamesIt) {
  test::ScratchDir dir("backend_auto");
  const auto out = dir.path() / "out.json";
  for (const Command& c : commands(out)) {
    SCOPED_TRACE(c.name);
    const test::CommandResult r = run_slfit(c.args + " --backend auto");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Bootstrap fits in chunks; the choice is still announced once.
    EXPECT_EQ(count_lines_starting(r.err, "slfit: backend "), 1u) << r.err;
    const std::string expected = gpu_usable() ? "cuda" : "cpu";
    EXPECT_NE(r.err.find("slfit: backend " + expected + " ("), std::string::npos) << r.err;
    EXPECT_EQ(json::parse(test::read_text(out))["backend"], expected);
    std::filesystem::remove(out);
  }
}

TEST(CliBackend, TheAutoLineIsShortAndVerboseSaysWhy) {
  if (gpu_usable()) GTEST_SKIP() << "a usable GPU: auto takes it and there is no reason to give";
  test::ScratchDir dir("backend_verbose");
  const auto out = dir.path() / "out.json";
  for (const Command& c : commands(out)) {
    SCOPED_TRACE(c.name);
    const test::CommandResult quiet = run_slfit(c.args + " --backend auto");
    ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
    EXPECT_NE(quiet.err.find("slfit: backend cpu (no usable GPU)\n"), std::string::npos) << quiet.err;
    const test::CommandResult verbose = run_slfit(c.args + " --backend auto --verbose");
    ASSERT_EQ(verbose.exit_code, 0) << verbose.err;
    const std::string reason = open_cuda_runner().reason;
    EXPECT_NE(verbose.err.find("slfit: backend cpu (" + reason + ")"), std::string::npos) << verbose.err;
    std::filesystem::remove(out);
  }
}

TEST(CliBackend, CpuIsSilentAndNamedInTheJson) {
  test::ScratchDir dir("backend_cpu");
  const auto out = dir.path() / "out.json";
  for (const Command& c : commands(out)) {
    SCOPED_TRACE(c.name);
    const test::CommandResult r = run_slfit(c.args + " --backend cpu");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("slfit: backend"), std::string::npos) << r.err;
    EXPECT_EQ(json::parse(test::read_text(out))["backend"], "cpu");
    std::filesystem::remove(out);
  }
}

TEST(CliBackend, CudaWithoutAUsableGpuFailsWithTheReasonAndWritesNothing) {
  if (gpu_usable()) GTEST_SKIP() << "a usable GPU is visible";
  test::ScratchDir dir("backend_cuda");
  const auto out = dir.path() / "out.json";
  for (const Command& c : commands(out)) {
    SCOPED_TRACE(c.name);
    const test::CommandResult r = run_slfit(c.args + " --backend cuda");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("--backend cuda: "), std::string::npos) << r.err;
    // The reason: not built in, no driver, no device, or an architecture NVRTC cannot target.
    const bool reason = cuda_backend_built() ? (r.err.find("driver") != std::string::npos ||
                                                r.err.find("device") != std::string::npos ||
                                                r.err.find("NVRTC") != std::string::npos)
                                             : r.err.find("built without the CUDA backend") != std::string::npos;
    EXPECT_TRUE(reason) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

// The register cap of the device code is read before any work: a bad one is a usage error
// naming the variable, and nothing is written.
TEST(CliBackend, ABadRegisterCapIsAUsageErrorOnTheGpu) {
  if (!gpu_usable()) GTEST_SKIP() << "no usable GPU: the variable is not read";
  test::ScratchDir dir("backend_register_cap");
  const auto out = dir.path() / "out.json";
  ::setenv("SLFIT_CUDA_MAX_REGISTERS", "12", 1);
  for (const Command& c : commands(out)) {
    SCOPED_TRACE(c.name);
    const test::CommandResult r = run_slfit(c.args + " --backend cuda");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("SLFIT_CUDA_MAX_REGISTERS: '12' is not 0"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
  ::unsetenv("SLFIT_CUDA_MAX_REGISTERS");
}

TEST(CliBackend, UnknownBackendIsAUsageError) {
  test::ScratchDir dir("backend_unknown");
  const auto out = dir.path() / "out.json";
  for (const Command& c : commands(out)) {
    SCOPED_TRACE(c.name);
    const test::CommandResult r = run_slfit(c.args + " --backend gpu");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--backend: 'gpu' is not one of: auto, cpu, cuda"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

TEST(CliBackend, CudaWithTheSeedPipelineIsAUsageError) {
  test::ScratchDir dir("backend_seed");
  const auto out = dir.path() / "out.json";
  for (const Command& c : commands(out)) {
    SCOPED_TRACE(c.name);
    const test::CommandResult r = run_slfit(c.args + " --backend cuda --pipeline seed");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--backend cuda runs --pipeline de only"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

}  // namespace
}  // namespace slfit
