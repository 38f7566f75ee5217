// Goodness-of-fit measures where they are undefined: constant targets give null, not a number.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "slfit/error.hpp"
#include "slfit/law_io.hpp"
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

// A group of `y = a * x + b` rows at x = 1..n, its lines counted from 2 as a CSV's are.
GroupData linear_group(const std::string& name, std::vector<double> target) {
  GroupData g;
  g.name = name;
  g.inputs.emplace_back();
  for (std::size_t i = 0; i < target.size(); ++i) {
    g.inputs[0].push_back(static_cast<double>(i + 1));
    g.lines.push_back(i + 2);
  }
  g.target = std::move(target);
  return g;
}

Law linear_law() {
  return parse_law(R"({"name": "line", "formula": "a / x + b", "inputs": {"x": "x"}, "target": "y",
                       "params": [{"name": "a", "lower": -10, "upper": 10, "init": 1},
                                  {"name": "b", "lower": -10, "upper": 10, "init": 0}]})",
                   "line.json");
}

TEST(Metrics, SplitScoresPredictEachTestGroupWithItsTrainingGroupsFit) {
  const Law law = linear_law();
  const auto compiled = compile_law(law);
  Dataset train{"train.csv", {}, {linear_group("u", {1, 2, 3}), linear_group("v", {1, 2, 3})}};
  Dataset test{"test.csv", {}, {linear_group("v", {2, 1.5, 4}), linear_group("u", {1, 2, 2})}};
  // u: 1/x + 1, v: 2/x + 0; the test's v rows predicted by v's fit, then u's by u's.
  const SplitScores split = score_split(test, train, *compiled, {{1, 1}, {2, 0}});
  ASSERT_EQ(split.error, "");
  const std::vector<double> predictions = {2, 1, 2.0 / 3, 2, 1.5, 1.0 + 1.0 / 3};
  const Scores want = score(std::vector<double>{2, 1.5, 4, 1, 2, 2}, predictions);
  EXPECT_EQ(split.scores.r2, want.r2);
  EXPECT_EQ(split.scores.nmae, want.nmae);
  EXPECT_EQ(split.scores.n, 6u);
}

TEST(Metrics, SplitScoresNameTheRowOfANonFinitePredictionAndTheFileOfAMissingGroup) {
  const Law law = linear_law();
  const auto compiled = compile_law(law);
  Dataset train{"train.csv", {}, {linear_group("u", {1, 2, 3})}};
  GroupData zero = linear_group("u", {1, 2, 3});
  zero.inputs[0][1] = 0.0;  // a / 0 on the row of line 3
  const SplitScores split = score_split(Dataset{"test.csv", {}, {zero}}, train, *compiled, {{1, 1}});
  EXPECT_EQ(split.error, "test.csv:3: the prediction for group 'u' is inf");
  EXPECT_TRUE(std::isnan(split.scores.r2));

  const SplitScores constant =
      score_split(Dataset{"test.csv", {}, {linear_group("u", {2, 2, 2})}}, train, *compiled, {{1, 1}});
  EXPECT_EQ(constant.error, "test.csv: the test targets are constant, so r2, nmse and nmae are undefined");

  try {
    score_split(Dataset{"test.csv", {}, {linear_group("w", {1, 2, 3})}}, train, *compiled, {{1, 1}});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "test.csv:2: group 'w' does not appear in the training data train.csv");
  }
}

}  // namespace
}  // namespace slfit
