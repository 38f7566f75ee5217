// The device tests' comparison of GPU and CPU results (tests/de_comparison.hpp), on synthetic
// outcomes: a share threshold decides on the counts, and the report stays short.

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "de_comparison.hpp"

namespace slfit {
namespace {

// n outcomes with energies 1 + i; the first `differing` of them off by 1e-6 relative on the GPU.
std::vector<DEOutcome> outcomes(std::size_t n, std::size_t differing = 0) {
  std::vector<DEOutcome> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    out[i].best_energy = (1.0 + i) * (i < differing ? 1.0 + 1e-6 : 1.0);
    out[i].generations = 100 + static_cast<int>(i < differing);
  }
  return out;
}

std::vector<FitResult> fits(const std::vector<double>& objectives) {
  std::vector<FitResult> out(objectives.size());
  for (std::size_t i = 0; i < objectives.size(); ++i) out[i].objective = objectives[i];
  return out;
}

TEST(DeComparison, NinetyNinePercentDecidesOnTheCounts) {
  const std::vector<DEOutcome> cpu = outcomes(1000);
  const test::Comparison pass = test::compare_energies(outcomes(1000, 5), cpu, 1e-9, "law");
  EXPECT_EQ(pass.total, 1000u);
  EXPECT_EQ(pass.matched(), 995u);
  EXPECT_TRUE(pass.matched_at_least(0.99));
  const test::Comparison fail = test::compare_energies(outcomes(1000, 15), cpu, 1e-9, "law");
  EXPECT_EQ(fail.matched(), 985u);
  EXPECT_FALSE(fail.matched_at_least(0.99));
  EXPECT_TRUE(test::compare_energies(outcomes(1000, 10), cpu, 1e-9, "law").matched_at_least(0.99));  // the edge
  // Within the tolerance is a match.
  EXPECT_EQ(test::compare_energies(outcomes(1000, 15), cpu, 1e-5, "law").matched(), 1000u);
}

TEST(DeComparison, ComparisonsAddUpOverLaws) {
  test::Comparison all;
  all.add(test::compare_energies(outcomes(400, 3), outcomes(400), 1e-9, "chinchilla"));
  all.add(test::compare_energies(outcomes(400, 4), outcomes(400), 1e-9, "parscale"));
  EXPECT_EQ(all.total, 800u);
  EXPECT_EQ(all.matched(), 793u);
  ASSERT_EQ(all.mismatches.size(), 7u);
  EXPECT_EQ(all.mismatches[0].problem, "chinchilla #0");
  EXPECT_EQ(all.mismatches[3].problem, "parscale #0");
  EXPECT_EQ(all.mismatches[3].detail, "generations: gpu 101 cpu 100");
}

TEST(DeComparison, ReportShowsTheCountAndAtMostTwentyMismatches) {
  const test::Comparison c = test::compare_energies(outcomes(1000, 25), outcomes(1000), 1e-9, "parscale");
  const std::string report = c.report();
  EXPECT_EQ(report.rfind("975 / 1000", 0), 0u) << report;
  EXPECT_NE(report.find("parscale #19: gpu"), std::string::npos) << report;
  EXPECT_EQ(report.find("parscale #20:"), std::string::npos) << report;
  EXPECT_NE(report.find("... and 5 more"), std::string::npos) << report;
  EXPECT_EQ(std::count(report.begin(), report.end(), '\n'), 21);
  EXPECT_EQ(test::compare_energies(outcomes(3), outcomes(3), 1e-9, "x").report(), "3 / 3");
}

TEST(DeComparison, NonFiniteEnergiesMatchOnlyThemselves) {
  const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<DEOutcome> gpu(4), cpu(4);
  gpu[0].best_energy = cpu[0].best_energy = inf;
  gpu[1].best_energy = cpu[1].best_energy = nan;
  gpu[2].best_energy = inf;
  cpu[2].best_energy = 1.0;
  gpu[3].best_energy = nan;
  cpu[3].best_energy = inf;
  const test::Comparison c = test::compare_energies(gpu, cpu, 1e-9, "law");
  EXPECT_EQ(c.matched(), 2u);
  EXPECT_THROW(test::compare_energies(outcomes(3), outcomes(4), 1e-9, "law"), std::invalid_argument);
}

TEST(DeComparison, RefinementNoWorseChecksEveryProblem) {
  // Better or equal on the GPU, or worse within 1e-9 relative, passes; one problem worse fails.
  const std::vector<FitResult> cpu = fits({1.0, 2.0, 3.0, 4.0});
  const test::Comparison ok = test::compare_no_worse(fits({0.5, 2.0, 3.0 * (1 + 5e-10), 4.0}), cpu, 1e-9, "law");
  EXPECT_TRUE(ok.mismatches.empty()) << ok.report();
  const test::Comparison worse = test::compare_no_worse(fits({1.0, 2.0 * (1 + 1e-8), 3.0, 4.0}), cpu, 1e-9, "law");
  ASSERT_EQ(worse.mismatches.size(), 1u);
  EXPECT_EQ(worse.mismatches[0].problem, "law #1");
  EXPECT_TRUE(worse.matched_at_least(0.75));  // a share would pass; the device test requires none
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(test::compare_no_worse(fits({nan}), fits({1.0}), 1e-9, "law").mismatches.size(), 1u);
}

}  // namespace
}  // namespace slfit
