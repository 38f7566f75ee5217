// Bootstrap resampling: the addressed draws (pinned, so that the CUDA backend can be checked
// against the same numbers), strata, and the summary's handling of failed fits.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "slfit/bootstrap_summary.hpp"
#include "slfit/resample.hpp"
#include "slfit/law_io.hpp"
#include "slfit/resample_draw.hpp"

namespace slfit {
namespace {

GroupData numbered_group(std::size_t n) {
  GroupData g;
  g.name = "g";
  g.inputs.assign(1, {});
  for (std::size_t i = 0; i < n; ++i) {
    g.inputs[0].push_back(static_cast<double>(i + 1));
    g.target.push_back(static_cast<double>(i));
    g.lines.push_back(i + 2);
  }
  return g;
}

TEST(BootstrapResample, DrawsArePinnedToTheirPhiloxAddress) {
  // Known answers: any backend that draws resamples must reproduce these.
  const std::uint32_t expected[] = {11, 10, 13, 4, 10, 7};
  const std::uint32_t ks[] = {0, 1, 2, 511, 512, 513};  // 512 and on: the next generation of the site
  for (int i = 0; i < 6; ++i) EXPECT_EQ(resample_draw(42, 0, 0, 0, ks[i], 18), expected[i]) << "k = " << ks[i];
  EXPECT_EQ(resample_draw(7, 1, 1999, 3, 0, 240), 193u);
  EXPECT_EQ(resample_draw(7, 1, 1999, 3, 2, 240), 197u);
  // Streams of replicates and jackknife fits never meet each other or a full-data fit's.
  EXPECT_NE(replicate_stream(0, 5), jackknife_stream(0, 5));
  EXPECT_NE(replicate_stream(0, 0), 0u);
  EXPECT_NE(replicate_stream(1, 0), replicate_stream(0, 0));
}

TEST(BootstrapResample, ReplicatesDifferAndEachIsRegeneratedAlone) {
  const GroupData group = numbered_group(30);
  const Strata strata = single_stratum(group);
  const std::vector<std::uint32_t> r3 = resample_rows(42, 0, 3, strata);
  EXPECT_EQ(r3.size(), 30u);
  EXPECT_EQ(resample_rows(42, 0, 3, strata), r3);  // no hidden state: the same address, the same rows
  EXPECT_NE(resample_rows(42, 0, 4, strata), r3);
  EXPECT_NE(resample_rows(43, 0, 3, strata), r3);
  EXPECT_NE(resample_rows(42, 1, 3, strata), r3);
  // With replacement: some rows repeat (the chance that 30 draws from 30 are all distinct is ~1e-12).
  std::vector<std::uint32_t> sorted = r3;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_NE(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
}

TEST(BootstrapResample, StrataKeepTheirSizesAndRows) {
  const GroupData group = numbered_group(10);
  // Lines 2..11; strata "a" (lines 2, 5, 8, 11), "b" (3, 6, 9), "c" (4, 7, 10), interleaved.
  std::vector<std::string> label_of_line(12);
  for (std::size_t line = 2; line < 12; ++line) label_of_line[line] = std::string(1, static_cast<char>('a' + (line - 2) % 3));
  const Strata strata = strata_by_label(group, label_of_line);
  ASSERT_EQ(strata.labels, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(strata.rows[0], (std::vector<std::uint32_t>{0, 3, 6, 9}));
  for (std::uint32_t r = 0; r < 50; ++r) {
    const std::vector<std::uint32_t> rows = resample_rows(1, 0, r, strata);
    ASSERT_EQ(rows.size(), 10u);
    // Stratum after stratum: 4 rows of a, then 3 of b, then 3 of c.
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const std::uint32_t stratum = k < 4 ? 0 : k < 7 ? 1 : 2;
      EXPECT_EQ(rows[k] % 3, stratum) << "replicate " << r << " position " << k;
    }
  }
  const GroupData taken = take_rows(group, {2, 2, 5});
  EXPECT_EQ(taken.target, (std::vector<double>{2, 2, 5}));
  EXPECT_EQ(taken.lines, (std::vector<std::size_t>{4, 4, 7}));
  EXPECT_EQ(leave_one_out(group, 0).target.front(), 1.0);
  EXPECT_EQ(leave_one_out(group, 0).size(), 9u);
}

TEST(BootstrapSummary, FailedFitsAreCountedAndEnterNoStatistic) {
  const Law law = parse_law(R"({"name": "line", "formula": "a + b * x", "inputs": {"x": "x"},
                                "params": [{"name": "a", "lower": -10, "upper": 10},
                                           {"name": "b", "lower": -10, "upper": 10}]})",
                            "test");
  const auto compiled = compile_law(law);
  FitResult full;
  full.params = {1.0, 2.0};
  std::vector<TaskFit> replicates;
  const double inf = std::numeric_limits<double>::infinity();
  for (std::uint32_t r = 0; r < 6; ++r) {
    const bool failed = r == 1 || r == 4;
    // A failed fit's parameters are wild, so that keeping them would show in the mean.
    replicates.push_back(TaskFit{{0, FitKind::Replicate, r}, {failed ? 1e6 : 1.0 + 0.1 * r, 2.0 - 0.1 * r},
                                 failed ? inf : 0.5, failed ? FitStatus::NoFiniteValue : FitStatus::Converged});
  }
  GroupData points;
  points.inputs = {{10.0}};
  points.target = {0.0};
  points.lines = {0};
  const GroupSummary s = summarize_group(*compiled, full, replicates, {}, points, IntervalMethod::Percentile, 0.9);
  EXPECT_EQ(s.failed, 2u);
  ASSERT_EQ(s.params.size(), 2u);
  EXPECT_EQ(s.params[0].used, 4u);
  EXPECT_NEAR(s.params[0].mean, 1.0 + 0.1 * (0 + 2 + 3 + 5) / 4.0, 1e-15);
  EXPECT_EQ(s.params[0].estimate, 1.0);
  ASSERT_EQ(s.predictions.size(), 1u);
  EXPECT_EQ(s.predictions[0].used, 4u);
  EXPECT_DOUBLE_EQ(s.predictions[0].estimate, 21.0);
  // b = 2 - 0.1 r and a = 1 + 0.1 r move in opposite directions: correlation -1.
  EXPECT_NEAR(s.correlation[0][1], -1.0, 1e-12);
  EXPECT_NEAR(s.covariance[0][0], s.covariance[1][1], 1e-15);
}

}  // namespace
}  // namespace slfit
