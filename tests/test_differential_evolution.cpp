#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "optim/de_steps.hpp"
#include "optim/differential_evolution.hpp"
#include "slfit/error.hpp"

namespace slfit {
namespace {

double rosenbrock(std::span<const double> x) {
  double f = 0;
  for (std::size_t i = 0; i + 1 < x.size(); ++i)
    f += 100 * std::pow(x[i + 1] - x[i] * x[i], 2) + std::pow(1 - x[i], 2);
  return f;
}

double rastrigin(std::span<const double> x) {
  double f = 10.0 * x.size();
  for (double v : x) f += v * v - 10 * std::cos(2 * std::numbers::pi * v);
  return f;
}

TEST(DifferentialEvolution, FindsRosenbrockMinimumIn4D) {
  const std::vector<double> lo(4, -5.0), hi(4, 5.0);
  DEOptions o;
  o.maxiter = 3000;
  const DEOutcome r = differential_evolution(rosenbrock, lo, hi, o, 42, 0);
  EXPECT_LT(r.best_energy, 1e-8);
  for (double v : r.best) EXPECT_NEAR(v, 1.0, 1e-4);
  EXPECT_TRUE(r.converged);
}

TEST(DifferentialEvolution, FindsRastriginGlobalMinimumIn4D) {
  const std::vector<double> lo(4, -5.12), hi(4, 5.12);
  DEOptions o;
  o.maxiter = 3000;
  const DEOutcome r = differential_evolution(rastrigin, lo, hi, o, 42, 0);
  EXPECT_LT(r.best_energy, 1e-9);
  for (double v : r.best) EXPECT_NEAR(v, 0.0, 1e-5);
}

TEST(DifferentialEvolution, StaysInsideBoundsWhereTheMinimumIsOutside) {
  // The unconstrained minimum (1, 1, 1, 1) is outside the box; every coordinate stays inside.
  const std::vector<double> lo(4, -2.0), hi(4, 0.5);
  const DEOutcome r = differential_evolution(rosenbrock, lo, hi, DEOptions{}, 1, 0);
  for (std::size_t j = 0; j < 4; ++j) {
    EXPECT_GE(r.best[j], lo[j]);
    EXPECT_LE(r.best[j], hi[j]);
  }
}

TEST(DifferentialEvolution, SameSeedAndStreamGiveTheSameResult) {
  const std::vector<double> lo(3, -5.12), hi(3, 5.12);
  DEOptions o;
  o.maxiter = 50;
  const DEOutcome a = differential_evolution(rastrigin, lo, hi, o, 7, 3);
  const DEOutcome b = differential_evolution(rastrigin, lo, hi, o, 7, 3);
  const DEOutcome c = differential_evolution(rastrigin, lo, hi, o, 7, 4);
  EXPECT_EQ(a.best, b.best);
  EXPECT_EQ(a.best_energy, b.best_energy);
  EXPECT_NE(a.best, c.best);
}

TEST(DifferentialEvolution, EvaluatesAWholePopulationPerCallAndMatchesTheOneVectorForm) {
  // The batch energy sees the initial population, then each generation's trials, as one call of
  // `members` vectors each inside the bounds; the outcome is the one-vector form's, bit for bit.
  const std::vector<double> lo{-5.12, -1.0, 0.5}, hi{5.12, 2.0, 3.0};
  DEOptions o;
  o.maxiter = 40;
  const std::size_t members = static_cast<std::size_t>(de_population_size(o, 3));
  std::vector<std::size_t> call_sizes;
  const PopulationEnergy batch = [&](std::span<const double> points, std::span<double> energies) {
    ASSERT_EQ(points.size(), energies.size() * 3);
    call_sizes.push_back(energies.size());
    for (std::size_t i = 0; i < energies.size(); ++i) {
      for (std::size_t j = 0; j < 3; ++j) {
        EXPECT_GE(points[i * 3 + j], lo[j]);
        EXPECT_LE(points[i * 3 + j], hi[j]);
      }
      energies[i] = rastrigin(points.subspan(i * 3, 3));
    }
  };
  const DEOutcome a = differential_evolution(batch, lo, hi, o, 11, 2);
  const DEOutcome b = differential_evolution(rastrigin, lo, hi, o, 11, 2);
  EXPECT_EQ(a.best, b.best);
  EXPECT_EQ(a.best_energy, b.best_energy);
  EXPECT_EQ(a.generations, b.generations);
  EXPECT_EQ(call_sizes.size(), static_cast<std::size_t>(a.generations) + 1);
  for (std::size_t size : call_sizes) EXPECT_EQ(size, members);
}

TEST(DifferentialEvolution, CountsGenerationsAndEvaluationsLikeScipy) {
  // scipy: population = max(5, popsize * n); one evaluation per member at start and per
  // generation; maxiter bounds the generations.
  const std::vector<double> lo(2, -5.12), hi(2, 5.12);
  DEOptions o;
  o.popsize = 7;
  o.maxiter = 10;
  o.tol = o.atol = 0;
  const DEOutcome r = differential_evolution(rastrigin, lo, hi, o, 1, 0);
  EXPECT_EQ(de_population_size(o, 2), 14);
  EXPECT_EQ(r.generations, 10);
  EXPECT_EQ(r.evaluations, 14 * 11);
  EXPECT_FALSE(r.converged);
  o.popsize = 1;
  EXPECT_EQ(de_population_size(o, 2), 5);
}

TEST(DifferentialEvolution, InitialPopulationIsALatinHypercube) {
  // With maxiter 0 only the initial population is evaluated; record every point.
  const int n = 3;
  DEOptions o;
  o.popsize = 10;
  o.maxiter = 0;
  std::vector<std::vector<double>> points;
  auto record = [&](std::span<const double> x) {
    points.emplace_back(x.begin(), x.end());
    return 0.0;
  };
  const std::vector<double> lo(n, 0.0), hi(n, 1.0);
  differential_evolution(record, lo, hi, o, 5, 0);
  const int s = de_population_size(o, n);
  ASSERT_EQ(static_cast<int>(points.size()), s);
  for (int j = 0; j < n; ++j) {
    std::vector<int> per_slice(s, 0);
    for (const auto& p : points) ++per_slice[static_cast<int>(p[j] * s)];
    for (int count : per_slice) EXPECT_EQ(count, 1) << "coordinate " << j;
  }
}

TEST(DifferentialEvolution, NonFiniteEnergiesAreRejectedNotFatal) {
  // Half the box returns NaN: DE must treat it as +inf and find the minimum in the other half.
  auto f = [](std::span<const double> x) {
    return x[0] < 0 ? std::nan("") : (x[0] - 1) * (x[0] - 1) + x[1] * x[1];
  };
  const std::vector<double> lo{-4, -4}, hi{4, 4};
  const DEOutcome r = differential_evolution(f, lo, hi, DEOptions{}, 3, 0);
  EXPECT_NEAR(r.best[0], 1.0, 1e-4);
  EXPECT_LT(r.best_energy, 1e-8);
}

TEST(DifferentialEvolution, EveryCandidateNonFiniteEndsWithInfiniteBestAtMaxiter) {
  auto f = [](std::span<const double>) { return std::numeric_limits<double>::infinity(); };
  const std::vector<double> lo{0, 0}, hi{1, 1};
  DEOptions o;
  o.maxiter = 20;
  const DEOutcome r = differential_evolution(f, lo, hi, o, 3, 0);
  EXPECT_TRUE(std::isinf(r.best_energy));
  EXPECT_EQ(r.generations, 20);
  EXPECT_FALSE(r.converged);
}

TEST(DifferentialEvolutionImmediate, FindsTheMinimaOneTrialAtATime) {
  DEOptions o;
  o.maxiter = 3000;
  o.updating = Updating::Immediate;
  const DEOutcome r = differential_evolution(rosenbrock, std::vector<double>(4, -5.0), std::vector<double>(4, 5.0), o, 42, 0);
  EXPECT_LT(r.best_energy, 1e-8);
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(r.evaluations, static_cast<long long>(de_population_size(o, 4)) * (r.generations + 1));
  const DEOutcome g = differential_evolution(rastrigin, std::vector<double>(4, -5.12), std::vector<double>(4, 5.12), o, 42, 0);
  EXPECT_LT(g.best_energy, 1e-9);
  // Batch calls of one vector after the first population; deterministic, and not deferred's run.
  std::vector<std::size_t> call_sizes;
  const PopulationEnergy batch = [&](std::span<const double> points, std::span<double> energies) {
    call_sizes.push_back(energies.size());
    for (std::size_t i = 0; i < energies.size(); ++i) energies[i] = rosenbrock(points.subspan(i * 4, 4));
  };
  const DEOutcome again = differential_evolution(batch, std::vector<double>(4, -5.0), std::vector<double>(4, 5.0), o, 42, 0);
  EXPECT_EQ(again.best, r.best);
  EXPECT_EQ(call_sizes.front(), static_cast<std::size_t>(de_population_size(o, 4)));
  EXPECT_TRUE(std::all_of(call_sizes.begin() + 1, call_sizes.end(), [](std::size_t n) { return n == 1; }));
  o.updating = Updating::Deferred;
  EXPECT_NE(differential_evolution(rosenbrock, std::vector<double>(4, -5.0), std::vector<double>(4, 5.0), o, 42, 0).generations,
            r.generations);
}

// scipy's loop for updating='immediate' (DifferentialEvolutionSolver.__next__), written out
// here from the per-member steps: member by member, the trial from the population as it is now;
// a trial no worse than its parent replaces it, and one no worse than the best is promoted to
// index 0 at once. Every point the DE evaluates must be this replay's, in this order.
TEST(DifferentialEvolutionImmediate, EachTrialIsMadeFromThePopulationAsUpdatedSoFar) {
  const int n = 3;
  DEOptions o;
  o.popsize = 4;
  o.maxiter = 30;
  o.tol = o.atol = 0;
  o.updating = Updating::Immediate;
  const std::vector<double> lo{-5.12, -1.0, 0.5}, hi{5.12, 2.0, 3.0};
  std::vector<std::vector<double>> seen;
  const EnergyFunction record = [&](std::span<const double> x) {
    seen.emplace_back(x.begin(), x.end());
    return rastrigin(x);
  };
  const std::uint64_t seed = 9, stream = 4;
  const DEOutcome r = differential_evolution(record, lo, hi, o, seed, stream);

  const int s = de_population_size(o, n);
  std::vector<double> pop(static_cast<std::size_t>(s * n)), keys(pop.size()), energy(static_cast<std::size_t>(s));
  const auto scaled = [&](const double* unit) {
    std::vector<double> x(n);
    for (int j = 0; j < n; ++j) x[static_cast<std::size_t>(j)] = de::scale_to_bounds(unit[j], lo[j], hi[j]);
    return x;
  };
  const auto promote = [&] {
    const auto k = static_cast<int>(std::min_element(energy.begin(), energy.end()) - energy.begin());
    std::swap(energy[0], energy[static_cast<std::size_t>(k)]);
    std::swap_ranges(pop.begin(), pop.begin() + n, pop.begin() + k * n);
  };
  for (int i = 0; i < s; ++i) de::latin_hypercube_keys(keys.data(), n, i, seed, stream);
  std::size_t next = 0;
  for (int i = 0; i < s; ++i) {
    for (int j = 0; j < n; ++j)
      pop[static_cast<std::size_t>(i * n + j)] = de::latin_hypercube_coordinate(keys.data(), s, n, i, j, seed, stream);
    ASSERT_EQ(seen[next], scaled(&pop[static_cast<std::size_t>(i * n)])) << "initial member " << i;
    energy[static_cast<std::size_t>(i)] = rastrigin(seen[next++]);
  }
  promote();
  std::vector<double> trial(n);
  for (int g = 1; g <= o.maxiter; ++g) {
    const auto gen = static_cast<std::uint32_t>(g);
    const double F = de::dither(seed, stream, gen, o.mutation_min, o.mutation_max);
    for (int i = 0; i < s; ++i) {
      de::make_trial(pop.data(), s, n, i, F, o.recombination, seed, stream, gen, trial.data());
      ASSERT_EQ(seen[next], scaled(trial.data())) << "generation " << g << " member " << i;
      const double e = rastrigin(seen[next++]);
      if (e <= energy[static_cast<std::size_t>(i)]) {
        energy[static_cast<std::size_t>(i)] = e;
        std::copy(trial.begin(), trial.end(), pop.begin() + i * n);
        if (e <= energy[0]) promote();
      }
    }
  }
  EXPECT_EQ(next, seen.size());
  EXPECT_EQ(r.best, scaled(pop.data()));
  EXPECT_EQ(r.best_energy, energy[0]);
}

TEST(DifferentialEvolution, RejectsBadOptions) {
  const std::vector<double> lo{0}, hi{1};
  DEOptions o;
  o.popsize = 0;
  EXPECT_THROW(differential_evolution(rosenbrock, lo, hi, o, 1, 0), InputError);
  o = {};
  o.tol = -1;
  EXPECT_THROW(differential_evolution(rosenbrock, lo, hi, o, 1, 0), InputError);
}

}  // namespace
}  // namespace slfit
