// The bytes the ranks of an MPI job exchange (engine/wire.hpp): results and failures read back as
// they were written, bit for bit, with their kinds, whatever the job's size.

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

#include "engine/wire.hpp"
#include "slfit/error.hpp"

namespace slfit {
namespace {

TEST(Wire, ResultsReadBackBitForBit) {
  FitResult a;
  a.params = {1.5, -0.0, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::quiet_NaN()};
  a.separable = {0, 3};
  a.objective = 1e-300;
  a.r2_train = std::numeric_limits<double>::quiet_NaN();
  a.status = FitStatus::MaxIter;
  a.de = {true, 17, 12345678901LL, true, 0.25};
  a.lbfgsb = {true, 2, 40, 77, "converged: ftol", 1e-12};
  a.newton = {true, 3, 21, "converged: gtol", 2e-15};
  a.restarts = {true, 3, 4e-9};
  a.seconds = 0.125;
  FitResult b;
  b.status = FitStatus::Failed;
  b.error = "data.csv:3: not a number";
  b.failure = std::make_exception_ptr(InputError(b.error));
  const std::vector<FitResult> written = {a, b, FitResult{}};

  Writer w;
  write_results(w, written);
  write_timing(w, BatchTiming{1, 2, 3, 4, 5});
  const std::string bytes = w.take();
  Reader in(bytes);
  const std::vector<FitResult> read = read_results(in);
  const BatchTiming timing = read_timing(in);
  EXPECT_TRUE(in.done());

  ASSERT_EQ(read.size(), 3u);
  ASSERT_EQ(read[0].params.size(), a.params.size());
  for (std::size_t i = 0; i < a.params.size(); ++i)
    EXPECT_EQ(std::bit_cast<std::uint64_t>(read[0].params[i]), std::bit_cast<std::uint64_t>(a.params[i])) << i;
  EXPECT_EQ(read[0].separable, a.separable);
  EXPECT_EQ(read[0].objective, a.objective);
  EXPECT_TRUE(std::isnan(read[0].r2_train));
  EXPECT_EQ(read[0].status, FitStatus::MaxIter);
  EXPECT_EQ(read[0].de.evaluations, 12345678901LL);
  EXPECT_EQ(read[0].de.best, 0.25);
  EXPECT_EQ(read[0].lbfgsb.status, "converged: ftol");
  EXPECT_EQ(read[0].lbfgsb.rescaled_gain, 1e-12);
  EXPECT_EQ(read[0].newton.iterations, 3);
  EXPECT_EQ(read[0].newton.status, "converged: gtol");
  EXPECT_TRUE(read[0].restarts.ran);
  EXPECT_EQ(read[0].restarts.starts, 3);
  EXPECT_EQ(read[0].restarts.gain, 4e-9);
  EXPECT_EQ(read[0].seconds, 0.125);
  EXPECT_FALSE(read[0].failure);

  EXPECT_EQ(read[1].status, FitStatus::Failed);
  EXPECT_EQ(read[1].error, b.error);
  ASSERT_TRUE(read[1].failure);
  EXPECT_THROW(std::rethrow_exception(read[1].failure), InputError);  // the CLI's exit code follows the kind
  EXPECT_EQ(timing.refine, 5.0);
  EXPECT_EQ(timing.compile, 1.0);
}

TEST(Wire, FailuresKeepTheirKindAndNameTheRankTheyCameFrom) {
  const auto kind_and_words = [](const std::exception_ptr& e) -> std::pair<std::string, std::string> {
    try {
      std::rethrow_exception(e);
    } catch (const OptionError& x) {
      return {"option", x.field() + "|" + x.requirement()};
    } catch (const InputError& x) {
      return {"input", x.what()};
    } catch (const std::exception& x) {
      return {"other", x.what()};
    }
  };
  const std::string option = encode_error(std::make_exception_ptr(OptionError("de.popsize", "must be at least 1")));
  EXPECT_EQ(kind_and_words(decode_error(option, -1)),
            std::make_pair(std::string("option"), std::string("de.popsize|must be at least 1")));
  EXPECT_EQ(kind_and_words(decode_error(option, 2)),
            std::make_pair(std::string("input"), std::string("rank 2: de.popsize must be at least 1")));
  const std::string other = encode_error(std::make_exception_ptr(std::runtime_error("out of device memory")));
  EXPECT_EQ(kind_and_words(decode_error(other, 1)),
            std::make_pair(std::string("other"), std::string("rank 1: out of device memory")));
  EXPECT_EQ(kind_and_words(decode_error(encode_error(std::make_exception_ptr(InputError("x.csv:1: bad"))), -1)),
            std::make_pair(std::string("input"), std::string("x.csv:1: bad")));
}

TEST(Wire, AShortMessageIsAnErrorNotARead) {
  Writer w;
  w.u64(5);  // says five results follow; none do
  const std::string bytes = w.take();
  Reader in(bytes);
  EXPECT_THROW(read_results(in), std::runtime_error);
}

}  // namespace
}  // namespace slfit
