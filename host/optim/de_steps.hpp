#pragma once
// The per-member steps of differential evolution (scipy's best1bin; the updating, deferred or immediate, is the caller's),
// written once for host and device code: the CPU backend (optim/differential_evolution.cpp)
// and the DE kernel (kernels/de_kernel.cuh, which NVRTC compiles with this header embedded)
// call the same functions, so they make the same trials from the same Philox draws. The
// population is a row-major members x params matrix in the unit cube.

#include "slfit/philox.hpp"

#if !defined(__CUDACC_RTC__)
#include <math.h>  // isfinite in the global namespace, as device code calls it
#endif
#if !defined(__CUDACC__) && !defined(__CUDACC_RTC__)
#include "law/vector_math.hpp"
#endif

namespace slfit::de {

// exp and log are CUDA's on the device and SLEEF's on the host (law/vector_math.hpp), as the
// law's own are: the same bits on every CPU.
#if !defined(__CUDACC__) && !defined(__CUDACC_RTC__)
using vmath::exp;
using vmath::log;
#endif

// Maps a unit-cube coordinate to [lower, upper] exactly as scipy does:
// 0.5 (lower + upper) + (u - 0.5) |upper - lower|.
SLFIT_HOST_DEVICE inline double scale_to_bounds(double unit, double lower, double upper) {
  return 0.5 * (lower + upper) + (unit - 0.5) * (upper > lower ? upper - lower : lower - upper);
}

// A unit-cube coordinate as a parameter value: scale_to_bounds, or for a parameter searched in log
// coordinates (positive bounds; ResolvedBounds::log_scale) exp of the same point of [log lower,
// log upper], kept inside [lower, upper] against the rounding of exp and log. A parameter held at
// a value (lower == upper, as a profile or surface holds one) is that value.
SLFIT_HOST_DEVICE inline bool maps_in_log(double lower, double upper, bool log_scale) {
  return log_scale && lower > 0 && lower < upper;
}

// The log-coordinate mapping, given log(lower) and log(upper) (the CPU's DE computes them once).
SLFIT_HOST_DEVICE inline double log_unit_to_param(double unit, double lower, double upper, double log_lower,
                                                  double log_upper) {
  const double x = exp(scale_to_bounds(unit, log_lower, log_upper));
  return x < lower ? lower : x > upper ? upper : x;
}

SLFIT_HOST_DEVICE inline double unit_to_param(double unit, double lower, double upper, bool log_scale) {
  if (!maps_in_log(lower, upper, log_scale)) return scale_to_bounds(unit, lower, upper);
  return log_unit_to_param(unit, lower, upper, log(lower), log(upper));
}

// Coordinate j of member i's Latin-hypercube start: the slice given by the rank of its key among
// the members' keys of coordinate j (ties broken by member index), at a random offset inside the
// slice. `keys` holds every member's InitRank draws, row-major like the population.
SLFIT_HOST_DEVICE inline double latin_hypercube_coordinate(const double* keys, int members, int params, int i, int j,
                                                           std::uint64_t seed, std::uint64_t stream) {
  const double key = keys[i * params + j];
  int rank = 0;
  for (int m = 0; m < members; ++m) {
    const double other = keys[m * params + j];
    rank += other < key || (other == key && m < i);
  }
  const DrawSite offsets{seed, stream, 0, static_cast<std::uint32_t>(i), DrawPurpose::InitOffset};
  return (rank + uniform01(offsets, static_cast<std::uint32_t>(j))) / members;
}

// Member i's keys for the Latin hypercube, one per coordinate.
SLFIT_HOST_DEVICE inline void latin_hypercube_keys(double* keys, int params, int i, std::uint64_t seed,
                                                   std::uint64_t stream) {
  const DrawSite site{seed, stream, 0, static_cast<std::uint32_t>(i), DrawPurpose::InitRank};
  for (int j = 0; j < params; ++j) keys[i * params + j] = uniform01(site, static_cast<std::uint32_t>(j));
}

// The generation's mutation factor F ~ U[min, max), one draw per generation.
SLFIT_HOST_DEVICE inline double dither(std::uint64_t seed, std::uint64_t stream, std::uint32_t generation,
                                       double mutation_min, double mutation_max) {
  return mutation_min + (mutation_max - mutation_min) * uniform01({seed, stream, generation, 0, DrawPurpose::Dither}, 0);
}

// Two distinct members other than `member`: r1 uniform over the others, r2 uniform over the
// rest, as the first two of scipy's shuffled candidate list; u1 and u2 are the site's draws 0
// and 1 (Pick).
SLFIT_HOST_DEVICE inline void pick_donors(double u1, double u2, int members, int member, int& r1, int& r2) {
  r1 = static_cast<int>(scale_below(u1, static_cast<std::uint32_t>(members - 1)));
  if (r1 >= member) ++r1;
  r2 = static_cast<int>(scale_below(u2, static_cast<std::uint32_t>(members - 2)));
  const int low = member < r1 ? member : r1, high = member < r1 ? r1 : member;
  if (r2 >= low) ++r2;
  if (r2 >= high) ++r2;
}

// The Philox blocks a member's trial draws from (besides the rare repairs), numbered 0, 1, ...:
// blocks 0 and 1 of its Pick site (draws 0 and 1: the donors; draw 2: the forced coordinate),
// then blocks 0, 1, ... of its Crossover site (draws 2b and 2b + 1: coordinates 2b and 2b + 1).
SLFIT_HOST_DEVICE inline int trial_block_count(int params) { return 2 + (params + 1) / 2; }

SLFIT_HOST_DEVICE inline Philox4x32 trial_block_counter(std::uint64_t stream, std::uint32_t generation, int member,
                                                        int b) {
  const DrawSite site{0, stream, generation, static_cast<std::uint32_t>(member),
                      b < 2 ? DrawPurpose::Pick : DrawPurpose::Crossover};
  return block_counter(site, static_cast<std::uint32_t>(b < 2 ? b : b - 2));
}

// Member `member`'s best1bin trial from the population `pop` (best at row 0): best + F (x_r1 -
// x_r2) with binomial crossover (one coordinate always from the mutant), coordinates that left
// the unit cube redrawn. `blocks(b)` is the member's trial block b (trial_block_counter under the
// seed), whoever computes it: make_trial below one at a time, the CPU's DE a generation's at once.
template <class Blocks>
SLFIT_HOST_DEVICE inline void make_trial_from_blocks(const double* pop, int members, int params, int member,
                                                     double scale, double recombination, std::uint64_t seed,
                                                     std::uint64_t stream, std::uint32_t generation,
                                                     const Blocks& blocks, double* trial) {
  const DrawSite repair{seed, stream, generation, static_cast<std::uint32_t>(member), DrawPurpose::Repair};
  const Philox4x32 donors = blocks(0);
  int r1 = 0, r2 = 0;
  pick_donors(block_uniform01(donors, 0), block_uniform01(donors, 1), members, member, r1, r2);
  const int forced = static_cast<int>(scale_below(block_uniform01(blocks(1), 0), static_cast<std::uint32_t>(params)));
  const double* best = pop;
  const double* parent = pop + member * params;
  const double* x1 = pop + r1 * params;
  const double* x2 = pop + r2 * params;
  Philox4x32 coins{};
  for (int j = 0; j < params; ++j) {
    const auto u = static_cast<std::uint32_t>(j);
    if ((u & 1u) == 0) coins = blocks(2 + j / 2);
    const bool from_mutant = (block_uniform01(coins, u & 1u) < recombination) | (j == forced);
    // Both candidates computed, then one picked by index: the crossover is a coin toss per
    // coordinate, which a branch would mispredict half the time.
    const double candidates[2] = {parent[j], best[j] + scale * (x1[j] - x2[j])};
    double v = candidates[from_mutant];
    if (v < 0.0 || v > 1.0) v = uniform01(repair, u);
    trial[j] = v;
  }
}

// The same, each block computed when needed.
SLFIT_HOST_DEVICE inline void make_trial(const double* pop, int members, int params, int member, double scale,
                                         double recombination, std::uint64_t seed, std::uint64_t stream,
                                         std::uint32_t generation, double* trial) {
  const auto key0 = static_cast<std::uint32_t>(seed), key1 = static_cast<std::uint32_t>(seed >> 32);
  const auto blocks = [&](int b) {
    return philox4x32_10(trial_block_counter(stream, generation, member, b), key0, key1);
  };
  make_trial_from_blocks(pop, members, params, member, scale, recombination, seed, stream, generation, blocks, trial);
}

// Moves the first lowest energy (numpy's argmin) and its row to index 0, one thread's work: the
// CPU's DE after each selection, the DE kernel's immediate updating after a new best (its
// deferred path reduces over the block instead, kernels/de_kernel.cuh).
SLFIT_HOST_DEVICE inline void promote_lowest(double* pop, double* energy, int members, int params) {
  int lowest = 0;
  for (int k = 1; k < members; ++k)
    if (energy[k] < energy[lowest]) lowest = k;
  if (lowest == 0) return;
  const double e = energy[0];
  energy[0] = energy[lowest];
  energy[lowest] = e;
  for (int j = 0; j < params; ++j) {
    const double v = pop[j];
    pop[j] = pop[lowest * params + j];
    pop[lowest * params + j] = v;
  }
}

// The members a stalled refinement restarts from (engine/pipeline.cpp): the kRunnersUp lowest
// finite energies after index 0 (which holds the best), lowest first, ties to the lower index.
// Writes their indices into `chosen` and returns how many there are.
constexpr int kRunnersUp = 3;
SLFIT_HOST_DEVICE inline int runners_up(const double* energy, int members, int* chosen) {
  int count = 0;
  for (; count < kRunnersUp; ++count) {
    int pick = -1;
    for (int i = 1; i < members; ++i) {
      bool taken = false;
      for (int c = 0; c < count; ++c) taken = taken || chosen[c] == i;
      if (taken || !isfinite(energy[i])) continue;
      if (pick < 0 || energy[i] < energy[pick]) pick = i;
    }
    if (pick < 0) break;
    chosen[count] = pick;
  }
  return count;
}

}  // namespace slfit::de
