// The engine's device batch loop (fit_batch_on_runner, de_on_runner, fit_batch_on) over a runner
// that runs its DE on the host: the launch groups, the chunking, the halving of a chunk the
// device has no memory for, the overlap bookkeeping and the result slots are the engine's, and
// are tested here without a GPU. The host DE is the CPU backend's, so every result must equal
// fit_batch's bit for bit.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>

#include "cuda_test_batch.hpp"
#include "engine/pipeline.hpp"
#include "slfit/surface.hpp"
#include "optim/differential_evolution.hpp"
#include "slfit/backend.hpp"
#include "slfit/de_runner.hpp"

namespace slfit {
namespace {

// What the runner saw, for the assertions.
struct RunnerLog {
  int prepared = 0;
  int opened = 0;
  std::vector<std::size_t> attempted;  // every launch's chunk size, refused ones included
  std::vector<std::size_t> launched;   // the accepted ones
};

// The DE on the host, as a device would run it (de_stage): a chunk larger than `memory` problems is refused
// as if the device were out of memory.
class HostDeProgram final : public DeProgram {
 public:
  HostDeProgram(std::size_t capacity, std::size_t memory, RunnerLog& log, std::size_t fault_at)
      : capacity_(capacity), memory_(memory), fault_at_(fault_at), log_(log) {}

  std::size_t capacity(std::span<const Problem>) const override { return capacity_; }

  bool launch(std::span<const Problem> chunk) override {
    if (!in_flight_.empty()) throw std::logic_error("a chunk is already in flight");
    log_.attempted.push_back(chunk.size());
    if (chunk.size() > memory_) return false;
    if (log_.launched.size() == fault_at_)
      throw std::runtime_error("the device faulted at launch " + std::to_string(fault_at_));
    log_.launched.push_back(chunk.size());
    for (const Problem& p : chunk) in_flight_.push_back(de_stage(p));
    timing_.de += 1.0;  // one "second" per launch, to see the engine sum it
    return true;
  }

  std::vector<DEOutcome> collect() override {
    if (in_flight_.empty()) throw std::logic_error("no chunk in flight");
    return std::exchange(in_flight_, {});
  }

  BatchTiming timing() const override { return timing_; }

 private:
  std::size_t capacity_, memory_, fault_at_;
  RunnerLog& log_;
  std::vector<DEOutcome> in_flight_;
  BatchTiming timing_;
};

// Groups problems by law, as the CUDA runner groups them by generated source. A program's launch
// number `fault_at` (counting from 0, accepted launches only) throws, as a faulting device would.
class HostDeRunner final : public DeRunner {
 public:
  HostDeRunner(std::size_t capacity, std::size_t memory, RunnerLog& log, std::size_t fault_at = SIZE_MAX)
      : capacity_(capacity), memory_(memory), fault_at_(fault_at), log_(log) {}

  std::string description() const override { return "the host, as a device"; }

  std::vector<std::vector<std::size_t>> launch_groups(std::span<const Problem> problems) const override {
    std::map<const Law*, std::size_t> group_of;  // the batch's problems of one law share its Law
    std::vector<std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < problems.size(); ++i) {
      const auto [it, fresh] = group_of.try_emplace(problems[i].law.get(), groups.size());
      if (fresh) groups.emplace_back();
      groups[it->second].push_back(i);
    }
    return groups;
  }

  void prepare(std::span<const Problem>, std::span<const std::vector<std::size_t>>, int) override {
    ++log_.prepared;
  }

  std::unique_ptr<DeProgram> open(const Problem&) override {
    ++log_.opened;
    return std::make_unique<HostDeProgram>(capacity_, memory_, log_, fault_at_);
  }

  std::vector<std::vector<double>> objective_values(std::span<const Problem> problems,
                                                    const std::vector<std::vector<double>>& points) override {
    std::vector<std::vector<double>> values;
    for (std::size_t i = 0; i < problems.size(); ++i) {
      Objective objective(problems[i].compiled, *problems[i].data, problems[i].objective);
      const std::size_t d = problems[i].bounds.lower.size();
      auto& v = values.emplace_back();
      for (std::size_t k = 0; k * d < points[i].size(); ++k)
        v.push_back(objective.value(std::span(points[i]).subspan(k * d, d)));
    }
    return values;
  }

 private:
  std::size_t capacity_, memory_, fault_at_;
  RunnerLog& log_;
};

// Every built-in law's problems interleaved, as a leaderboard's batch is: 3 laws x 12 resamples.
std::vector<Problem> interleaved(const test::Batch& batch, std::size_t resamples) {
  std::vector<Problem> mixed;
  for (std::size_t r = 0; r < resamples; ++r)
    for (const auto& problems : batch.problems) mixed.push_back(problems[r]);
  return mixed;
}

void expect_same_fits(const std::vector<FitResult>& got, const std::vector<FitResult>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].params, want[i].params) << "problem " << i;
    EXPECT_EQ(got[i].objective, want[i].objective) << "problem " << i;
    EXPECT_EQ(got[i].status, want[i].status) << "problem " << i;
    EXPECT_EQ(got[i].de.generations, want[i].de.generations) << "problem " << i;
    EXPECT_EQ(got[i].lbfgsb.iterations, want[i].lbfgsb.iterations) << "problem " << i;
  }
}

TEST(DeRunner, FitsEqualTheCpuBackendInBatchOrderWhateverTheChunks) {
  const test::Batch batch = test::mixed_law_batch();
  const std::vector<Problem> mixed = interleaved(batch, 12);
  // Capacity 5, memory for 3: every group's first launch of 5 is refused and halved to 2
  // (halving the refused count), then chunks of 2 follow.
  RunnerLog log;
  HostDeRunner runner(5, 3, log);
  std::vector<int> reported(mixed.size(), 0);
  BatchTiming timing;
  BatchOptions options;
  const std::thread::id caller = std::this_thread::get_id();
  options.on_problem_done = [&](std::size_t i) {
    ++reported[i];
    EXPECT_EQ(std::this_thread::get_id(), caller) << "progress from another thread";
  };
  options.timing = &timing;
  const std::vector<FitResult> on_runner = fit_batch_on_runner(runner, mixed, options);
  expect_same_fits(on_runner, fit_batch(mixed));

  for (std::size_t i = 0; i < mixed.size(); ++i) {
    EXPECT_EQ(reported[i], 1) << "problem " << i;
    EXPECT_NE(on_runner[i].status, FitStatus::Failed) << "problem " << i;
  }
  EXPECT_EQ(log.prepared, 1);
  EXPECT_EQ(log.opened, 3);  // one program per law
  for (std::size_t size : log.launched) EXPECT_LE(size, 3u);
  EXPECT_EQ(std::count(log.attempted.begin(), log.attempted.end(), 5u), 3);  // refused once per group
  std::size_t total = 0;
  for (std::size_t size : log.launched) total += size;
  EXPECT_EQ(total, mixed.size());
  EXPECT_EQ(timing.de, static_cast<double>(log.launched.size()));
  EXPECT_GT(timing.refine, 0.0);
}

TEST(DeRunner, DeOutcomesAreTheHostDeOfEachProblemInBatchOrder) {
  const test::Batch batch = test::mixed_law_batch();
  const std::vector<Problem> mixed = interleaved(batch, 4);
  RunnerLog log;
  HostDeRunner runner(1000, 1000, log);
  const std::vector<DEOutcome> out = de_on_runner(runner, mixed);
  ASSERT_EQ(out.size(), mixed.size());
  for (std::size_t i = 0; i < mixed.size(); ++i) {
    const Problem& p = mixed[i];
    Objective objective(p.compiled, *p.data, p.objective);
    const EnergyFunction energy = [&](std::span<const double> x) { return objective.value(x); };
    const DEOutcome want =
        differential_evolution(energy, p.bounds.lower, p.bounds.upper, p.options.de, p.options.seed, p.stream,
                                 p.bounds.log_scale);
    EXPECT_EQ(out[i].best, want.best) << "problem " << i;
    EXPECT_EQ(out[i].best_energy, want.best_energy) << "problem " << i;
  }
  EXPECT_EQ(log.launched, (std::vector<std::size_t>{4, 4, 4}));
}

// fit_batch_on over a device that runs the DE on the host: its fits are fit_batch's, the device
// ran `on_device` of the problems (the others, which it does not implement, ran on the host), and
// fit_batch_on_runner itself refuses a batch with such others.
std::vector<FitResult> expect_the_host_fits_the_rest(const std::vector<Problem>& mixed, std::size_t on_device) {
  RunnerLog log;
  const BackendChoice device{Backend::Cuda, std::make_shared<HostDeRunner>(1000, 1000, log)};
  std::vector<FitResult> fits = fit_batch_on(device, mixed, BatchOptions{});
  expect_same_fits(fits, fit_batch(mixed));
  std::size_t launched = 0;
  for (std::size_t size : log.launched) launched += size;
  EXPECT_EQ(launched, on_device);
  if (on_device < mixed.size()) EXPECT_THROW(fit_batch_on_runner(*device.runner, mixed), std::invalid_argument);
  return fits;
}

TEST(DeRunner, ProblemsWithoutADeStageRunOnTheHostUnderFitBatchOn) {
  const test::Batch batch = test::mixed_law_batch();
  std::vector<Problem> mixed = interleaved(batch, 4);
  for (std::size_t i = 0; i < mixed.size(); i += 3) mixed[i].options.pipeline = Pipeline::Local;
  expect_the_host_fits_the_rest(mixed, mixed.size() - (mixed.size() + 2) / 3);
}

TEST(DeRunner, ProblemsThatSolveLinearParametersExactlyRunOnTheDevice) {
  // Under --separable auto every built-in law solves some parameters exactly, and the device
  // searches the others: half the problems ask for it, and every fit is the CPU's.
  const test::Batch batch = test::mixed_law_batch();
  std::vector<Problem> mixed = interleaved(batch, 4);
  for (std::size_t i = 0; i < mixed.size(); i += 2) mixed[i].options.separable = Separable::Auto;
  const std::vector<FitResult> fits = expect_the_host_fits_the_rest(mixed, mixed.size());
  for (std::size_t i = 0; i < mixed.size(); ++i) {
    EXPECT_EQ(fits[i].separable.empty(), i % 2 == 1) << "problem " << i;
    EXPECT_TRUE(fits[i].de.ran) << "problem " << i;
  }
}

TEST(DeRunner, ALawLinearInEveryParameterIsSolvedOnTheHost) {
  // Nothing is left to search: the linear solve alone is the fit, with no DE, on the host.
  const Law law = parse_law(R"({"name": "line", "inputs": {"N": "N"}, "target": "y", "formula": "a * N + d",
    "params": [{"name": "a", "lower": -5, "upper": 5}, {"name": "d", "lower": -5, "upper": 5}]})", "line.json");
  const auto compiled = compile_law(law);
  const test::Batch batch = test::mixed_law_batch();
  std::vector<Problem> mixed = interleaved(batch, 2);
  GroupData line;
  line.name = "line";
  line.inputs.resize(1);
  for (int i = 0; i < 12; ++i) {
    line.inputs[0].push_back(1.0 + i);
    line.target.push_back(0.5 * (1.0 + i) - 2.0 + 0.01 * (i % 3));
    line.lines.push_back(static_cast<std::size_t>(i + 2));
  }
  FitOptions options;
  options.separable = Separable::Auto;
  mixed.push_back(test::make_problem(law, compiled, line, options, 0));
  const std::vector<FitResult> fits = expect_the_host_fits_the_rest(mixed, mixed.size() - 1);
  EXPECT_FALSE(fits.back().de.ran);
  EXPECT_EQ(fits.back().separable, (std::vector<int>{0, 1}));
}

TEST(DeRunner, ProblemsThatUpdateImmediatelyRunOnTheDevice) {
  const test::Batch batch = test::mixed_law_batch();
  std::vector<Problem> mixed = interleaved(batch, 4);
  for (std::size_t i = 0; i < mixed.size(); i += 3) mixed[i].options.de.updating = Updating::Immediate;
  expect_the_host_fits_the_rest(mixed, mixed.size());
}

TEST(DeRunner, ADeviceWithoutMemoryForOneProblemFailsEveryProblemOfTheGroup) {
  const test::Batch batch = test::mixed_law_batch();
  RunnerLog log;
  HostDeRunner runner(8, 0, log);
  const std::vector<FitResult> results = fit_batch_on_runner(runner, batch.problems[0]);
  ASSERT_EQ(results.size(), batch.problems[0].size());
  for (const FitResult& r : results) {
    EXPECT_EQ(r.status, FitStatus::Failed);
    EXPECT_EQ(r.error, "slfit: out of device memory for a single problem");
  }
  EXPECT_EQ(log.attempted, (std::vector<std::size_t>{8, 4, 2, 1}));
  EXPECT_THROW(rethrow_first_failure(results), std::runtime_error);
}

TEST(DeRunner, ADeviceThatFailsMidwayKeepsTheFitsItFinishedAndFailsTheRest) {
  // Chunks of 4; the third launch throws: the first chunk was refined while the second ran, the
  // second's outcomes were collected but not refined, and nothing else ran.
  const test::Batch batch = test::mixed_law_batch();
  const std::vector<Problem>& problems = batch.problems[0];  // 20 problems of one law
  RunnerLog log;
  HostDeRunner runner(4, 4, log, 2);
  std::vector<int> reported(problems.size(), 0);
  BatchOptions options;
  options.on_problem_done = [&](std::size_t i) { ++reported[i]; };
  const std::vector<FitResult> results = fit_batch_on_runner(runner, problems, options);
  const std::vector<FitResult> cpu = fit_batch(std::span(problems).subspan(0, 4));
  for (std::size_t i = 0; i < problems.size(); ++i) {
    EXPECT_EQ(reported[i], 1) << "problem " << i;
    if (i < 4) {
      EXPECT_EQ(results[i].params, cpu[i].params) << "problem " << i;
    } else {
      EXPECT_EQ(results[i].status, FitStatus::Failed) << "problem " << i;
      EXPECT_EQ(results[i].error, "the device faulted at launch 2") << "problem " << i;
    }
  }
}

TEST(DeRunner, ObjectiveValuesGoToTheChosenRunner) {
  const test::Batch batch = test::surface_batch();
  const std::vector<Problem>& problems = batch.problems[0];
  std::vector<std::vector<double>> points;
  for (const Problem& p : problems) points.push_back(p.bounds.init);
  RunnerLog log;
  const BackendChoice device{Backend::Cuda, std::make_shared<HostDeRunner>(1, 1, log)};
  const auto on_device = objective_values(problems, points, device, 1);
  const auto on_host = objective_values(problems, points, BackendChoice{}, 1);
  EXPECT_EQ(on_device, on_host);
}

}  // namespace
}  // namespace slfit
