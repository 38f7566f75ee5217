// Goodness-of-fit measures where they are undefined: constant targets give null, not a number.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "slfit/metrics.hpp"

namespace slfit {
namespace {

TEST(Metrics, ConstantTargetsLeaveR2Undefined) {
  // The mean of three 0.1s rounds to 0.10000000000000002: a variance of 6e-34 in floating point.
  const std::vector<double> targets = {0.1, 0.1, 0.1};
  const Scores s = score(targets, std::vector<double>{0.1, 0.1, 0.2});
  EXPECT_TRUE(std::isnan(s.r2));
  EXPECT_TRUE(std::isnan(s.nmse));
  EXPECT_TRUE(std::isnan(s.nmae));
  EXPECT_EQ(s.n, 3u);
}

TEST(Metrics, VaryingTargetsAreScored) {
  const Scores s = score(std::vector<double>{1, 2, 3}, std::vector<double>{1, 2, 4});
  EXPECT_DOUBLE_EQ(s.nmse, (1.0 / 3) / (2.0 / 3));
  EXPECT_DOUBLE_EQ(s.r2, 0.5);
}

}  // namespace
}  // namespace slfit
