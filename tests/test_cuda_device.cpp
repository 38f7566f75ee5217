// The CUDA backend on a GPU (each test skips without a usable device): device draws, the law's
// device code, and the DE against the CPU backend, problem by problem.

#include <gtest/gtest.h>

#include <cuda_runtime.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <fstream>
#include <sstream>

#include "cuda/cuda_de_program.hpp"
#include "cuda/evaluation_rate.hpp"
#include "slfit/surface.hpp"
#include "cli_runner.hpp"
#include "cuda_test_batch.hpp"
#include "engine/pipeline.hpp"
#include "cuda_test_laws.hpp"
#include "de_comparison.hpp"
#include "law/cuda_codegen.hpp"
#include "optim/differential_evolution.hpp"
#include "slfit/backend.hpp"
#include "slfit/de_runner.hpp"
#include "slfit/law_io.hpp"
#include "slfit/philox.hpp"

namespace slfit {
namespace {

#define SLFIT_REQUIRE_DEVICE(device)                                       \
  const CudaDevice device = probe_cuda_device();                           \
  if (!device.usable) GTEST_SKIP() << "no usable CUDA device: " << device.reason

// The engine's runner for that device (the test's device is usable, so there is one).
std::unique_ptr<DeRunner> runner_for(const CudaDevice& device) {
  RunnerProbe probe = open_cuda_runner(device.index);
  if (!probe.runner) throw std::runtime_error("open_cuda_runner: " + probe.reason);
  return std::move(probe.runner);
}

void cuda_ok(cudaError_t e) { ASSERT_EQ(e, cudaSuccess) << cudaGetErrorString(e); }

// Loads a CUBIN and launches one extern "C" kernel with the given arguments, then waits.
void launch(const Cubin& cubin, const char* name, unsigned blocks, unsigned threads, std::vector<void*> args) {
  cudaLibrary_t library = nullptr;
  cudaKernel_t kernel = nullptr;
  cuda_ok(cudaLibraryLoadData(&library, cubin.image.data(), nullptr, nullptr, 0, nullptr, nullptr, 0));
  cuda_ok(cudaLibraryGetKernel(&kernel, library, name));
  cuda_ok(cudaLaunchKernel(reinterpret_cast<const void*>(kernel), dim3(blocks), dim3(threads), args.data(), 0, nullptr));
  cuda_ok(cudaGetLastError());
  cuda_ok(cudaDeviceSynchronize());
  cuda_ok(cudaLibraryUnload(library));
}

template <class T>
T* to_device(const std::vector<T>& host) {
  T* p = nullptr;
  EXPECT_EQ(cudaMalloc(&p, std::max<std::size_t>(1, host.size()) * sizeof(T)), cudaSuccess);
  EXPECT_EQ(cudaMemcpy(p, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice), cudaSuccess);
  return p;
}
template <class T>
std::vector<T> to_host(const T* device, std::size_t n) {
  std::vector<T> host(n);
  EXPECT_EQ(cudaMemcpy(host.data(), device, n * sizeof(T), cudaMemcpyDeviceToHost), cudaSuccess);
  return host;
}

TEST(CudaDevice, PhiloxDrawsEqualHostDraws) {
  SLFIT_REQUIRE_DEVICE(device);
  const Cubin cubin = NvrtcCompiler().compile(test::philox_draws_source(), device.arch);
  const unsigned threads = 7 * 1024;
  double* out = to_device(std::vector<double>(threads * 8, -1.0));
  unsigned* below = to_device(std::vector<unsigned>(threads, ~0u));
  unsigned long long seed = 0xfeedface12345678ull;
  launch(cubin, "draws", threads / 256, 256, {&seed, &out, &below});
  const std::vector<double> got = to_host(out, threads * 8);
  const std::vector<unsigned> got_below = to_host(below, threads);
  for (unsigned t = 0; t < threads; ++t) {
    const DrawSite site{seed, 0x123456789abcull + t % 7, t % 501, t % 1024, static_cast<DrawPurpose>(t / 1024 % 7)};
    for (unsigned k = 0; k < 8; ++k) ASSERT_EQ(got[t * 8 + k], uniform01(site, k * 63)) << t << " " << k;
    ASSERT_EQ(got_below[t], uniform_below(site, 511, 1 + t % 97)) << t;
  }
  cudaFree(out);
  cudaFree(below);
}

TEST(CudaDevice, LawPredictionsAndTermsMatchTheCpu) {
  SLFIT_REQUIRE_DEVICE(device);
  for (const Law& law : test::custom_laws()) {
    const auto compiled = compile_law(law);
    const GeneratedLaw gen = generate_cuda_law(*compiled, law.objective);
    const NvrtcSource source = test::law_probe_source(gen);
    const Cubin cubin = NvrtcCompiler().compile(source, device.arch);
    const GroupData group = test::custom_group(77);
    const std::vector<double> params = {0.7, -0.3, 0.4, 0.2};
    const std::span<const double> x(params.data(), law.params.size());
    const std::vector<double> want = predict(*compiled, group, x);
    double* p = to_device(std::vector<double>(x.begin(), x.end()));
    double* K = to_device(gen.constants);
    double* cols = to_device(device_columns(*compiled, law.objective, gen.columns, group));
    double* obs = to_device(device_observed(law.objective, group));
    double* prediction = to_device(std::vector<double>(group.size(), -7.0));
    double* term = to_device(std::vector<double>(group.size(), -7.0));
    int n = static_cast<int>(group.size());
    launch(cubin, "slfit_probe", 1, 128, {&p, &K, &cols, &obs, &n, &prediction, &term});
    const std::vector<double> got = to_host(prediction, group.size());
    for (std::size_t i = 0; i < group.size(); ++i)
      EXPECT_TRUE(test::close(got[i], want[i], 1e-13))
          << law.formula << " point " << i << ": " << got[i] << " vs " << want[i];
    for (double* q : {p, K, cols, obs, prediction, term}) cudaFree(q);
  }
}

// The device's DE of every problem of `batch` against the CPU's (de_stage: over every parameter,
// or over the nonlinear ones where the batch solves the linear ones exactly), and the refined fits.
void expect_device_de_matches_the_cpu(const CudaDevice& device, const test::Batch& batch) {
  test::Comparison energies, refined;
  for (std::size_t k = 0; k < batch.laws.size(); ++k) {
    const std::vector<Problem>& problems = batch.problems[k];
    const std::vector<DEOutcome> gpu = de_on_runner(*runner_for(device), problems);
    std::vector<DEOutcome> cpu(problems.size());
#pragma omp parallel for schedule(dynamic, 1)
    for (std::size_t i = 0; i < problems.size(); ++i) cpu[i] = de_stage(problems[i]);
    energies.add(test::compare_energies(gpu, cpu, 1e-9, batch.laws[k].name));

    const std::vector<FitResult> gpu_fit = fit_batch_on_runner(*runner_for(device), problems);
    const std::vector<FitResult> cpu_fit = fit_batch(problems, BatchOptions{});
    refined.add(test::compare_no_worse(gpu_fit, cpu_fit, 1e-9, batch.laws[k].name));
  }
  std::cout << "DE energies matching the CPU to 1e-9: " << energies.report() << "\n";
  EXPECT_GE(energies.total, 1000u);
  EXPECT_TRUE(energies.matched_at_least(0.99)) << "DE energies matching the CPU to 1e-9: " << energies.report();
  // Every problem, not a share: refinement starts from the DE's best, so it is never worse.
  EXPECT_EQ(refined.mismatches.size(), 0u) << "refined fits no worse than the CPU's: " << refined.report();
}

TEST(CudaDevice, DeEnergiesMatchTheCpuAndRefinementIsNoWorse) {
  SLFIT_REQUIRE_DEVICE(device);
  expect_device_de_matches_the_cpu(device, test::de_comparison_batch());  // 3 built-in laws x 400, seed's settings
}

TEST(CudaDevice, SeparableDeEnergiesMatchTheCpuAndRefinementIsNoWorse) {
  // The same problems searched as by default: the linear parameters solved for each candidate
  // on the device (kernels/projected_energy.cuh), the others searched.
  SLFIT_REQUIRE_DEVICE(device);
  expect_device_de_matches_the_cpu(device, test::separable_comparison_batch());
}

TEST(CudaDevice, ImmediateUpdatingDeEnergiesMatchTheCpuAndRefinementIsNoWorse) {
  // scipy's updating='immediate' on the device: one trial at a time per problem, as the CPU does.
  SLFIT_REQUIRE_DEVICE(device);
  expect_device_de_matches_the_cpu(device, test::immediate_comparison_batch());
}

TEST(CudaDevice, MixedLawBatchRunsAsSeparateLaunchesInBatchOrder) {
  // A leaderboard's batch interleaves laws; fit_batch_on_runner splits it into launches per law and
  // must put every result, failure slot and progress report back under its batch index.
  SLFIT_REQUIRE_DEVICE(device);
  const test::Batch batch = test::mixed_law_batch();  // 20 resamples of every built-in law
  std::vector<Problem> mixed;
  for (std::size_t r = 0; r < 20; ++r)
    for (const auto& problems : batch.problems) mixed.push_back(problems[r]);
  std::vector<int> reported(mixed.size(), 0);
  BatchOptions with_reports;
  with_reports.on_problem_done = [&](std::size_t i) { ++reported[i]; };
  const std::vector<FitResult> gpu = fit_batch_on_runner(*runner_for(device), mixed, with_reports);
  const std::vector<FitResult> cpu = fit_batch(mixed, BatchOptions{});
  ASSERT_EQ(gpu.size(), mixed.size());
  for (std::size_t i = 0; i < mixed.size(); ++i) {
    EXPECT_EQ(reported[i], 1) << "problem " << i;
    EXPECT_NE(gpu[i].status, FitStatus::Failed) << "problem " << i << ": " << gpu[i].error;
    EXPECT_LE(gpu[i].objective, cpu[i].objective + 1e-9 * std::fabs(cpu[i].objective))
        << mixed[i].law->name << " problem " << i;
  }
}

TEST(CudaDevice, VariantsOfOneFormulaRunInOneLaunchEachWithItsOwnNumbers) {
  // Laws that differ only in their numbers share a compiled program and a launch
  // (cuda_launch_runs); each problem's numbers must still be its own: the DE energies equal the
  // CPU's problem by problem.
  SLFIT_REQUIRE_DEVICE(device);
  std::vector<Law> laws;
  // Numbers in the data stage (D / 3) and the point stage (c * N / 3); D > 0, so all finite.
  for (const char* formula : {"d + a * (D / 3)^b + c * N / 3", "d + a * (D / 5)^b + c * N / 0.5",
                              "d + a * (D / 0.25)^b + c * N / 9"})
    laws.push_back(parse_law(test::custom_law_json(formula, R"({"kind": "mse"})"), "variant"));
  std::vector<std::shared_ptr<const CompiledLaw>> compiled;
  for (const Law& law : laws) compiled.push_back(compile_law(law));
  const GroupData group = test::custom_group(40);
  FitOptions options;
  options.de.maxiter = 60;
  std::vector<Problem> problems;
  for (std::uint64_t r = 0; r < 30; ++r)
    for (std::size_t k = 0; k < laws.size(); ++k)
      problems.push_back(test::make_problem(laws[k], compiled[k], group, options, r));
  ASSERT_EQ(cuda_launch_runs(problems).size(), 1u);
  const std::vector<DEOutcome> gpu = de_on_runner(*runner_for(device), problems);
  for (std::size_t i = 0; i < problems.size(); ++i) {
    // The default search: d, a and c solved for each candidate (the linear parameters' bounds
    // travel with each problem's numbers), b searched.
    const DEOutcome cpu = de_stage(problems[i]);
    EXPECT_TRUE(std::isfinite(cpu.best_energy));
    EXPECT_TRUE(test::close(gpu[i].best_energy, cpu.best_energy, 1e-9))
        << laws[i % laws.size()].formula << " stream " << problems[i].stream << ": gpu " << gpu[i].best_energy
        << " cpu " << cpu.best_energy;
  }
}

TEST(CudaDevice, SurfaceValuesMatchTheCpu) {
  // slfit surface's GPU half against its CPU twin: every built-in law on resamples of its data, a
  // grid over each law's first two parameters across their whole bounds (so it reaches
  // non-finite objectives too), the rest at the initial point.
  SLFIT_REQUIRE_DEVICE(device);
  const test::Batch batch = test::surface_batch();
  for (const auto& problems : batch.problems) {
    std::vector<std::vector<double>> points;
    for (const Problem& p : problems) {
      std::vector<GridAxis> axes;
      for (std::size_t j = 0; j < std::min<std::size_t>(2, p.bounds.lower.size()); ++j)
        axes.push_back(GridAxis{j, p.bounds.lower[j], p.bounds.upper[j], 64, false});
      points.push_back(grid_points(axes, p.bounds.init));
    }
    const auto cpu = objective_values(problems, points, BackendChoice{}, 0);
    const auto gpu = objective_values(problems, points, BackendChoice{Backend::Cuda, runner_for(device)}, 0);
    ASSERT_EQ(gpu.size(), cpu.size());
    for (std::size_t i = 0; i < cpu.size(); ++i) {
      ASSERT_EQ(gpu[i].size(), cpu[i].size());
      std::size_t mismatched = 0;
      for (std::size_t k = 0; k < cpu[i].size(); ++k) mismatched += !test::close(gpu[i][k], cpu[i][k], 1e-12);
      EXPECT_EQ(mismatched, 0u) << problems[i].law->name << " problem " << i;
    }
  }
}

TEST(CudaDevice, MillionProblemsRunThroughChunking) {
  SLFIT_REQUIRE_DEVICE(device);
  const test::SingleGroup million(test::kMillionLaw, test::million_options());
  std::vector<Problem> problems;
  problems.reserve(test::kMillionProblems);
  for (std::uint64_t k = 0; k < test::kMillionProblems; ++k) problems.push_back(million.problem(k));
  const std::vector<DEOutcome> out = de_on_runner(*runner_for(device), problems);
  ASSERT_EQ(out.size(), problems.size());
  const Problem& first = problems.front();
  const DEOptions& de = first.options.de;
  const long long members = de_population_size(de, static_cast<int>(million.law().params.size()));
  for (std::size_t k = 0; k < out.size(); k += 997) {
    EXPECT_TRUE(std::isfinite(out[k].best_energy)) << k;
    EXPECT_EQ(out[k].evaluations, members * (out[k].generations + 1)) << k;
  }
  // Stream k on the GPU is stream k on the CPU, wherever it fell in the chunks.
  for (std::size_t k : {std::size_t{0}, std::size_t{524287}, std::size_t{999999}}) {
    Objective objective(first.compiled, million.group(), first.objective);
    const EnergyFunction energy = [&](std::span<const double> x) { return objective.value(x); };
    const DEOutcome cpu =
        differential_evolution(energy, first.bounds.lower, first.bounds.upper, de, first.options.seed, k,
                               first.bounds.log_scale);
    EXPECT_TRUE(test::close(out[k].best_energy, cpu.best_energy, 1e-9)) << k;
  }
}

// The issue's speed benchmark (not a timed test; run by bench/gpu_check.sh with
// --gtest_also_run_disabled_tests): 10,000 resamples of ParScale's pile group with the seed's law
// (parallel_power) and DE settings plus refinement, end to end; the one-off NVRTC compile reported separately; the DE
// kernel's evaluation rate against the plain evaluation kernel's.
TEST(CudaDevice, DISABLED_SpeedParscale10k) {
  SLFIT_REQUIRE_DEVICE(device);
  const test::Batch batch = test::speed_batch();
  const std::vector<Problem>& problems = batch.of(test::kSpeedLaw);
  std::cout << "law: " << problems[0].law->name << ", problems: " << problems.size() << "\n";
  CudaDifferentialEvolution fresh(problems[0], device, NvrtcCompiler(std::filesystem::path()));
  std::cout << "NVRTC compile (no cache): " << fresh.cubin().seconds << " s\n";
  CudaDifferentialEvolution cached(problems[0], device);  // fills the default cache
  BatchTiming split;
  BatchOptions with_timing;
  with_timing.timing = &split;
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<FitResult> fits = fit_batch_on_runner(*runner_for(device), problems, with_timing);
  const double end_to_end = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "end to end (DE on GPU + L-BFGS-B on host, cached kernel): " << end_to_end << " s\n";
  std::cout << "time split: compile (cache read + load) " << split.compile << " s, upload " << split.upload
            << " s, DE " << split.de << " s, download " << split.download << " s, refine (host, overlapping) "
            << split.refine << " s\n";
  // The DE's rate two ways: its kernels alone (device events, the fit's split.de: the same
  // problems and seed, so the same evaluations), set against the plain evaluation kernel, also
  // timed by device events; and the DE as a caller sees it (host packing, uploads, kernels,
  // downloads), set against peers timed the same way.
  const auto t1 = std::chrono::steady_clock::now();
  const std::vector<DEOutcome> de = de_on_runner(*runner_for(device), problems);
  const double de_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  long long evaluations = 0, fit_evaluations = 0;
  for (const DEOutcome& o : de) evaluations += o.evaluations;
  for (const FitResult& f : fits) fit_evaluations += f.de.evaluations;
  EXPECT_EQ(fit_evaluations, evaluations);
  const long long points = static_cast<long long>(problems[0].data->rows());
  const double de_rate = evaluations / de_seconds;
  const double kernel_rate = evaluations / split.de;
  const double plain_rate = cuda_evaluation_rate(problems, device, 200);
  std::cout << "DE only: " << de_seconds << " s, " << evaluations << " evaluations, " << de_rate << " /s\n";
  std::cout << "DE kernels only (device events): " << split.de << " s, " << kernel_rate << " evaluations/s, "
            << kernel_rate * points << " point evaluations/s (" << points << " points)\n";
  std::cout << "plain evaluation kernel: " << plain_rate << " /s, " << plain_rate * points
            << " point evaluations/s; DE kernels / plain = " << kernel_rate / plain_rate
            << "; DE wall / plain = " << de_rate / plain_rate << "\n";
  EXPECT_EQ(fits.size(), problems.size());

  // The default search on the same problems: the linear parameters (a, d) solved for each
  // candidate in the kernel, the DE over b and c.
  std::vector<Problem> separable = problems;
  for (Problem& p : separable) p.options.separable = Separable::Auto;
  BatchTiming separable_split;
  BatchOptions separable_timing;
  separable_timing.timing = &separable_split;
  const auto t2 = std::chrono::steady_clock::now();
  const std::vector<FitResult> separable_fits = fit_batch_on_runner(*runner_for(device), separable, separable_timing);
  const double separable_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t2).count();
  long long separable_evaluations = 0;
  std::size_t as_low = 0;
  for (std::size_t i = 0; i < fits.size(); ++i) {
    separable_evaluations += separable_fits[i].de.evaluations;
    as_low += separable_fits[i].objective <= fits[i].objective * (1 + 1e-9);
  }
  std::cout << "separable end to end: " << separable_seconds << " s (full search / separable = "
            << end_to_end / separable_seconds << "); DE kernels " << separable_split.de << " s, refine "
            << separable_split.refine << " s; DE evaluations per fit " << separable_evaluations / separable.size()
            << " (full search " << evaluations / problems.size() << "); as low as the full search's (1e-9): "
            << as_low << " of " << fits.size() << "\n";
}

}  // namespace
}  // namespace slfit
