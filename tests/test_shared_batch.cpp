// A batch shared among ranks (engine/shared_batch.hpp, slfit/ranks.hpp), with threads of this
// process standing in for the ranks of an MPI job (the MPI transport itself is tested end to end
// by tests/test_mpi_cli.cpp): every rank gets every result, equal to one process's; rank 0 hears
// of every problem once; a rank whose share throws fails every rank, and each says whose failure
// it was.

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <numeric>
#include <thread>
#include <vector>

#include "cuda_test_batch.hpp"
#include "engine/shared_batch.hpp"
#include "slfit/error.hpp"

namespace slfit {
namespace {

// What the ranks of a job share: the exchange's meeting point, and the progress posted to rank 0.
class ThreadJob {
 public:
  explicit ThreadJob(int size) : size_(size), slots_(static_cast<std::size_t>(size)) {}
  int size() const { return size_; }

  std::vector<std::string> exchange(int rank, const std::string& mine) {
    std::unique_lock<std::mutex> lock(mutex_);
    slots_[static_cast<std::size_t>(rank)] = mine;
    if (++arrived_ == size_) {
      gathered_ = slots_;
      arrived_ = 0;
      ++generation_;
      met_.notify_all();
    } else {
      const int generation = generation_;
      met_.wait(lock, [&] { return generation_ != generation; });
    }
    return gathered_;
  }
  void post(std::uint64_t index) {
    const std::lock_guard<std::mutex> lock(mutex_);
    posted_.push_back(index);
  }
  std::vector<std::uint64_t> take_posted() {
    const std::lock_guard<std::mutex> lock(mutex_);
    return std::exchange(posted_, {});
  }

 private:
  const int size_;
  std::mutex mutex_;
  std::condition_variable met_;
  int arrived_ = 0, generation_ = 0;
  std::vector<std::string> slots_, gathered_;
  std::vector<std::uint64_t> posted_;
};

class ThreadRanks final : public Ranks {
 public:
  ThreadRanks(ThreadJob& job, int rank) : job_(job), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return job_.size(); }
  int local_rank() const override { return rank_; }
  int cores() const override { return 1; }
  std::vector<std::string> exchange(const std::string& mine, const ProgressSink& on_progress) override {
    std::vector<std::string> all = job_.exchange(rank_, mine);
    poll_progress(on_progress);  // everything posted before the exchange has arrived
    return all;
  }
  void post_progress(std::uint64_t index) override {
    if (rank_ != 0) job_.post(index);
  }
  void poll_progress(const ProgressSink& on_progress) override {
    if (rank_ != 0) return;
    const std::vector<std::uint64_t> posted = job_.take_posted();
    if (on_progress && !posted.empty()) on_progress(posted);
  }

 private:
  ThreadJob& job_;
  const int rank_;
};

// Runs `body(ranks)` on `size` threads, one rank each; returns each rank's outcome.
template <class Body>
std::vector<std::exception_ptr> run_job(int size, Body body) {
  ThreadJob job(size);
  std::vector<std::exception_ptr> failures(static_cast<std::size_t>(size));
  std::vector<std::thread> threads;
  for (int r = 0; r < size; ++r)
    threads.emplace_back([&, r] {
      ThreadRanks ranks(job, r);
      try {
        body(ranks);
      } catch (...) {
        failures[static_cast<std::size_t>(r)] = std::current_exception();
      }
    });
  for (std::thread& t : threads) t.join();
  return failures;
}

std::vector<Problem> some_problems() {
  const test::Batch batch = test::mixed_law_batch();
  return std::vector<Problem>(batch.problems[1].begin(), batch.problems[1].begin() + 7);
}

const FitShare kFitHere = [](std::span<const Problem> share, const BatchOptions& options) {
  return fit_batch(share, options);
};

TEST(SharedBatch, EveryRankGetsEveryResultAsOneProcessFitsThem) {
  const std::vector<Problem> problems = some_problems();
  BatchOptions alone_options;
  alone_options.threads = 1;
  const std::vector<FitResult> alone = fit_batch(problems, alone_options);
  for (const Dealing dealing : {Dealing::Interleaved, Dealing::Contiguous})
    for (int size : {1, 2, 3, 9}) {  // 9 ranks for 7 problems: some ranks have none
      std::vector<std::vector<FitResult>> got(static_cast<std::size_t>(size));
      std::vector<std::size_t> heard;
      const auto failures = run_job(size, [&](Ranks& ranks) {
        BatchOptions options;
        options.threads = 1;
        if (ranks.rank() == 0) options.on_problem_done = [&](std::size_t i) { heard.push_back(i); };
        got[static_cast<std::size_t>(ranks.rank())] = fit_batch_shared(ranks, problems, options, dealing, kFitHere);
      });
      for (int r = 0; r < size; ++r) {
        ASSERT_FALSE(failures[static_cast<std::size_t>(r)]) << "rank " << r;
        const std::vector<FitResult>& results = got[static_cast<std::size_t>(r)];
        ASSERT_EQ(results.size(), problems.size());
        for (std::size_t i = 0; i < problems.size(); ++i) {
          EXPECT_EQ(results[i].params, alone[i].params) << size << " ranks, rank " << r << ", problem " << i;
          EXPECT_EQ(results[i].objective, alone[i].objective);
          EXPECT_EQ(results[i].de.evaluations, alone[i].de.evaluations);
          EXPECT_EQ(results[i].lbfgsb.status, alone[i].lbfgsb.status);
        }
      }
      std::sort(heard.begin(), heard.end());
      std::vector<std::size_t> every(problems.size());
      std::iota(every.begin(), every.end(), 0);
      EXPECT_EQ(heard, every) << "rank 0 hears of each problem once, at " << size << " ranks";
    }
}

TEST(SharedBatch, AProblemThatFailsIsAResultOfItsKindOnEveryRank) {
  std::vector<Problem> problems = some_problems();
  problems[6].options.de.popsize = 1000000;  // over the limit: the DE throws an OptionError
  std::vector<std::vector<FitResult>> got(3);
  const auto failures = run_job(3, [&](Ranks& ranks) {
    got[static_cast<std::size_t>(ranks.rank())] = fit_batch_shared(ranks, problems, {}, Dealing::Interleaved, kFitHere);
  });
  for (std::size_t r = 0; r < 3; ++r) {
    ASSERT_FALSE(failures[r]);
    EXPECT_EQ(got[r][6].status, FitStatus::Failed);
    EXPECT_NE(got[r][5].status, FitStatus::Failed);
    EXPECT_THROW(rethrow_first_failure(got[r]), OptionError) << "rank " << r;
  }
}

TEST(SharedBatch, AShareThatThrowsFailsEveryRankNamingIt) {
  const std::vector<Problem> problems = some_problems();
  const auto failures = run_job(3, [&](Ranks& ranks) {
    (void)fit_batch_shared(ranks, problems, {}, Dealing::Contiguous,
                           [&](std::span<const Problem> share, const BatchOptions& options) {
                             if (ranks.rank() == 2) throw std::runtime_error("the device fell off the bus");
                             return fit_batch(share, options);
                           });
  });
  for (int r = 0; r < 3; ++r) {
    ASSERT_TRUE(failures[static_cast<std::size_t>(r)]) << "rank " << r << " went on";
    try {
      std::rethrow_exception(failures[static_cast<std::size_t>(r)]);
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), r == 2 ? "the device fell off the bus" : "rank 2: the device fell off the bus");
    }
  }
}

TEST(SharedBatch, TheFirstFailureInRankOrderWins) {
  const auto failures = run_job(3, [&](Ranks& ranks) {
    std::exception_ptr mine;
    if (ranks.rank() >= 1) mine = std::make_exception_ptr(InputError("bad on " + std::to_string(ranks.rank())));
    (void)exchange_or_throw(ranks, "ok", nullptr, mine);
  });
  for (int r = 0; r < 3; ++r) {
    try {
      std::rethrow_exception(failures[static_cast<std::size_t>(r)]);
    } catch (const InputError& e) {  // the kind crosses ranks: exit code 2 everywhere
      EXPECT_STREQ(e.what(), r == 1 ? "bad on 1" : "rank 1: bad on 1") << "rank " << r;
    }
  }
}

}  // namespace
}  // namespace slfit
