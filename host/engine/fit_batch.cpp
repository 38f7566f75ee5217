#include <omp.h>

#include <cstdlib>
#include <exception>
#include <limits>
#include <string>

#include "engine/batch_guard.hpp"
#include "engine/pipeline.hpp"
#include "engine/separable_splits.hpp"
#include "law/residuals.hpp"
#include "slfit/cpu_simd.hpp"
#include "slfit/error.hpp"
#include "slfit/fit.hpp"
#include "slfit/ranks.hpp"
#include "slfit/text.hpp"

namespace slfit {

const char* to_string(FitStatus status) {
  switch (status) {
    case FitStatus::Converged: return "converged";
    case FitStatus::MaxIter: return "maxiter";
    case FitStatus::NoFiniteValue: return "no_finite_value";
    case FitStatus::Failed: return "failed";
  }
  return "unknown";
}

FitResult failed_fit(std::exception_ptr failure) {
  FitResult result;
  result.status = FitStatus::Failed;
  result.objective = std::numeric_limits<double>::quiet_NaN();
  result.r2_train = std::numeric_limits<double>::quiet_NaN();
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    result.error = e.what();
  } catch (...) {
    result.error = "an exception that is not a std::exception";
  }
  result.failure = std::move(failure);
  return result;
}

void rethrow_first_failure(std::span<const FitResult> results) {
  for (const FitResult& r : results)
    if (r.status == FitStatus::Failed && r.failure) std::rethrow_exception(r.failure);
}

void rethrow_first_input_error(std::span<const FitResult> results) {
  for (const FitResult& r : results) {
    if (r.status != FitStatus::Failed || !r.failure) continue;
    try {
      std::rethrow_exception(r.failure);
    } catch (const InputError&) {
      throw;
    } catch (...) {
    }
  }
}

namespace {

// Each residual space needs targets of a sign: log space takes log(y), neglog log(-y), and
// relative divides by y. A target outside makes every candidate +inf, so it is bad input,
// reported at its row.
void require_targets_in_domain(const Law& law, const Dataset& data, const GroupData& group) {
  for (const ObjectiveTerm& term : law.objective.terms) {
    const char* needs = target_domain(term.space);
    if (!needs) continue;
    for (std::size_t i = 0; i < group.size(); ++i) {
      const double y = group.target[i];
      if (in_target_domain(term.space, y)) continue;
      throw InputError(data.source + ":" + std::to_string(group.lines[i]) + ": column '" + data.columns.target +
                       "' is " + number_text(y) + ", but law '" + law.name + "' has an objective term in space \"" +
                       residual_space_name(term.space) + "\", which needs " + needs +
                       (term.space == ResidualSpace::Log ? " (a negative target can be fit in space \"neglog\")" : ""));
    }
  }
}

}  // namespace

std::vector<Problem> make_group_problems(std::shared_ptr<const Law> law, std::shared_ptr<const CompiledLaw> compiled,
                                         std::shared_ptr<const Dataset> data, const FitOptions& options) {
  std::vector<Problem> problems;
  problems.reserve(data->groups.size());
  for (std::size_t g = 0; g < data->groups.size(); ++g) {
    const GroupData& group = data->groups[g];
    require_targets_in_domain(*law, *data, group);
    require_defined_data_terms(*law, *compiled, *data, group);
    // The group shares the data set's ownership (the aliasing constructor): no copy of the rows.
    problems.push_back(Problem{law, compiled, std::shared_ptr<const GroupData>(data, &group),
                               resolve_bounds(*law, group), law->objective, options, g});
  }
  return problems;
}

int thread_count(int requested) {
  if (requested > 0) return requested;
  // The ranks of an MPI job share their node's cores, unless OMP_NUM_THREADS says how many
  // threads each rank should take.
  const Ranks* ranks = batch_ranks();
  if (ranks && !std::getenv("OMP_NUM_THREADS")) return ranks->cores();
  return omp_get_max_threads();
}

std::vector<FitResult> fit_batch(std::span<const Problem> problems, const BatchOptions& batch) {
  cpu_instruction_set();  // a bad SLFIT_SIMD throws here, not in a worker thread
  std::vector<FitResult> results(problems.size());
  const int threads = thread_count(batch.threads);
  const SeparableSplits splits(problems);
  ProgressRelay progress(batch.on_problem_done);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (std::size_t i = 0; i < problems.size(); ++i)
    fit_guarded(
        i, results, progress, [&] { return fit_problem(problems[i], splits.of(problems[i])); }, batch.stop);
  progress.flush();
  return results;
}

}  // namespace slfit
