// fit_batch's contract with its caller: a problem that throws becomes a Failed result and the
// others are fitted; progress reaches the caller once per problem, on the caller's thread.

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "cuda_test_batch.hpp"
#include "slfit/error.hpp"
#include "slfit/fit.hpp"

namespace slfit {
namespace {

TEST(FitBatch, AFailingProblemIsAStatusWithItsErrorAndTheOthersAreFitted) {
  const test::Batch batch = test::mixed_law_batch();
  std::vector<Problem> problems(batch.problems[1].begin(), batch.problems[1].begin() + 6);
  problems[2].options.de.popsize = 1000000;  // a population over the limit: the DE throws
  std::vector<int> reported(problems.size(), 0);
  const std::thread::id caller = std::this_thread::get_id();
  BatchOptions options;
  options.threads = 2;
  options.on_problem_done = [&](std::size_t i) {
    ++reported[i];
    EXPECT_EQ(std::this_thread::get_id(), caller) << "progress from another thread";
  };
  const std::vector<FitResult> results = fit_batch(problems, options);
  for (std::size_t i = 0; i < problems.size(); ++i) {
    EXPECT_EQ(reported[i], 1) << "problem " << i;
    if (i == 2) continue;
    EXPECT_NE(results[i].status, FitStatus::Failed) << "problem " << i;
    EXPECT_EQ(results[i].params, fit_problem(problems[i]).params) << "problem " << i;
  }
  EXPECT_EQ(results[2].status, FitStatus::Failed);
  EXPECT_STREQ(to_string(results[2].status), "failed");
  EXPECT_NE(results[2].error.find("exceeds the limit of 2^20 members"), std::string::npos) << results[2].error;
  // The original exception, for callers whose exit code depends on its kind.
  EXPECT_THROW(rethrow_first_failure(results), OptionError);
}

}  // namespace
}  // namespace slfit
