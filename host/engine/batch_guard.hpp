#pragma once
// The per-problem step every backend's batch loop shares: exceptions cannot cross an OpenMP
// region, so each problem's failure is caught here and either stored in its own slot (when the
// caller collects failures, as rescore does, so one problem cannot abort the others) or kept as
// the batch's first failure for the caller to rethrow after the loop; then progress is reported.

#include <cstddef>
#include <exception>

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

}  // namespace slfit
