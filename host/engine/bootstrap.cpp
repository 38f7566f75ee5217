#include "slfit/bootstrap.hpp"

#include <algorithm>
#include <cmath>

#include "slfit/resample_draw.hpp"

namespace slfit {

bool TaskFit::failed() const { return !std::isfinite(objective); }

std::vector<BootstrapTask> bootstrap_tasks(const BootstrapPlan& plan) {
  std::vector<BootstrapTask> tasks;
  for (std::uint32_t g = 0; g < plan.data->groups.size(); ++g) {
    for (std::uint32_t r = 0; r < plan.resamples; ++r) tasks.push_back({g, FitKind::Replicate, r});
    if (!plan.jackknife) continue;
    const auto n = static_cast<std::uint32_t>(plan.data->groups[g].rows());
    for (std::uint32_t i = 0; i < n; ++i) tasks.push_back({g, FitKind::Jackknife, i});
  }
  return tasks;
}

GroupData task_data(const BootstrapPlan& plan, const BootstrapTask& task) {
  const GroupData& group = plan.data->groups[task.group];
  if (task.kind == FitKind::Jackknife) return leave_one_out(group, task.index);
  return take_rows(group, resample_rows(plan.full_problems[task.group].options.seed, task.group, task.index,
                                        plan.strata[task.group]));
}

Problem task_problem(const BootstrapPlan& plan, const BootstrapTask& task) {
  Problem p = plan.full_problems[task.group];
  p.data = std::make_shared<const GroupData>(task_data(plan, task));
  p.stream = task.kind == FitKind::Jackknife ? jackknife_stream(task.group, task.index)
                                             : replicate_stream(task.group, task.index);
  if (plan.search == Search::Local) {
    p.options.pipeline = Pipeline::Local;
    p.bounds.init = plan.full_fits[task.group].params;
  }
  return p;
}

void run_bootstrap_tasks(const BootstrapPlan& plan, std::span<const BootstrapTask> tasks, const BackendChoice& backend,
                         const BatchOptions& batch, std::size_t chunk,
                         const std::function<void(std::span<const TaskFit>)>& on_chunk) {
  chunk = std::max<std::size_t>(chunk, 1);
  for (std::size_t begin = 0; begin < tasks.size(); begin += chunk) {
    const std::span<const BootstrapTask> part = tasks.subspan(begin, std::min(chunk, tasks.size() - begin));
    std::vector<Problem> problems;
    problems.reserve(part.size());
    for (const BootstrapTask& task : part) problems.push_back(task_problem(plan, task));
    const std::vector<FitResult> results = fit_batch_on(backend, problems, batch);
    rethrow_first_failure(results);  // a bootstrap whose fits fail has no interval to give
    std::vector<TaskFit> fits;
    fits.reserve(part.size());
    for (std::size_t i = 0; i < part.size(); ++i)
      fits.push_back(TaskFit{part[i], results[i].params, results[i].objective, results[i].status});
    on_chunk(fits);
  }
}

}  // namespace slfit
