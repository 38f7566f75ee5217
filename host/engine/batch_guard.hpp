#pragma once
// What every backend's batch loop shares. fit_guarded is the per-problem step: exceptions cannot
// cross an OpenMP region, so each problem's failure is caught here and either stored in its own
// slot (when the caller collects failures, as rescore does, so one problem cannot abort the
// others) or kept as the batch's first failure for the caller to rethrow after the loop; then
// progress is reported. fit_subset runs part of a batch as a batch of its own (a backend splits a
// batch into the parts it runs differently).

#include <cstddef>
#include <exception>
#include <span>
#include <vector>

#include "slfit/fit.hpp"

namespace slfit {

// Call inside an OpenMP loop over problems; `fit` writes problem i's result.
template <class Fit>
void fit_guarded(std::size_t i, const BatchOptions& batch, std::exception_ptr& first_failure, Fit&& fit) {
  try {
    fit();
  } catch (...) {
#pragma omp critical(slfit_batch_failure)
    {
      if (batch.failures) (*batch.failures)[i] = std::current_exception();
      else if (!first_failure) first_failure = std::current_exception();
    }
  }
  if (batch.on_problem_done) {
#pragma omp critical(slfit_batch_progress)
    batch.on_problem_done(i);
  }
}

// Fits the problems at `indices` with `fit` (a function of a span of problems and BatchOptions
// returning their results), storing each result into `results` and each failure and progress
// report under its index in the whole batch. `batch.failures`, when set, is already sized.
template <class Fit>
void fit_subset(std::span<const Problem> problems, std::span<const std::size_t> indices, const BatchOptions& batch,
                std::vector<FitResult>& results, Fit&& fit) {
  if (indices.empty()) return;
  std::vector<Problem> subset;
  subset.reserve(indices.size());
  for (std::size_t i : indices) subset.push_back(problems[i]);
  std::vector<std::exception_ptr> failures;
  BatchOptions sub = batch;
  sub.failures = batch.failures ? &failures : nullptr;
  if (batch.on_problem_done) sub.on_problem_done = [&](std::size_t j) { batch.on_problem_done(indices[j]); };
  std::vector<FitResult> fits = fit(std::span<const Problem>(subset), sub);
  for (std::size_t j = 0; j < indices.size(); ++j) {
    results[indices[j]] = std::move(fits[j]);
    if (batch.failures) (*batch.failures)[indices[j]] = failures[j];
  }
}

}  // namespace slfit
