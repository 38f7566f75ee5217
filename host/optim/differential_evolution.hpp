#pragma once
// Differential evolution with the semantics of scipy.optimize.differential_evolution
// (strategy best1bin, updating as DEOptions says, init='latinhypercube', dithered mutation), drawing
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

// The objective of a whole population at once: `points` holds count scaled parameter vectors one
// after another (count x n), `energies` receives their count values; non-finite values are
// treated as +inf. A batch call, so that an evaluator may vectorise across members (the DE
// evaluates every member of a generation before it selects any).
using PopulationEnergy = std::function<void(std::span<const double> points, std::span<double> energies)>;

// The objective of one scaled parameter vector, for callers without a batch evaluator.
using EnergyFunction = std::function<double(std::span<const double>)>;

// The limits of both backends' DE, from the Philox addressing (slfit/philox.hpp): a site's
// member field holds 20 bits, and a site gives 512 draws, one per parameter.
constexpr int kMaxDePopulation = 1 << 20;
constexpr int kMaxDeParams = 512;

// Population size for n parameters: max(5, popsize * n), as scipy. Above kMaxDePopulation it is
// an OptionError on de.popsize.
int de_population_size(const DEOptions& options, int num_params);

// Runs DE on one problem, calling `energy` once for the initial population and once per
// generation for its trial vectors. `log_scale` (empty: none) marks the parameters searched in
// log coordinates (de::unit_to_param; their bounds must be positive). Throws InputError for
// options outside their domain.
DEOutcome differential_evolution(const PopulationEnergy& energy, std::span<const double> lower,
                                 std::span<const double> upper, const DEOptions& options,
                                 std::uint64_t seed, std::uint64_t stream,
                                 std::span<const std::uint8_t> log_scale = {});

// The same with a one-vector objective, called member by member.
DEOutcome differential_evolution(const EnergyFunction& energy, std::span<const double> lower,
                                 std::span<const double> upper, const DEOptions& options,
                                 std::uint64_t seed, std::uint64_t stream,
                                 std::span<const std::uint8_t> log_scale = {});

// Checks DE options, throwing OptionError naming the offending field ("de.popsize").
void validate(const DEOptions& options);

}  // namespace slfit
