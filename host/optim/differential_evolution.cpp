#include "optim/differential_evolution.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "law/vector_math.hpp"
#include "optim/de_steps.hpp"
#include "optim/philox_blocks.hpp"
#include "slfit/error.hpp"

namespace slfit {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double finite_or_inf(double e) { return std::isfinite(e) ? e : kInf; }

// The population as a row-major members x params matrix in the unit cube, with energies.
struct Population {
  int members = 0;
  int params = 0;
  std::vector<double> unit;
  std::vector<double> energy;

  double* row(int i) { return unit.data() + static_cast<std::size_t>(i) * params; }
  const double* row(int i) const { return unit.data() + static_cast<std::size_t>(i) * params; }
};

// Latin hypercube: member i takes slice rank_j(i) of coordinate j, at a random offset inside
// the slice. The ranks of per-member random keys give an independent uniform permutation per
// coordinate, and each member's draws depend only on its own address.
void initialise_latin_hypercube(Population& pop, std::uint64_t seed, std::uint64_t stream) {
  std::vector<double> keys(static_cast<std::size_t>(pop.members) * pop.params);
  for (int i = 0; i < pop.members; ++i) de::latin_hypercube_keys(keys.data(), pop.params, i, seed, stream);
  for (int i = 0; i < pop.members; ++i)
    for (int j = 0; j < pop.params; ++j)
      pop.row(i)[j] = de::latin_hypercube_coordinate(keys.data(), pop.members, pop.params, i, j, seed, stream);
}

// Keeps the lowest energy at index 0 (the first lowest, as numpy's argmin).
void promote_lowest(Population& pop) {
  de::promote_lowest(pop.unit.data(), pop.energy.data(), pop.members, pop.params);
}

// Every member's trial of a generation (de::make_trial's), their Philox blocks computed together
// in the CPU's vectors (philox_blocks), kTrialChunk members at a time.
void make_trials(const Population& pop, double scale, double recombination, std::uint64_t seed, std::uint64_t stream,
                 std::uint32_t generation, std::vector<double>& trials) {
  constexpr int kTrialChunk = 64;
  const int per_trial = de::trial_block_count(pop.params);
  const std::size_t capacity = static_cast<std::size_t>(std::min(kTrialChunk, pop.members)) * per_trial;
  thread_local std::vector<std::uint32_t> counters, blocks;
  counters.resize(4 * capacity);
  blocks.resize(4 * capacity);
  for (int first = 0; first < pop.members; first += kTrialChunk) {
    const int count = std::min(kTrialChunk, pop.members - first);
    const std::size_t n = static_cast<std::size_t>(count) * per_trial;
    for (int m = 0; m < count; ++m)
      for (int b = 0; b < per_trial; ++b) {
        const Philox4x32 counter = de::trial_block_counter(stream, generation, first + m, b);
        for (std::size_t w = 0; w < 4; ++w) counters[w * n + static_cast<std::size_t>(m) * per_trial + b] = counter.v[w];
      }
    philox_blocks(counters.data(), n, seed, blocks.data());
    for (int m = 0; m < count; ++m) {
      const auto block = [&](int b) {
        const std::size_t k = static_cast<std::size_t>(m) * per_trial + b;
        return Philox4x32{{blocks[k], blocks[n + k], blocks[2 * n + k], blocks[3 * n + k]}};
      };
      de::make_trial_from_blocks(pop.unit.data(), pop.members, pop.params, first + m, scale, recombination, seed,
                                 stream, generation, block, trials.data() + static_cast<std::size_t>(first + m) * pop.params);
    }
  }
}

// de::unit_to_param for each coordinate, with the logs of log-mapped bounds computed once.
class UnitToParams {
 public:
  UnitToParams(std::span<const double> lower, std::span<const double> upper, std::span<const std::uint8_t> log_scale)
      : lower_(lower), upper_(upper), in_log_(lower.size()), log_lower_(lower.size()), log_upper_(lower.size()) {
    for (std::size_t j = 0; j < lower.size(); ++j) {
      in_log_[j] = de::maps_in_log(lower[j], upper[j], !log_scale.empty() && log_scale[j] != 0);
      if (in_log_[j]) {
        log_lower_[j] = vmath::log(lower[j]);
        log_upper_[j] = vmath::log(upper[j]);
      }
    }
  }

  double operator()(double unit, std::size_t j) const {
    return in_log_[j] ? de::log_unit_to_param(unit, lower_[j], upper_[j], log_lower_[j], log_upper_[j])
                      : de::scale_to_bounds(unit, lower_[j], upper_[j]);
  }

 private:
  std::span<const double> lower_, upper_;
  std::vector<bool> in_log_;
  std::vector<double> log_lower_, log_upper_;
};

bool has_converged(const std::vector<double>& energy, const DEOptions& options) {
  double sum = 0.0;
  for (double e : energy) {
    if (!std::isfinite(e)) return false;
    sum += e;
  }
  const double mean = sum / energy.size();
  double squares = 0.0;
  for (double e : energy) squares += (e - mean) * (e - mean);
  return std::sqrt(squares / energy.size()) <= options.atol + options.tol * std::abs(mean);
}

}  // namespace

int de_population_size(const DEOptions& options, int num_params) {
  const long long members = std::max(5LL, static_cast<long long>(options.popsize) * num_params);
  if (members > kMaxDePopulation)
    throw OptionError("de.popsize", std::to_string(options.popsize) + " with " + std::to_string(num_params) +
                                        " searched parameters gives a population of " + std::to_string(members) +
                                        ", which exceeds the limit of 2^20 members");
  return static_cast<int>(members);
}

void validate(const DEOptions& o) {
  if (o.popsize < 1) throw OptionError("de.popsize", "must be at least 1");
  if (o.maxiter < 0) throw OptionError("de.maxiter", "must be non-negative");
  if (!(o.tol >= 0) || !std::isfinite(o.tol)) throw OptionError("de.tol", "must be a finite number >= 0");
  if (!(o.atol >= 0) || !std::isfinite(o.atol)) throw OptionError("de.atol", "must be a finite number >= 0");
  if (!(o.mutation_min >= 0 && o.mutation_min <= o.mutation_max && o.mutation_max <= 2))
    throw OptionError("de.mutation_min and de.mutation_max", "must satisfy 0 <= min <= max <= 2");
  if (!(o.recombination >= 0 && o.recombination <= 1)) throw OptionError("de.recombination", "must be in [0, 1]");
}

DEOutcome differential_evolution(const PopulationEnergy& energy, std::span<const double> lower,
                                 std::span<const double> upper, const DEOptions& options,
                                 std::uint64_t seed, std::uint64_t stream, std::span<const std::uint8_t> log_scale) {
  validate(options);
  const int n = static_cast<int>(lower.size());
  if (n < 1 || n > kMaxDeParams) throw InputError("differential evolution: needs 1 to 512 parameters");
  if (!log_scale.empty() && log_scale.size() != lower.size())
    throw std::invalid_argument("differential evolution: log_scale needs one entry per parameter");
  const UnitToParams to_param(lower, upper, log_scale);
  const int members = de_population_size(options, n);
  const std::size_t size = static_cast<std::size_t>(members) * n;

  Population pop{members, n, std::vector<double>(size), std::vector<double>(members)};
  std::vector<double> scaled(size);
  // The energies of `members` unit-cube rows, scaled to the bounds and evaluated in one call.
  auto evaluate = [&](const std::vector<double>& unit, std::vector<double>& energies) {
    for (std::size_t row = 0; row < size; row += n)
      for (int j = 0; j < n; ++j) scaled[row + j] = to_param(unit[row + j], static_cast<std::size_t>(j));
    energy(scaled, energies);
    for (double& e : energies) e = finite_or_inf(e);
  };

  initialise_latin_hypercube(pop, seed, stream);
  evaluate(pop.unit, pop.energy);
  promote_lowest(pop);

  DEOutcome out;
  out.evaluations = pop.members;
  std::vector<double> trials(pop.unit.size());
  std::vector<double> trial_energy(pop.members);
  // Immediate updating's one trial at a time: its unit row, scaled row and energy.
  std::vector<double> trial(static_cast<std::size_t>(n)), scaled_trial(static_cast<std::size_t>(n)), one_energy(1);
  for (int generation = 1; generation <= options.maxiter; ++generation) {
    const auto g = static_cast<std::uint32_t>(generation);
    const double scale = de::dither(seed, stream, g, options.mutation_min, options.mutation_max);
    if (options.updating == Updating::Immediate) {
      // scipy's immediate updating: member by member, each trial made from the population as
      // updated so far; a trial no worse than its parent replaces it, and one no worse than the
      // best is promoted to index 0 at once.
      for (int i = 0; i < pop.members; ++i) {
        de::make_trial(pop.unit.data(), pop.members, n, i, scale, options.recombination, seed, stream, g, trial.data());
        for (int j = 0; j < n; ++j) scaled_trial[j] = to_param(trial[j], static_cast<std::size_t>(j));
        energy(scaled_trial, one_energy);
        const double e = finite_or_inf(one_energy[0]);
        if (e <= pop.energy[i]) {
          pop.energy[i] = e;
          std::copy_n(trial.data(), n, pop.row(i));
          if (e <= pop.energy[0]) promote_lowest(pop);
        }
      }
    } else {
      make_trials(pop, scale, options.recombination, seed, stream, g, trials);
      evaluate(trials, trial_energy);
      for (int i = 0; i < pop.members; ++i) {
        if (trial_energy[i] <= pop.energy[i]) {
          pop.energy[i] = trial_energy[i];
          std::copy_n(trials.data() + static_cast<std::size_t>(i) * n, n, pop.row(i));
        }
      }
      promote_lowest(pop);
    }
    out.evaluations += pop.members;
    out.generations = generation;
    if (has_converged(pop.energy, options)) {
      out.converged = true;
      break;
    }
  }

  out.best.resize(n);
  for (int j = 0; j < n; ++j) out.best[j] = to_param(pop.row(0)[j], static_cast<std::size_t>(j));
  out.best_energy = pop.energy[0];
  int chosen[de::kRunnersUp];
  const int count = de::runners_up(pop.energy.data(), pop.members, chosen);
  for (int r = 0; r < count; ++r) {
    std::vector<double>& point = out.runners_up.emplace_back(static_cast<std::size_t>(n));
    for (int j = 0; j < n; ++j) point[j] = to_param(pop.row(chosen[r])[j], static_cast<std::size_t>(j));
  }
  return out;
}

DEOutcome differential_evolution(const EnergyFunction& energy, std::span<const double> lower,
                                 std::span<const double> upper, const DEOptions& options,
                                 std::uint64_t seed, std::uint64_t stream, std::span<const std::uint8_t> log_scale) {
  const std::size_t n = lower.size();
  const PopulationEnergy each = [&](std::span<const double> points, std::span<double> energies) {
    for (std::size_t i = 0; i < energies.size(); ++i) energies[i] = energy(points.subspan(i * n, n));
  };
  return differential_evolution(each, lower, upper, options, seed, stream, log_scale);
}

}  // namespace slfit
