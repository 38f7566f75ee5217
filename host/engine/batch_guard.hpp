#pragma once
// What every backend's batch loop shares. fit_guarded is the per-problem step: exceptions cannot
// cross an OpenMP region, so each problem's failure is caught here and becomes its result
// (status Failed, with the error). ProgressRelay carries the completions of the worker threads
// to the thread that called the batch, which alone calls the user's on_problem_done. fit_subset
// runs part of a batch as a batch of its own (a backend splits a batch into the parts it runs
// differently).

#include <omp.h>

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <span>
#include <stdexcept>
#include <vector>

#include "slfit/fit.hpp"

namespace slfit {

// The result of a problem whose fit threw the current exception.
FitResult failed_fit(std::exception_ptr failure);

// Completions from any thread, reported on the calling thread: the master thread of the OpenMP
// region (the caller, which works on problems too) reports what has finished after each of its
// own problems, and whatever is left when the loop ends.
class ProgressRelay {
 public:
  explicit ProgressRelay(const std::function<void(std::size_t)>& report) : report_(report) {}
  ProgressRelay(const ProgressRelay&) = delete;
  ProgressRelay& operator=(const ProgressRelay&) = delete;

  // Any thread: problem i finished; on the master thread, also reports what has finished.
  void done(std::size_t i) {
    if (!report_) return;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      finished_.push_back(i);
    }
    if (omp_get_thread_num() == 0) flush();
  }
  // The calling thread, outside the parallel region: reports what has finished.
  void flush() {
    if (!report_) return;
    std::vector<std::size_t> finished;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      finished.swap(finished_);
    }
    for (std::size_t i : finished) report_(i);
  }

 private:
  const std::function<void(std::size_t)>& report_;
  std::mutex mutex_;
  std::vector<std::size_t> finished_;
};

// The error of a problem a stopped batch did not fit (BatchOptions::stop).
inline constexpr const char* kStoppedError = "stopped before fitting";

// Call inside an OpenMP loop over problems; `fit` returns problem i's result, which goes to
// results[i] (a failed fit's result when it throws, a stopped one's when `stop` is set); then
// the completion goes to `progress`.
template <class Fit>
void fit_guarded(std::size_t i, std::vector<FitResult>& results, ProgressRelay& progress, Fit&& fit,
                 const std::atomic<bool>* stop = nullptr) {
  if (stop && stop->load(std::memory_order_relaxed)) {
    results[i] = failed_fit(std::make_exception_ptr(std::runtime_error(kStoppedError)));
    return;
  }
  try {
    results[i] = fit();
  } catch (...) {
    results[i] = failed_fit(std::current_exception());
  }
  progress.done(i);
}

// Adds one part's time split to a batch's.
inline void add_timing(BatchTiming& sum, const BatchTiming& part) {
  sum.compile += part.compile;
  sum.upload += part.upload;
  sum.de += part.de;
  sum.download += part.download;
  sum.refine += part.refine;
}

// Fits the problems at `indices` with `fit` (a function of a span of problems and BatchOptions
// returning their results), storing each result into `results` and each progress report under
// its index in the whole batch.
template <class Fit>
void fit_subset(std::span<const Problem> problems, std::span<const std::size_t> indices, const BatchOptions& batch,
                std::vector<FitResult>& results, Fit&& fit) {
  if (indices.empty()) return;
  std::vector<Problem> subset;
  subset.reserve(indices.size());
  for (std::size_t i : indices) subset.push_back(problems[i]);
  BatchOptions sub = batch;
  if (batch.on_problem_done) sub.on_problem_done = [&](std::size_t j) { batch.on_problem_done(indices[j]); };
  std::vector<FitResult> fits = fit(std::span<const Problem>(subset), sub);
  for (std::size_t j = 0; j < indices.size(); ++j) results[indices[j]] = std::move(fits[j]);
}

}  // namespace slfit
