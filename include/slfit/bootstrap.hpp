#pragma once
// The fits a bootstrap needs: B resampled fits per group and, for BCa, n leave-one-out fits per
// group, each a problem for fit_batch. They run in chunks so that the caller can checkpoint and
// report progress as fits finish; every fit depends only on its own task, so chunking, thread
// count and resuming from a checkpoint cannot change any result.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "slfit/backend.hpp"
#include "slfit/resample.hpp"
#include "slfit/fit.hpp"

namespace slfit {

enum class Search {
  Global,  // every fit runs the full pipeline (DE + L-BFGS-B by default)
  Local,   // every fit is L-BFGS-B from its group's full-data optimum
};

enum class FitKind : char {
  Replicate = 'R',  // index: the replicate, 0 <= index < B
  Jackknife = 'J',  // index: the row left out, 0 <= index < n
};

struct BootstrapTask {
  std::uint32_t group = 0;
  FitKind kind = FitKind::Replicate;
  std::uint32_t index = 0;
  friend bool operator==(const BootstrapTask&, const BootstrapTask&) = default;
};

// What a bootstrap keeps of a fit. It failed when its objective is not finite.
struct TaskFit {
  BootstrapTask task;
  std::vector<double> params;
  double objective = 0.0;
  FitStatus status = FitStatus::Converged;

  bool failed() const;
};

struct BootstrapPlan {
  std::shared_ptr<const Law> law;
  std::shared_ptr<const CompiledLaw> compiled;
  std::shared_ptr<const Dataset> data;
  std::vector<Strata> strata;              // per group
  std::vector<Problem> full_problems;      // per group: the full-data fit's problem
  std::vector<FitResult> full_fits;        // per group: its result (the local search's start)
  Search search = Search::Global;
  std::uint32_t resamples = 0;
  bool jackknife = false;
};

// Every task of the plan: per group its replicates, then (with jackknife) its leave-one-out fits.
std::vector<BootstrapTask> bootstrap_tasks(const BootstrapPlan& plan);

// The problem a task fits, owning its data (task_data): the group's bounds, the task's own
// Philox stream, and for the local search the full-data optimum as the start.
Problem task_problem(const BootstrapPlan& plan, const BootstrapTask& task);

// The data a task fits: its resample, or its group without the left-out row.
GroupData task_data(const BootstrapPlan& plan, const BootstrapTask& task);

// Fits `tasks` `chunk` at a time on the chosen backend (Cpu or Cuda; the local search's fits are
// L-BFGS-B alone, host work on either: see fit_batch_on), calling `on_chunk` with each chunk's fits (in
// the order of `tasks`) as soon as the chunk is done.
void run_bootstrap_tasks(const BootstrapPlan& plan, std::span<const BootstrapTask> tasks, const BackendChoice& backend,
                         const BatchOptions& batch, std::size_t chunk,
                         const std::function<void(std::span<const TaskFit>)>& on_chunk);

}  // namespace slfit
