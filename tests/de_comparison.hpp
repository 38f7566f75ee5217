#pragma once
// The GPU's results against the CPU's, problem by problem, collected as data: a device test
// asserts once on the counts (a share of matches, or no problem worse) and prints the first
// mismatches. One test failure per mismatching problem would fail the test on the first of them,
// so a "99% of problems" threshold would never decide.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "optim/differential_evolution.hpp"
#include "slfit/result.hpp"

namespace slfit::test {

// a and b agree to `rel` relative; a non-finite value agrees only with itself (NaN with NaN).
inline bool close(double a, double b, double rel) {
  if (!std::isfinite(a) || !std::isfinite(b)) return a == b || (std::isnan(a) && std::isnan(b));
  return std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b)) || a == b;
}

struct Mismatch {
  std::string problem;  // e.g. "parscale #17"
  double gpu = 0.0;
  double cpu = 0.0;
  std::string detail;   // what else tells the two apart, e.g. the generations each ran
};

struct Comparison {
  std::size_t total = 0;
  std::vector<Mismatch> mismatches;

  std::size_t matched() const { return total - mismatches.size(); }
  bool matched_at_least(double share) const { return static_cast<double>(matched()) >= share * total; }

  void add(const Comparison& other) {
    total += other.total;
    mismatches.insert(mismatches.end(), other.mismatches.begin(), other.mismatches.end());
  }

  // "matched / total", then the first `shown` mismatches, one a line, and how many more there were.
  std::string report(std::size_t shown = 20) const {
    std::ostringstream out;
    out.precision(17);
    out << matched() << " / " << total;
    for (std::size_t i = 0; i < std::min(shown, mismatches.size()); ++i) {
      const Mismatch& m = mismatches[i];
      out << "\n  " << m.problem << ": gpu " << m.gpu << " cpu " << m.cpu;
      if (!m.detail.empty()) out << " (" << m.detail << ")";
    }
    if (mismatches.size() > shown) out << "\n  ... and " << mismatches.size() - shown << " more";
    return out.str();
  }
};

namespace detail {
inline void require_same_size(std::size_t gpu, std::size_t cpu) {
  if (gpu != cpu)
    throw std::invalid_argument("comparing " + std::to_string(gpu) + " GPU results with " + std::to_string(cpu) +
                                " CPU results");
}
}  // namespace detail

// DE outcomes whose best energies agree to `rel` (close); problem i is named "<what> #i".
inline Comparison compare_energies(std::span<const DEOutcome> gpu, std::span<const DEOutcome> cpu, double rel,
                                   const std::string& what) {
  detail::require_same_size(gpu.size(), cpu.size());
  Comparison c;
  c.total = gpu.size();
  for (std::size_t i = 0; i < gpu.size(); ++i)
    if (!close(gpu[i].best_energy, cpu[i].best_energy, rel))
      c.mismatches.push_back({what + " #" + std::to_string(i), gpu[i].best_energy, cpu[i].best_energy,
                              "generations: gpu " + std::to_string(gpu[i].generations) + " cpu " +
                                  std::to_string(cpu[i].generations)});
  return c;
}

// Refined fits whose GPU objective is no worse than the CPU's by more than `rel` relative; a
// mismatch is a GPU fit that is worse.
inline Comparison compare_no_worse(std::span<const FitResult> gpu, std::span<const FitResult> cpu, double rel,
                                   const std::string& what) {
  detail::require_same_size(gpu.size(), cpu.size());
  Comparison c;
  c.total = gpu.size();
  for (std::size_t i = 0; i < gpu.size(); ++i)
    if (!(gpu[i].objective <= cpu[i].objective + rel * std::fabs(cpu[i].objective)))
      c.mismatches.push_back({what + " #" + std::to_string(i), gpu[i].objective, cpu[i].objective, ""});
  return c;
}

}  // namespace slfit::test
