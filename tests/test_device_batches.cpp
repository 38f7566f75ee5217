// The batches of the device tests (tests/cuda_test_batch.hpp), built and checked without a GPU:
// the device tests run only in the rare GPU session, so a batch that cannot be built (a law read
// with another law's columns) or is malformed must fail here, in CI.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "cuda_test_batch.hpp"
#include "engine/pipeline.hpp"
#include "engine/separable_splits.hpp"
#include "slfit/objective.hpp"

namespace slfit {
namespace {

// Problem `p` is a well-formed problem of `law`: its law, compiled law and options; data with a
// column per variable and at least one row per parameter; resolved, ordered, finite bounds with
// the initial point inside; and a finite objective there.
void expect_well_formed(const Problem& p, const std::string& law, const FitOptions& options,
                        const std::string& where) {
  SCOPED_TRACE(where);
  ASSERT_NE(p.law, nullptr);
  EXPECT_EQ(p.law->name, law);
  ASSERT_TRUE(p.compiled);
  ASSERT_NE(p.data, nullptr);
  const std::size_t d = p.law->params.size();
  EXPECT_GE(p.data->size(), d);
  ASSERT_EQ(p.data->inputs.size(), p.law->variables.size());
  for (const std::vector<double>& column : p.data->inputs) EXPECT_EQ(column.size(), p.data->size());
  EXPECT_EQ(p.options.de.maxiter, options.de.maxiter);
  EXPECT_EQ(p.options.seed, options.seed);
  ASSERT_EQ(p.bounds.lower.size(), d);
  ASSERT_EQ(p.bounds.upper.size(), d);
  ASSERT_EQ(p.bounds.init.size(), d);
  for (std::size_t j = 0; j < d; ++j) {
    EXPECT_TRUE(std::isfinite(p.bounds.lower[j]) && std::isfinite(p.bounds.upper[j])) << "parameter " << j;
    EXPECT_LT(p.bounds.lower[j], p.bounds.upper[j]) << "parameter " << j;
    EXPECT_GE(p.bounds.init[j], p.bounds.lower[j]) << "parameter " << j;
    EXPECT_LE(p.bounds.init[j], p.bounds.upper[j]) << "parameter " << j;
  }
  Objective objective(p.compiled, *p.data, p.objective);
  EXPECT_TRUE(std::isfinite(objective.value(p.bounds.init)));
}

// `batch` holds `resamples` problems of each of `laws`, in that order, each well formed, on its
// own resample (stream r on resample r).
void expect_batch(const test::Batch& batch, std::size_t resamples, const std::vector<std::string>& laws) {
  ASSERT_EQ(batch.laws.size(), laws.size());
  ASSERT_EQ(batch.problems.size(), laws.size());
  for (std::size_t k = 0; k < laws.size(); ++k) {
    EXPECT_EQ(batch.laws[k].name, laws[k]);
    const std::vector<Problem>& problems = batch.of(laws[k]);
    ASSERT_EQ(problems.size(), resamples) << laws[k];
    for (std::size_t r = 0; r < resamples; ++r) {
      const Problem& p = problems[r];
      EXPECT_EQ(p.stream, r);
      EXPECT_EQ(p.data, batch.groups[k][r]);
      expect_well_formed(p, laws[k], batch.options, laws[k] + " resample " + std::to_string(r));
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

TEST(DeviceBatches, EveryBuiltinLawHasDataWithItsOwnColumns) {
  // Each law's group, read with the law's own columns: no law borrows another's data file.
  for (const std::string& name : builtin_law_names()) {
    SCOPED_TRACE(name);
    const Law law = load_law(name);
    GroupData group;
    ASSERT_NO_THROW(group = test::law_group(law));
    EXPECT_EQ(group.name, test::law_data(name).group);
    EXPECT_GE(group.size(), 10u);
  }
  EXPECT_EQ(test::law_data("parallel_power").file, "examples/parscale/train.csv");
  EXPECT_EQ(test::law_data("parscale").file, "examples/parscale/train.csv");
  EXPECT_EQ(test::law_data("chinchilla").file, "examples/chinchilla/train.csv");
  EXPECT_THROW(test::law_data("no_such_law"), std::invalid_argument);
}

TEST(DeviceBatches, ResamplesDrawRowsOfTheGroupWithReplacement) {
  const Law law = load_law("parscale");
  const GroupData group = test::law_group(law);
  const GroupData a = test::resample(group, 42, 0), b = test::resample(group, 42, 1);
  ASSERT_EQ(a.size(), group.size());
  EXPECT_NE(a.target, b.target);  // each resample its own stream
  EXPECT_EQ(test::resample(group, 42, 0).target, a.target);
  for (std::size_t i = 0; i < a.size(); ++i) {
    // Every row of a resample is a row of the group, all of its columns together.
    bool found = false;
    for (std::size_t k = 0; k < group.size() && !found; ++k)
      found = group.target[k] == a.target[i] && group.inputs[0][k] == a.inputs[0][i] &&
              group.inputs[1][k] == a.inputs[1][i];
    EXPECT_TRUE(found) << "row " << i;
  }
}

TEST(DeviceBatches, DeComparisonBatchIs400ResamplesOfEveryBuiltinLaw) {
  const test::Batch batch = test::de_comparison_batch();
  EXPECT_EQ(batch.options.de.maxiter, FitOptions{}.de.maxiter);
  expect_batch(batch, 400, builtin_law_names());
}

TEST(DeviceBatches, SeparableComparisonBatchSolvesTheLinearParametersOfEveryBuiltinLaw) {
  const test::Batch batch = test::separable_comparison_batch();
  expect_batch(batch, 400, builtin_law_names());
  for (const auto& problems : batch.problems) {
    const std::optional<SeparableForm> form = separable_search(problems.front());
    ASSERT_TRUE(form.has_value()) << problems.front().law->name;
    EXPECT_FALSE(form->nonlinear.empty()) << problems.front().law->name;
    const SeparableSplits splits(problems);
    EXPECT_TRUE(device_runs_de(problems.front(), splits.of(problems.front()))) << problems.front().law->name;
  }
}

TEST(DeviceBatches, ImmediateComparisonBatchUpdatesImmediatelyOnTheDevice) {
  const test::Batch batch = test::immediate_comparison_batch();
  expect_batch(batch, 400, builtin_law_names());
  EXPECT_EQ(batch.options.de.updating, Updating::Immediate);
  for (const auto& problems : batch.problems) {
    const SeparableSplits splits(problems);
    EXPECT_TRUE(device_runs_de(problems.front(), splits.of(problems.front()))) << problems.front().law->name;
  }
}

TEST(DeviceBatches, MixedLawBatchIs20ResamplesOfEveryBuiltinLawAt40Generations) {
  const test::Batch batch = test::mixed_law_batch();
  EXPECT_EQ(batch.options.de.maxiter, 40);
  expect_batch(batch, 20, builtin_law_names());
  // Laws of distinct structures, so that the interleaved batch needs a launch per law.
  std::set<std::string> formulas;
  for (const Law& law : batch.laws) formulas.insert(law.formula);
  EXPECT_EQ(formulas.size(), builtin_law_names().size());
}

TEST(DeviceBatches, SurfaceBatchIs3ResamplesOfEveryBuiltinLaw) {
  expect_batch(test::surface_batch(), 3, builtin_law_names());
}

TEST(DeviceBatches, SpeedBatchIsTheSeedsLawOn10000ResamplesOfParscalePile) {
  const test::Batch batch = test::speed_batch();
  EXPECT_STREQ(test::kSpeedLaw, "parallel_power");
  EXPECT_EQ(batch.options.de.maxiter, FitOptions{}.de.maxiter);
  expect_batch(batch, 10000, {"parallel_power"});
  EXPECT_EQ(batch.groups[0][0]->name, "pile");
  EXPECT_THROW(batch.of("parscale"), std::invalid_argument);
}

TEST(DeviceBatches, MillionProblemsAreTheParscaleLawOnParscalePile) {
  const test::SingleGroup million(test::kMillionLaw, test::million_options());
  EXPECT_EQ(million.law().name, "parscale");
  EXPECT_EQ(million.group().name, "pile");
  EXPECT_EQ(test::million_options().de.maxiter, 3);
  EXPECT_FALSE(separable_search(million.problem(0)).has_value());  // the full search its CPU reference runs
  EXPECT_EQ(test::kMillionProblems, 1000000u);
  // The test's problems differ only in their streams: the first, one in the middle, the last.
  for (std::uint64_t k : {std::uint64_t{0}, std::uint64_t{524287}, test::kMillionProblems - 1}) {
    const Problem p = million.problem(k);
    EXPECT_EQ(p.stream, k);
    EXPECT_EQ(p.data.get(), &million.group());
    expect_well_formed(p, "parscale", test::million_options(), "stream " + std::to_string(k));
  }
}

}  // namespace
}  // namespace slfit
