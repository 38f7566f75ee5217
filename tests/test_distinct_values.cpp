// distinct_values (law/distinct_values.hpp) against a std::map of the values' bits: the same
// entries in order of first appearance, each row pointing at its own value's bits.

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <vector>

#include "law/distinct_values.hpp"

namespace slfit {
namespace {

void expect_distinct_values(const std::vector<double>& column) {
  const DistinctValues distinct = distinct_values(column);
  ASSERT_EQ(distinct.index.size(), column.size());
  std::map<std::uint64_t, std::uint32_t> entry_of;
  std::vector<std::uint64_t> expected;
  for (std::size_t i = 0; i < column.size(); ++i) {
    const auto bits = std::bit_cast<std::uint64_t>(column[i]);
    const auto [it, added] = entry_of.try_emplace(bits, static_cast<std::uint32_t>(expected.size()));
    if (added) expected.push_back(bits);
    EXPECT_EQ(distinct.index[i], it->second) << "row " << i;
  }
  ASSERT_EQ(distinct.values.size(), expected.size());
  for (std::size_t e = 0; e < expected.size(); ++e)
    EXPECT_EQ(std::bit_cast<std::uint64_t>(distinct.values[e]), expected[e]) << "entry " << e;
}

TEST(DistinctValues, AreTheColumnsValuesByBitsInOrderOfFirstAppearance) {
  expect_distinct_values({});
  expect_distinct_values({4.0, 1.0, 4.0, 2.0, 1.0, 1.0});
  // Both zeros, NaNs of two payloads, infinities: each its own value, each repeated.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double other_nan = std::bit_cast<double>(std::bit_cast<std::uint64_t>(nan) | 1);
  const double inf = std::numeric_limits<double>::infinity();
  expect_distinct_values({0.0, -0.0, nan, other_nan, inf, -inf, -0.0, nan, other_nan, 0.0, -inf});
}

// Grids (a bootstrap resample of model sizes), all-distinct columns of thousands of rows, and
// values whose bits differ only where a weak hash would collide (multiples of one power of two).
TEST(DistinctValues, HoldForGridsResamplesAndCollidingBits) {
  std::mt19937_64 random(5);
  std::uniform_int_distribution<int> grid_point(0, 39);
  std::vector<double> grid, unique, aligned;
  for (int i = 0; i < 5000; ++i) {
    grid.push_back(std::ldexp(1.0 + grid_point(random) / 40.0, 27));
    unique.push_back(std::uniform_real_distribution<double>(1e6, 1e12)(random));
    aligned.push_back(std::bit_cast<double>(std::uint64_t{0x4000000000000000} + (std::uint64_t(i % 700) << 40)));
  }
  expect_distinct_values(grid);
  expect_distinct_values(unique);
  expect_distinct_values(aligned);
  EXPECT_EQ(distinct_values(grid).values.size(), 40u);
  EXPECT_EQ(distinct_values(aligned).values.size(), 700u);
}

}  // namespace
}  // namespace slfit
