#include <omp.h>

#include <exception>
#include <string>

#include "slfit/fit.hpp"

namespace slfit {

const char* to_string(FitStatus status) {
  switch (status) {
    case FitStatus::Converged: return "converged";
    case FitStatus::MaxIter: return "maxiter";
    case FitStatus::NoFiniteValue: return "no_finite_value";
  }
  return "unknown";
}

std::vector<Problem> make_group_problems(const Law& law, std::shared_ptr<const CompiledLaw> compiled,
                                         const Dataset& data, const FitOptions& options) {
  std::vector<Problem> problems;
  problems.reserve(data.groups.size());
  for (std::size_t g = 0; g < data.groups.size(); ++g) {
    const GroupData& group = data.groups[g];
    problems.push_back(Problem{&law, compiled, &group, resolve_bounds(law, group), law.objective, options, g});
  }
  return problems;
}

std::vector<FitResult> fit_batch(std::span<const Problem> problems, const BatchOptions& batch) {
  std::vector<FitResult> results(problems.size());
  const int threads = batch.threads > 0 ? batch.threads : omp_get_max_threads();
  // Exceptions cannot cross an OpenMP region: keep the first, rethrow after the loop.
  std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (std::size_t i = 0; i < problems.size(); ++i) {
    try {
      results[i] = fit_problem(problems[i]);
    } catch (...) {
#pragma omp critical(slfit_fit_batch_failure)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
  return results;
}

}  // namespace slfit
