// The engine's half of a device backend (slfit/de_runner.hpp): launch groups, chunks, the overlap
// of the device's DE with the host's refinement, and the timing. The device's half is a DeRunner.

#include <algorithm>
#include <chrono>
#include <exception>
#include <stdexcept>

#include "engine/batch_guard.hpp"
#include "engine/pipeline.hpp"
#include "engine/separable_splits.hpp"
#include "slfit/de_runner.hpp"

namespace slfit {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Runs the DE of every problem chunk by chunk; after each launch, `between(begin, outcomes)` runs
// on the host with the previous chunk's outcomes while the device works on the next.
template <class Between>
void run_chunks(DeProgram& program, std::span<const Problem> problems, Between between) {
  std::size_t chunk = std::max<std::size_t>(1, program.capacity(problems));
  std::size_t next = 0, previous_begin = 0;
  std::vector<DEOutcome> previous;
  while (next < problems.size() || !previous.empty()) {
    std::size_t launched = 0;
    const std::size_t begin = next;
    while (next < problems.size()) {
      const std::size_t count = std::min(chunk, problems.size() - next);
      if (program.launch(problems.subspan(next, count))) {
        next += count;
        launched = count;
        break;
      }
      if (count == 1) throw std::runtime_error("slfit: out of device memory for a single problem");
      chunk = std::max<std::size_t>(1, count / 2);  // an allocation failure halves the chunk
    }
    if (!previous.empty()) between(previous_begin, previous);
    previous.clear();
    if (launched > 0) {
      previous = program.collect();
      if (previous.size() != launched)
        throw std::logic_error("slfit: a DE program returned the wrong number of outcomes");
      previous_begin = begin;
    }
  }
}

// One launch group: DE on the device chunk by chunk, each chunk refined on the host's cores while
// the device works on the next. When the device fails (the group's program does not build, a
// launch faults), every problem of the group not yet refined gets that failure as its result.
std::vector<FitResult> fit_group_on_runner(DeRunner& runner, std::span<const Problem> problems,
                                           const SeparableSplits& splits, const BatchOptions& batch) {
  std::vector<FitResult> results(problems.size());
  std::size_t refined_end = 0;  // chunks are refined in order: the problems before this have results
  ProgressRelay progress(batch.on_problem_done);
  const int threads = thread_count(batch.threads);
  BatchTiming refined;
  std::unique_ptr<DeProgram> program;
  try {
    program = runner.open(problems.front());
    run_chunks(*program, problems, [&](std::size_t begin, const std::vector<DEOutcome>& outcomes) {
      const auto start = std::chrono::steady_clock::now();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
      for (std::size_t k = 0; k < outcomes.size(); ++k) {
        const std::size_t i = begin + k;
        fit_guarded(
            i, results, progress, [&] { return fit_problem_from_de(problems[i], splits.of(problems[i]), outcomes[k]); },
            batch.stop);
      }
      refined_end = begin + outcomes.size();
      progress.flush();
      refined.refine += seconds_since(start);
    });
  } catch (...) {
    const std::exception_ptr failure = std::current_exception();
    for (std::size_t i = refined_end; i < problems.size(); ++i) {
      results[i] = failed_fit(failure);
      progress.done(i);
    }
    progress.flush();
  }
  if (batch.timing) {
    if (program) add_timing(*batch.timing, program->timing());
    add_timing(*batch.timing, refined);
  }
  return results;
}

}  // namespace

std::vector<FitResult> fit_batch_on_runner(DeRunner& runner, std::span<const Problem> problems,
                                           const BatchOptions& batch) {
  const SeparableSplits splits(problems);
  for (const Problem& p : problems) {
    if (p.options.pipeline != Pipeline::De) throw std::invalid_argument("slfit: a device runs the de pipeline only");
    if (!device_runs_de(p, splits.of(p)))
      throw std::invalid_argument("slfit: a device runs a DE over at least one parameter; a problem whose law is "
                                  "linear in every parameter runs on the host (fit_batch_on)");
  }
  std::vector<FitResult> results(problems.size());
  const std::vector<std::vector<std::size_t>> groups = runner.launch_groups(problems);
  runner.prepare(problems, groups, thread_count(batch.threads));
  for (const std::vector<std::size_t>& group : groups)
    fit_subset(problems, group, batch, results, [&](std::span<const Problem> subset, const BatchOptions& sub) {
      return fit_group_on_runner(runner, subset, splits, sub);
    });
  return results;
}

std::vector<DEOutcome> de_on_runner(DeRunner& runner, std::span<const Problem> problems) {
  std::vector<DEOutcome> out(problems.size());
  for (const std::vector<std::size_t>& group : runner.launch_groups(problems)) {
    std::vector<Problem> subset;
    for (std::size_t i : group) subset.push_back(problems[i]);
    const std::unique_ptr<DeProgram> program = runner.open(subset.front());
    run_chunks(*program, std::span<const Problem>(subset), [&](std::size_t begin, std::vector<DEOutcome>& outcomes) {
      for (std::size_t k = 0; k < outcomes.size(); ++k) out[group[begin + k]] = std::move(outcomes[k]);
    });
  }
  return out;
}

}  // namespace slfit
