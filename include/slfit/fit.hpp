#pragma once
// The engine's entry point: fit a batch of independent problems. A problem is one law on one
// group's data (later also a bootstrap resample, a restart or a leaderboard entry); problems
// run in parallel across cores and each draws its random numbers from its own Philox stream,
// so the result does not depend on the thread count.

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "slfit/dataset.hpp"
#include "slfit/law.hpp"
#include "slfit/law_io.hpp"
#include "slfit/objective.hpp"
#include "slfit/options.hpp"
#include "slfit/result.hpp"

namespace slfit {

// One fit: a law on one set of rows. A problem owns what it reads (shared with the problems that
// read the same law or rows), so a batch may outlive the caller's copies of them.
struct Problem {
  std::shared_ptr<const Law> law;               // as written: its names, for messages
  std::shared_ptr<const CompiledLaw> compiled;  // its evaluation program
  std::shared_ptr<const GroupData> data;
  ResolvedBounds bounds;
  ObjectiveSpec objective;
  FitOptions options;
  std::uint64_t stream = 0;   // Philox stream of this problem's random draws
};

// Where a batch's time went on the GPU, in seconds, summed over its launches: the NVRTC compile
// (or cache read) and module load, the uploads and the DE kernels (timed by CUDA events on the
// device's stream), the downloads, and the host's refinement, which overlaps the next chunk's
// DE, so the parts can add up to more than the wall time.
struct BatchTiming {
  double compile = 0.0;
  double upload = 0.0;
  double de = 0.0;
  double download = 0.0;
  double refine = 0.0;
};

// The threads a batch runs on when `requested` of them: requested when positive, else all cores
// (OpenMP's count, so OMP_NUM_THREADS applies), or, for a rank of an MPI job, its share of the
// cores (Ranks::cores, unless OMP_NUM_THREADS is set). Every part that takes a thread count uses
// this.
int thread_count(int requested);

// A problem that throws does not stop the batch: its result has status Failed with the error
// (rescore fits many unrelated entries in one batch; one bad one cannot discard the others).
struct BatchOptions {
  int threads = 0;            // 0: all cores (thread_count)
  // Called as problems finish, with their indices, each once, on the thread that called the
  // batch (so a caller needs no locking, and Python no other thread), in completion order as
  // far as that thread sees it.
  std::function<void(std::size_t)> on_problem_done = nullptr;
  // When set and true, problems that have not started are not fitted: their results have status
  // Failed with the error "stopped before fitting" (a caller's Ctrl-C: Python sets it from its
  // progress callback). Problems already running finish.
  const std::atomic<bool>* stop = nullptr;
  // When set, the CUDA backend adds its time split here (the CPU backend leaves it alone: its DE
  // and refinement interleave problem by problem).
  BatchTiming* timing = nullptr;
};

// One problem per group of `data` (the law's objective, bounds resolved per group), with
// stream = group index, so group k draws the same numbers whatever else is in the batch. The
// problems share the law and the data set.
std::vector<Problem> make_group_problems(std::shared_ptr<const Law> law, std::shared_ptr<const CompiledLaw> compiled,
                                         std::shared_ptr<const Dataset> data, const FitOptions& options);

std::vector<FitResult> fit_batch(std::span<const Problem> problems, const BatchOptions& batch = {});

// One problem on the calling thread; fit_batch calls this for each. Throws where the fit fails.
FitResult fit_problem(const Problem& problem);

}  // namespace slfit
