#pragma once
// The problem batches of the device tests (tests/test_cuda_device.cpp): every built-in law on
// bootstrap resamples of a data file with its own columns. Nothing here needs CUDA, so that
// tests/test_device_batches.cpp builds every device test's batch on machines without a GPU: a
// broken batch fails CI, not the first (rare, timed) GPU session.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "slfit/csv.hpp"
#include "slfit/fit.hpp"
#include "slfit/law_io.hpp"
#include "slfit/objective.hpp"
#include "slfit/philox.hpp"

namespace slfit::test {

// The data a built-in law is fitted to in the device tests: a file (relative to the source tree)
// with the law's columns, its group column ("" for none) and the group.
struct LawData {
  std::string law;
  std::string file;
  std::string group_column;
  std::string group;
};

inline const std::vector<LawData>& builtin_law_data() {
  static const std::vector<LawData> data = {
      {"chinchilla", "examples/chinchilla/train.csv", "", "all"},  // N and D: tokens, no groups
      {"parallel_power", "examples/parscale/train.csv", "group", "pile"},
      {"parscale", "examples/parscale/train.csv", "group", "pile"},
  };
  return data;
}

inline const LawData& law_data(const std::string& law) {
  for (const LawData& d : builtin_law_data())
    if (d.law == law) return d;
  throw std::invalid_argument("no test data for the law '" + law + "'");
}

// `law`'s group of its data file, read with its columns.
inline GroupData law_group(const Law& law) {
  const LawData& d = law_data(law.name);
  const Dataset data =
      read_dataset(source_dir() + "/" + d.file, {law.columns, law.target, d.group_column}, law.params.size());
  for (const GroupData& g : data.groups)
    if (g.name == d.group) return g;
  throw std::invalid_argument(d.file + " has no group '" + d.group + "'");
}

// Resample r of a group: its rows drawn with replacement, one Philox stream per resample.
inline GroupData resample(const GroupData& group, std::uint64_t seed, std::uint64_t r) {
  GroupData g = group;
  const DrawSite site{seed, r, 0, 0, DrawPurpose::Resample};
  for (std::size_t i = 0; i < g.size(); ++i) {
    const std::uint32_t k =
        uniform_below(site, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(g.size()));
    for (std::size_t v = 0; v < g.inputs.size(); ++v) g.inputs[v][i] = group.inputs[v][k];
    g.target[i] = group.target[k];
  }
  return g;
}

// A problem of `law` on `group`, owning copies of both (tests build them on the stack).
inline Problem make_problem(const Law& law, std::shared_ptr<const CompiledLaw> compiled, const GroupData& group,
                            const FitOptions& options, std::uint64_t stream) {
  return Problem{std::make_shared<const Law>(law), std::move(compiled), std::make_shared<const GroupData>(group),
                 resolve_bounds(law, group), law.objective, options, stream};
}

// Laws, each on resamples of its own group: problems[k][r] fits laws[k] to groups[k][r] with
// stream r, sharing the law and the group with the batch.
struct Batch {
  FitOptions options;
  std::vector<Law> laws;
  std::vector<std::shared_ptr<const CompiledLaw>> compiled;
  std::vector<std::vector<std::shared_ptr<const GroupData>>> groups;
  std::vector<std::vector<Problem>> problems;

  Batch() = default;
  Batch(Batch&&) = default;
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  // The problems of the law named `law`.
  const std::vector<Problem>& of(const std::string& law) const {
    for (std::size_t k = 0; k < laws.size(); ++k)
      if (laws[k].name == law) return problems[k];
    throw std::invalid_argument("the batch has no law '" + law + "'");
  }
};

inline Batch resample_batch(std::size_t resamples, const FitOptions& options,
                            const std::vector<std::string>& laws = builtin_law_names()) {
  Batch b;
  b.options = options;
  for (const std::string& name : laws) b.laws.push_back(load_law(name));
  for (const Law& law : b.laws) {
    const GroupData group = law_group(law);
    const auto shared_law = std::make_shared<const Law>(law);
    b.compiled.push_back(compile_law(law));
    auto& resampled = b.groups.emplace_back();
    auto& problems = b.problems.emplace_back();
    for (std::size_t r = 0; r < resamples; ++r) {
      resampled.push_back(std::make_shared<const GroupData>(resample(group, options.seed, r)));
      problems.push_back(Problem{shared_law, b.compiled.back(), resampled.back(), resolve_bounds(law, *resampled.back()),
                                 law.objective, options, static_cast<std::uint64_t>(r)});
    }
  }
  return b;
}

// One law on its group, as many problems as wanted, differing only in their streams (a
// million of them would not fit a Batch's per-problem groups and bounds).
class SingleGroup {
 public:
  SingleGroup(const std::string& law, const FitOptions& options)
      : law_(std::make_shared<const Law>(load_law(law))),
        compiled_(compile_law(*law_)),
        group_(std::make_shared<const GroupData>(law_group(*law_))),
        bounds_(resolve_bounds(*law_, *group_)),
        options_(options) {}
  SingleGroup(const SingleGroup&) = delete;
  SingleGroup& operator=(const SingleGroup&) = delete;

  Problem problem(std::uint64_t stream) const {
    return Problem{law_, compiled_, group_, bounds_, law_->objective, options_, stream};
  }
  const Law& law() const { return *law_; }
  const GroupData& group() const { return *group_; }

 private:
  std::shared_ptr<const Law> law_;
  std::shared_ptr<const CompiledLaw> compiled_;
  std::shared_ptr<const GroupData> group_;
  ResolvedBounds bounds_;
  FitOptions options_;
};

// The device tests' batches, one function per test, so that both files build the same ones.
// Their CPU fits are compared with a device's, and the CUDA backend searches every parameter
// (it does not solve separable ones yet), so the CPU's fits search every parameter too.
inline FitOptions device_comparable_options() {
  FitOptions options;
  options.separable = Separable::Off;
  return options;
}

// DeEnergiesMatchTheCpuAndRefinementIsNoWorse: 3 built-in laws x 400 resamples, the seed's DE
// settings.
inline Batch de_comparison_batch() { return resample_batch(400, device_comparable_options()); }

// SeparableDeEnergiesMatchTheCpuAndRefinementIsNoWorse: the same, searched as by default (the
// linear parameters solved exactly).
inline Batch separable_comparison_batch() { return resample_batch(400, FitOptions()); }

// ImmediateUpdatingDeEnergiesMatchTheCpuAndRefinementIsNoWorse: the same with immediate updating.
inline Batch immediate_comparison_batch() {
  FitOptions options;
  options.de.updating = Updating::Immediate;
  return resample_batch(400, options);
}

// MixedLawBatchRunsAsSeparateLaunchesInBatchOrder: 20 resamples of every built-in law, 40
// generations.
inline Batch mixed_law_batch() {
  FitOptions options = device_comparable_options();
  options.de.maxiter = 40;
  return resample_batch(20, options);
}

// SurfaceValuesMatchTheCpu: 3 resamples of every built-in law.
inline Batch surface_batch() { return resample_batch(3, device_comparable_options()); }

// DISABLED_SpeedParscale10k: the seed's law (parallel_power) and DE settings on 10,000
// resamples of ParScale's pile group.
inline constexpr const char* kSpeedLaw = "parallel_power";
inline Batch speed_batch() { return resample_batch(10000, device_comparable_options(), {kSpeedLaw}); }

// MillionProblemsRunThroughChunking: the ParScale law on ParScale's pile group, 3 generations
// (the point is the batch size, not the search), streams 0 .. 999,999.
inline constexpr std::uint64_t kMillionProblems = 1000000;
inline FitOptions million_options() {
  FitOptions options;
  options.de.maxiter = 3;
  options.separable = Separable::Off;  // the full search, which the test's CPU reference runs
  return options;
}
inline constexpr const char* kMillionLaw = "parscale";

}  // namespace slfit::test
