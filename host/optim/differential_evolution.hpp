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
#include "slfit/result.hpp"

namespace slfit {

// Objective of a scaled parameter vector; non-finite results are treated as +inf.
using EnergyFunction = std::function<double(std::span<const double>)>;

// The limits of both backends' DE, from the Philox addressing (slfit/philox.hpp): a site's
// member field holds 20 bits, and a site gives 512 draws, one per parameter.
constexpr int kMaxDePopulation = 1 << 20;
constexpr int kMaxDeParams = 512;

// Population size for n parameters: max(5, popsize * n), as scipy. Above kMaxDePopulation it is
// an InputError.
int de_population_size(const DEOptions& options, int num_params);

// Runs DE on one problem. Throws std::invalid_argument for options outside their domain.
DEOutcome differential_evolution(const EnergyFunction& energy, std::span<const double> lower,
                                 std::span<const double> upper, const DEOptions& options,
                                 std::uint64_t seed, std::uint64_t stream);

// Checks DE options, throwing InputError with the offending option's name.
void validate(const DEOptions& options);

}  // namespace slfit
