// The DE kernel's CPU twin (tests/kernel_twin): the kernel module and a law's module, from the
// very sources NVRTC compiles for the GPU (law_program.hpp), built by the host's C++ compiler
// with CUDA's built-ins emulated on threads (cuda_emulation.hpp), run on the chunk the CUDA
// backend would upload (cuda/de_chunk.hpp), and compared with the CPU backend's DE: the same
// best energy, best point, generations, evaluations and convergence, bit for bit, through the
// shared-memory and the global-memory paths. The same twin under ThreadSanitizer finds no race,
// and does find one when the barriers are taken out. No GPU is needed.

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "cuda/de_chunk.hpp"
#include "cuda/law_program.hpp"
#include "cuda_test_batch.hpp"
#include "cuda_test_laws.hpp"
#include "engine/pipeline.hpp"
#include "kernel_twin/twin_io.hpp"
#include "optim/de_steps.hpp"
#include "optim/differential_evolution.hpp"

namespace slfit {
namespace {

namespace fs = std::filesystem;

int run(const std::string& command, const fs::path& log) {
  const int status = std::system((command + " >'" + log.string() + "' 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void write_source(const fs::path& dir, const NvrtcSource& source) {
  for (const auto& [name, text] : source.headers) {
    fs::create_directories((dir / name).parent_path());
    std::ofstream(dir / name, std::ios::binary) << text;
  }
  std::ofstream(dir / source.name, std::ios::binary) << source.text;
}

// Twin executables of one build flavour: the kernel module and the driver compiled once, each
// law's module compiled and linked with them on demand.
class TwinBuilder {
 public:
  enum class Flavour { Plain, ThreadSanitizer, ThreadSanitizerWithoutBarriers };

  TwinBuilder(const fs::path& dir, Flavour flavour) : dir_(dir) {
    const std::string twin_dir = test::source_dir() + "/tests/kernel_twin";
    switch (flavour) {
      case Flavour::Plain: flags_ = "-O2"; break;
      case Flavour::ThreadSanitizer: flags_ = "-O1 -g -fsanitize=thread"; break;
      case Flavour::ThreadSanitizerWithoutBarriers:
        flags_ = "-O1 -g -fsanitize=thread -DSLFIT_TWIN_WITHOUT_BARRIERS";
        break;
    }
    // --fmad=false on the device; no contraction on the host either.
    flags_ = std::string(SLFIT_CXX) + " -std=c++20 -ffp-contract=off -pthread " + flags_ + " -I'" +
             test::source_dir() + "/host' -include '" + twin_dir + "/cuda_emulation.hpp'";
    fs::create_directories(dir_ / "kernels");
    write_source(dir_ / "kernels", kernel_module_source());
    // -I the module's own directory: NVRTC finds a header by its name (slfit/philox.hpp includes
    // "slfit/host_device.hpp"), wherever the including header sits.
    compile(flags_ + " -I'" + (dir_ / "kernels").string() + "' -x c++ -c '" +
            (dir_ / "kernels/slfit_kernels.cu").string() + "' -o '" + (dir_ / "kernels.o").string() + "'");
    compile(flags_ + " -I'" + (dir_ / "kernels").string() + "' -I'" + twin_dir + "' -c '" + twin_dir +
            "/twin_main.cpp' -o '" + (dir_ / "main.o").string() + "'");
  }

  // The twin for one generated law (cached by its source).
  fs::path executable(const GeneratedLaw& law) {
    auto [it, fresh] = executables_.try_emplace(law.source);
    if (fresh) {
      const fs::path dir = dir_ / ("law" + std::to_string(executables_.size()));
      fs::create_directories(dir);
      write_source(dir, law_module_source(law));
      compile(flags_ + " -I'" + dir.string() + "' -x c++ -c '" + (dir / "slfit_law.cu").string() + "' -o '" +
              (dir / "law.o").string() + "'");
      it->second = dir / "twin";
      compile(flags_ + " '" + (dir_ / "main.o").string() + "' '" + (dir_ / "kernels.o").string() + "' '" +
              (dir / "law.o").string() + "' " + SLFIT_TWIN_LIBRARIES + " -o '" + it->second.string() + "'");
    }
    return it->second;
  }

 private:
  void compile(const std::string& command) {
    const fs::path log = dir_ / "compile.log";
    if (run(command, log) != 0) throw std::runtime_error(command + "\n" + test::read_text(log));
  }

  fs::path dir_;
  std::string flags_;
  std::map<std::string, fs::path> executables_;
};

struct TwinRun {
  int exit_code = -1;
  std::string log;
  twin::Outcomes outcomes;
};

// One launch of problems that share a law structure, through the population's shared-memory
// or global-memory path; killed after `seconds` (a kernel without its barriers can leave a
// thread waiting for a warp that has moved on).
TwinRun run_twin(TwinBuilder& builder, const fs::path& dir, std::span<const Problem> problems, bool in_shared,
                 int seconds = 600) {
  GeneratedLaws laws;
  const GeneratedLaw& law = laws.of(problems.front()).law;
  const DeChunk chunk = pack_de_chunk(problems, laws);
  const DEOptions& de = problems.front().options.de;
  twin::Launch in;
  in.problems = static_cast<int>(problems.size());
  in.num_params = law.searched_params;
  in.columns = static_cast<int>(law.columns.size());
  in.num_constants = static_cast<int>(law.constants_per_problem());
  in.members = de_population_size(de, law.searched_params);
  in.maxiter = de.maxiter;
  in.in_shared = in_shared ? 1 : 0;
  in.immediate = de.updating == Updating::Immediate ? 1 : 0;
  in.seed = problems.front().options.seed;
  in.tol = de.tol;
  in.atol = de.atol;
  in.mutation_min = de.mutation_min;
  in.mutation_max = de.mutation_max;
  in.recombination = de.recombination;
  in.block_threads = de_block_threads(de, law.searched_params);
  in.dynamic_bytes = de_shared_bytes(in.members, law.searched_params, law.columns.size(), chunk.max_points);
  in.data = chunk.data;
  in.lower = chunk.lower;
  in.upper = chunk.upper;
  in.log_scale = chunk.log_scale;
  in.constants = chunk.constants;
  in.offset = chunk.offset;
  in.points = chunk.points;
  in.stream = chunk.stream;
  const fs::path input = dir / "launch.bin", output = dir / "outcomes.bin", log = dir / "twin.log";
  twin::write(input.string(), in);
  fs::remove(output);
  TwinRun r;
  r.exit_code = run("timeout -s KILL " + std::to_string(seconds) + " '" + builder.executable(law).string() + "' '" +
                         input.string() + "' '" + output.string() + "'",
                     log);
  r.log = test::read_text(log);
  if (r.exit_code == 0) r.outcomes = twin::read<twin::Outcomes>(output.string());
  return r;
}

// Runs the twin on `problems` through both memory paths and compares with the CPU backend.
void expect_twin_equals_cpu(TwinBuilder& builder, const fs::path& dir, std::span<const Problem> problems,
                            const std::string& what) {
  std::vector<DEOutcome> cpu;
  for (const Problem& p : problems) cpu.push_back(de_stage(p));
  const std::size_t d = cpu.front().best.size();
  for (const bool in_shared : {true, false}) {
    const TwinRun r = run_twin(builder, dir, problems, in_shared);
    ASSERT_EQ(r.exit_code, 0) << what << "\n" << r.log;
    const twin::Outcomes& o = r.outcomes;
    ASSERT_EQ(o.best_energy.size(), problems.size());
    for (std::size_t i = 0; i < problems.size(); ++i) {
      const std::string where = what + (in_shared ? " (shared)" : " (global)") + ", problem " + std::to_string(i);
      EXPECT_EQ(o.best_energy[i], cpu[i].best_energy) << where;
      EXPECT_EQ(o.generations[i], cpu[i].generations) << where;
      EXPECT_EQ(o.evaluations[i], cpu[i].evaluations) << where;
      EXPECT_EQ(o.converged[i] != 0, cpu[i].converged) << where;
      for (std::size_t j = 0; j < d; ++j) EXPECT_EQ(o.best[i * d + j], cpu[i].best[j]) << where << ", parameter " << j;
      ASSERT_EQ(o.runner_count[i], static_cast<int>(cpu[i].runners_up.size())) << where;
      for (std::size_t r = 0; r < cpu[i].runners_up.size(); ++r)
        for (std::size_t j = 0; j < d; ++j)
          EXPECT_EQ(o.runners_up[(i * de::kRunnersUp + r) * d + j], cpu[i].runners_up[r][j])
              << where << ", runner-up " << r << ", parameter " << j;
    }
  }
}

class CudaKernelTwin : public ::testing::Test {
 protected:
  test::ScratchDir scratch{"kernel_twin"};
};

TEST_F(CudaKernelTwin, MatchesTheCpuBackendOnEveryBuiltinLaw) {
  // Searching every parameter, and (the default) searching the nonlinear ones with the linear
  // ones solved for each candidate, which every built-in law has.
  TwinBuilder builder(scratch.path(), TwinBuilder::Flavour::Plain);
  for (const Separable separable : {Separable::Off, Separable::Auto}) {
    FitOptions options;
    options.de.maxiter = 60;
    options.separable = separable;
    const test::Batch batch = test::resample_batch(3, options);
    for (std::size_t k = 0; k < batch.laws.size(); ++k) {
      ASSERT_EQ(separable_search(batch.problems[k].front()).has_value(), separable == Separable::Auto);
      expect_twin_equals_cpu(builder, scratch.path(), batch.problems[k],
                             batch.laws[k].name + ", --separable " + to_string(separable));
    }
  }
}

TEST_F(CudaKernelTwin, MatchesTheCpuBackendUpdatingImmediately) {
  // scipy's updating='immediate': one trial at a time, each from the population as updated so
  // far; every built-in law, searching every parameter and separably.
  TwinBuilder builder(scratch.path(), TwinBuilder::Flavour::Plain);
  for (const Separable separable : {Separable::Off, Separable::Auto}) {
    FitOptions options;
    options.de.maxiter = 40;
    options.de.updating = Updating::Immediate;
    options.separable = separable;
    const test::Batch batch = test::resample_batch(2, options);
    for (std::size_t k = 0; k < batch.laws.size(); ++k)
      expect_twin_equals_cpu(builder, scratch.path(), batch.problems[k],
                             batch.laws[k].name + ", immediate, --separable " + to_string(separable));
  }
}

// Problems of `law` on `group` (two streams), searched separably.
std::vector<Problem> separable_problems(const Law& law, const GroupData& group, const FitOptions& options) {
  const auto compiled = compile_law(law);
  std::vector<Problem> problems;
  for (std::uint64_t stream = 0; stream < 2; ++stream)
    problems.push_back(test::make_problem(law, compiled, group, options, stream));
  EXPECT_TRUE(separable_search(problems.front()).has_value()) << law.formula;
  return problems;
}

TEST_F(CudaKernelTwin, MatchesTheCpuBackendSolvingTheLinearParametersOfCustomLaws) {
  // test::separable_custom_laws, and two of them again with weights.
  TwinBuilder builder(scratch.path(), TwinBuilder::Flavour::Plain);
  const GroupData both = test::custom_group(30);
  FitOptions options;
  options.de.popsize = 5;
  options.de.maxiter = 40;
  const std::vector<Law> laws = test::separable_custom_laws();
  for (std::size_t k = 0; k < laws.size() + 2; ++k) {
    // The last two: the first two laws again with a weighted objective.
    Law law = laws[k % laws.size()];
    GroupData group = both;
    group.inputs.clear();
    for (const std::string& v : law.variables) group.inputs.push_back(both.inputs.at(v == "N" ? 0 : 1));
    if (k >= laws.size()) {
      set_residual_scale(law, "w", ScaleKind::Weight);
      for (std::size_t i = 0; i < group.size(); ++i) group.residual_scale.push_back(0.25 + 0.5 * static_cast<double>(i % 7));
    }
    expect_twin_equals_cpu(builder, scratch.path(), separable_problems(law, group, options), law.formula);
  }
}

TEST_F(CudaKernelTwin, MatchesTheCpuBackendWhereTheLinearParametersBoundsBind) {
  // Targets near 8 + 0.3 D with a <= 3 and d <= 1: the bounded solve's active set at work.
  TwinBuilder builder(scratch.path(), TwinBuilder::Flavour::Plain);
  const Law law = parse_law(test::custom_law_json("a * D^b + d", R"({"kind": "mse"})"), "bound");
  GroupData group;
  group.name = "g";
  group.inputs.resize(1);
  for (int i = 0; i < 25; ++i) {
    const double d = 0.5 + 0.37 * (i % 11);
    group.inputs[0].push_back(d);
    group.target.push_back(8.0 + 0.3 * d + 0.05 * (i % 3));
    group.lines.push_back(static_cast<std::size_t>(i + 2));
  }
  FitOptions options;
  options.de.popsize = 5;
  options.de.maxiter = 40;
  const std::vector<Problem> problems = separable_problems(law, group, options);
  expect_twin_equals_cpu(builder, scratch.path(), problems, law.formula);
  const FitResult fit = fit_problem(problems.front());
  EXPECT_EQ(fit.params[0], 3.0);  // a at its upper bound
  EXPECT_EQ(fit.params[2], 1.0);  // d too
}

TEST_F(CudaKernelTwin, MatchesTheCpuBackendForPopulationsSmallerAndLargerThanABlock) {
  // popsize 1: 5 members in a warp of 32; 3 and 20: a few warps; 80: 320 members strided over
  // the 256-thread block. Run to convergence (the default maxiter), so the stopping test decides.
  TwinBuilder builder(scratch.path(), TwinBuilder::Flavour::Plain);
  for (const int popsize : {1, 3, 20, 80}) {
    FitOptions options;
    options.de.popsize = popsize;
    options.de.maxiter = popsize > 20 ? 40 : options.de.maxiter;
    const test::Batch batch = test::resample_batch(2, options, {"parallel_power"});
    expect_twin_equals_cpu(builder, scratch.path(), batch.problems[0], "popsize " + std::to_string(popsize));
  }
}

TEST_F(CudaKernelTwin, MatchesTheCpuBackendOnCustomLaws) {
  // Laws that together use every operator, log-column powers with non-positive bases (the pow
  // fallback), non-finite regions, every objective, and one to four parameters.
  TwinBuilder builder(scratch.path(), TwinBuilder::Flavour::Plain);
  const std::vector<Law> laws = test::custom_laws();
  const GroupData both = test::custom_group(30);  // inputs N, D
  FitOptions options;
  options.de.popsize = 5;
  options.de.maxiter = 40;
  std::size_t tested = 0;
  // Three of them again with a weighted objective (each residual scaled by its row's weight).
  for (const std::size_t k : {0u, 1u, 3u, 4u, 5u, 6u, 9u, 12u, 15u, 16u, 22u, 100u, 104u, 106u}) {
    Law law = laws.at(k % 100);
    GroupData group = both;  // with the inputs this law declares (N, D or both), in its order
    group.inputs.clear();
    for (const std::string& v : law.variables) group.inputs.push_back(both.inputs.at(v == "N" ? 0 : 1));
    if (k >= 100) {
      set_residual_scale(law, "w", ScaleKind::Weight);
      for (std::size_t i = 0; i < group.size(); ++i) group.residual_scale.push_back(0.25 + 0.5 * static_cast<double>(i % 7));
    }
    const auto compiled = compile_law(law);
    std::vector<Problem> problems;
    for (std::uint64_t stream = 0; stream < 2; ++stream)
      problems.push_back(test::make_problem(law, compiled, group, options, stream));
    expect_twin_equals_cpu(builder, scratch.path(), problems, law.formula);
    ++tested;
  }
  EXPECT_GE(tested, 7u);
}

// Two outputs sharing an exponent, u = a N^b + d and v = c N^b, normalized by their variances,
// with the objective's terms as given (a JSON array).
Law two_output_law(const std::string& terms) {
  return parse_law(R"({"name": "pair", "inputs": {"N": "N"},
    "outputs": [{"name": "u", "formula": "a * N^b + d", "target": "u"}, {"name": "v", "formula": "c * N^b", "target": "v"}],
    "params": [{"name": "a", "lower": 0.1, "upper": 3}, {"name": "b", "lower": -0.9, "upper": 0.9},
               {"name": "c", "lower": 0.05, "upper": 2}, {"name": "d", "lower": -1, "upper": 1}],
    "objective": {"terms": )" + terms + R"(, "normalize": "variance"}})",
                   "pair.json");
}

// Two outputs u and v of N on 24 rows, stacked (each row once per output).
GroupData two_output_group() {
  GroupData group;
  group.name = "g";
  std::vector<double> u, v;
  group.inputs.resize(1);
  for (int i = 0; i < 24; ++i) {
    const double n = 1.0 + 0.5 * (i % 9);
    group.inputs[0].push_back(n);
    group.lines.push_back(static_cast<std::size_t>(i + 2));
    u.push_back(1.2 * std::pow(n, -0.3) + 0.2 + 0.01 * (i % 5));
    v.push_back(0.7 * std::pow(n, -0.3) + 0.02 * (i % 3));
  }
  stack_outputs(group, {u, v});
  return group;
}

TEST_F(CudaKernelTwin, MatchesTheCpuBackendOnAMultiOutputLaw) {
  // Two outputs sharing an exponent, on stacked points (each row once per output), with the
  // outputs normalized by their variances (a per-point residual scale column) and a robust term.
  TwinBuilder builder(scratch.path(), TwinBuilder::Flavour::Plain);
  const Law law = two_output_law(R"([{"kind": "mse"}, {"kind": "soft_l1", "f_scale": 0.1, "space": "log", "coefficient": 0.5}])");
  const GroupData group = two_output_group();
  FitOptions options;
  options.de.popsize = 5;
  options.de.maxiter = 40;
  const auto compiled = compile_law(law);
  std::vector<Problem> problems;
  for (std::uint64_t stream = 0; stream < 2; ++stream)
    problems.push_back(test::make_problem(law, compiled, group, options, stream));
  expect_twin_equals_cpu(builder, scratch.path(), problems, law.formula);
}

TEST_F(CudaKernelTwin, MatchesTheCpuBackendSolvingTheLinearParametersOfAMultiOutputLaw) {
  // Two outputs sharing an exponent, normalized by their variances: three linear parameters, a
  // residual scale per point.
  TwinBuilder builder(scratch.path(), TwinBuilder::Flavour::Plain);
  const Law law = two_output_law(R"([{"kind": "mse"}])");
  const GroupData group = two_output_group();
  FitOptions options;
  options.de.popsize = 5;
  options.de.maxiter = 40;
  const std::vector<Problem> problems = separable_problems(law, group, options);
  ASSERT_EQ(separable_search(problems.front())->linear, (std::vector<int>{0, 2, 3}));
  expect_twin_equals_cpu(builder, scratch.path(), problems, "two outputs");
}

// A small launch through both paths, under ThreadSanitizer.
std::vector<TwinRun> sanitized_runs(TwinBuilder& builder, const fs::path& dir, int seconds) {
  FitOptions options;
  options.de.popsize = 3;  // 12 members: one warp, every reduction and barrier
  options.de.maxiter = 8;
  const test::Batch batch = test::resample_batch(2, options, {"parallel_power"});
  std::vector<TwinRun> runs;
  for (const bool in_shared : {true, false})
    runs.push_back(run_twin(builder, dir, batch.problems[0], in_shared, seconds));
  return runs;
}

TEST_F(CudaKernelTwin, ThreadSanitizerFindsNoRace) {
  TwinBuilder builder(scratch.path(), TwinBuilder::Flavour::ThreadSanitizer);
  for (const TwinRun& r : sanitized_runs(builder, scratch.path(), 600)) {
    EXPECT_EQ(r.exit_code, 0) << r.log;
    EXPECT_EQ(r.log.find("ThreadSanitizer"), std::string::npos) << r.log;
  }
}

TEST_F(CudaKernelTwin, ThreadSanitizerReportsTheRaceOfAMissingBarrier) {
  // The check above can fail: with __syncthreads doing nothing, threads read rows others write.
  // Such a kernel may also hang (threads disagree on when to stop); ThreadSanitizer has reported
  // by then, and the run is killed.
  TwinBuilder builder(scratch.path(), TwinBuilder::Flavour::ThreadSanitizerWithoutBarriers);
  for (const TwinRun& r : sanitized_runs(builder, scratch.path(), 10))
    EXPECT_NE(r.log.find("ThreadSanitizer: data race"), std::string::npos) << r.log;
}

}  // namespace
}  // namespace slfit
