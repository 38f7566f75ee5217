#pragma once
// Differential evolution with the semantics of scipy.optimize.differential_evolution
// (strategy best1bin, updating='deferred', init='latinhypercube', dithered mutation), drawing
// every random number from an addressed Philox site (slfit/philox.hpp). The per-member steps
// are optim/de_steps.hpp's, which the CUDA kernel calls too, so it reproduces this draw for draw.
//
// The population lives in the unit cube; a member is scaled to the bounds only to be evaluated.

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "slfit/options.hpp"

namespace slfit {

// Objective of a scaled parameter vector; non-finite results are treated as +inf.
using EnergyFunction = std::function<double(std::span<const double>)>;

struct DEOutcome {
  std::vector<double> best;      // scaled to the bounds
  double best_energy = 0.0;
  int generations = 0;
  long long evaluations = 0;
  bool converged = false;
};

// Population size for n parameters: max(5, popsize * n), as scipy.
int de_population_size(const DEOptions& options, int num_params);

// Runs DE on one problem. Throws std::invalid_argument for options outside their domain.
DEOutcome differential_evolution(const EnergyFunction& energy, std::span<const double> lower,
                                 std::span<const double> upper, const DEOptions& options,
                                 std::uint64_t seed, std::uint64_t stream);

// Checks DE options, throwing InputError with the offending option's name.
void validate(const DEOptions& options);

}  // namespace slfit
