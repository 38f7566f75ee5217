// Interval math against scipy.stats.bootstrap (scipy 1.10.1): the expected values in
// bootstrap_intervals_reference.inc were produced by scipy itself on fixed replicate sets, by
// tests/bootstrap_intervals_reference.py (rerun it to regenerate them).

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "slfit/intervals.hpp"

namespace slfit {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct ReferenceCase {
  const char* name;
  double level;
  double estimate;
  std::vector<double> replicates;
  std::vector<double> jackknife;
  std::vector<double> percentile, basic, bca;  // {low, high}
  double standard_error;
};

struct NormalCase {
  double p, quantile, cdf_of_quantile;
};

#include "bootstrap_intervals_reference.inc"

// Agreement to 1e-12, relative for values above 1; NaN only where scipy gives NaN.
void expect_close(double expected, double actual, const std::string& what) {
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << what << ": " << actual << ", scipy NaN";
    return;
  }
  EXPECT_NEAR(actual, expected, 1e-12 * std::max(1.0, std::fabs(expected))) << what;
}

double sample_standard_deviation(const std::vector<double>& v) {
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

TEST(BootstrapIntervals, AgreeWithScipyOnFixedReplicateSets) {
  for (const ReferenceCase& c : kCases) {
    const std::pair<IntervalMethod, const std::vector<double>*> methods[] = {
        {IntervalMethod::Percentile, &c.percentile}, {IntervalMethod::Basic, &c.basic}, {IntervalMethod::Bca, &c.bca}};
    for (const auto& [method, expected] : methods) {
      const Interval got = bootstrap_interval(method, c.level, c.estimate, c.replicates, c.jackknife);
      const std::string what = std::string(c.name) + " method " + std::to_string(static_cast<int>(method));
      expect_close((*expected)[0], got.low, what + " low");
      expect_close((*expected)[1], got.high, what + " high");
    }
    expect_close(c.standard_error, sample_standard_deviation(c.replicates), std::string(c.name) + " se");
  }
}

TEST(BootstrapIntervals, NormalQuantileAndCdfMatchScipySpecial) {
  for (const NormalCase& c : kNormalCases) {
    EXPECT_NEAR(normal_quantile(c.p), c.quantile, 4e-16 * std::fabs(c.quantile)) << "ndtri(" << c.p << ")";
    EXPECT_NEAR(normal_cdf(c.quantile), c.cdf_of_quantile, 1e-12 * c.cdf_of_quantile) << "ndtr(" << c.quantile << ")";
  }
  EXPECT_EQ(normal_quantile(0.0), -kInf);
  EXPECT_EQ(normal_quantile(1.0), kInf);
  EXPECT_TRUE(std::isnan(normal_quantile(1.5)));
}

TEST(BootstrapIntervals, PercentileInterpolatesAsNumpy) {
  const std::vector<double> sorted = {1, 2, 4, 8};
  EXPECT_EQ(percentile_linear(sorted, 0), 1);
  EXPECT_EQ(percentile_linear(sorted, 100), 8);
  EXPECT_DOUBLE_EQ(percentile_linear(sorted, 50), 3);       // index 1.5
  EXPECT_DOUBLE_EQ(percentile_linear(sorted, 90), 6.8);     // index 2.7
  EXPECT_TRUE(std::isnan(percentile_linear(sorted, kNaN)));
  EXPECT_DOUBLE_EQ(percentile_of_score(sorted, 2), 0.375);  // (1 + 2) / 8: the tie counts half
}

TEST(BootstrapIntervals, DegenerateCasesGiveNaNNotNumbers) {
  const std::vector<double> same = {0.5, 0.5, 0.5};
  EXPECT_TRUE(std::isnan(jackknife_acceleration(same)));
  const Interval none = bootstrap_interval(IntervalMethod::Percentile, 0.95, 1.0, {}, {});
  EXPECT_TRUE(std::isnan(none.low) && std::isnan(none.high));
}

}  // namespace
}  // namespace slfit
