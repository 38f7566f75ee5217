#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

#include "slfit/philox.hpp"

namespace slfit {
namespace {

// Random123's known-answer vectors (kat_vectors): counter, key, expected output.
TEST(Philox, MatchesRandom123KnownAnswers) {
  struct Case { Philox4x32 ctr; std::uint32_t k0, k1; Philox4x32 expected; };
  const Case cases[] = {
      {{{0, 0, 0, 0}}, 0, 0, {{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}}},
      {{{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}}, 0xffffffff, 0xffffffff,
       {{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}}},
      {{{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}}, 0xa4093822, 0x299f31d0,
       {{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}}},
  };
  for (const Case& c : cases) {
    const Philox4x32 out = philox4x32_10(c.ctr, c.k0, c.k1);
    for (int w = 0; w < 4; ++w) EXPECT_EQ(out.v[w], c.expected.v[w]) << "word " << w;
  }
}

TEST(Philox, UniformsAreInUnitIntervalAndDistinctPerAddress) {
  std::set<double> seen;
  for (std::uint32_t member = 0; member < 50; ++member) {
    for (std::uint32_t i = 0; i < 20; ++i) {
      const double u = uniform01({7, 3, 1, member, DrawPurpose::Crossover}, i);
      EXPECT_GE(u, 0.0);
      EXPECT_LT(u, 1.0);
      seen.insert(u);
    }
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Philox, EveryAddressComponentChangesTheDraw) {
  const DrawSite base{1, 2, 3, 4, DrawPurpose::Pick};
  const double u = uniform01(base, 5);
  EXPECT_EQ(u, uniform01(base, 5));
  EXPECT_NE(u, uniform01({9, 2, 3, 4, DrawPurpose::Pick}, 5));
  EXPECT_NE(u, uniform01({1, 9, 3, 4, DrawPurpose::Pick}, 5));
  EXPECT_NE(u, uniform01({1, 2ull | (1ull << 40), 3, 4, DrawPurpose::Pick}, 5));
  EXPECT_NE(u, uniform01({1, 2, 9, 4, DrawPurpose::Pick}, 5));
  EXPECT_NE(u, uniform01({1, 2, 3, 9, DrawPurpose::Pick}, 5));
  EXPECT_NE(u, uniform01({1, 2, 3, 4, DrawPurpose::Repair}, 5));
  EXPECT_NE(u, uniform01(base, 4));
}

TEST(Philox, UniformMomentsAreRight) {
  const int n = 200000;
  double sum = 0, squares = 0;
  for (int i = 0; i < n; ++i) {
    const double u = uniform01({11, static_cast<std::uint64_t>(i), 0, 0, DrawPurpose::Resample}, 0);
    sum += u;
    squares += u * u;
  }
  const double mean = sum / n, variance = squares / n - mean * mean;
  EXPECT_NEAR(mean, 0.5, 4 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(variance, 1.0 / 12, 2e-3);
}

TEST(Philox, UniformBelowCoversItsRangeEvenly) {
  std::vector<int> counts(7, 0);
  for (std::uint32_t i = 0; i < 70000; ++i) ++counts[uniform_below({5, i, 0, 0, DrawPurpose::Pick}, 0, 7)];
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);
}

}  // namespace
}  // namespace slfit
