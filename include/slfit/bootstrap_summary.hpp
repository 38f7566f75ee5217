#pragma once
// What a bootstrap reports per group: for every parameter and every prediction point the
// full-data estimate, the replicates' mean and standard error (ddof = 1), the interval, and how
// many replicates were used; the parameters' covariance and correlation; the failed fits.

#include <cstddef>
#include <span>
#include <vector>

#include "slfit/bootstrap.hpp"
#include "slfit/intervals.hpp"

namespace slfit {

struct StatisticSummary {
  double estimate = 0.0;  // from the full-data fit
  double mean = 0.0;
  double se = 0.0;
  double low = 0.0;
  double high = 0.0;
  std::size_t used = 0;   // replicates whose fit succeeded and whose value is finite
};

struct GroupSummary {
  std::vector<StatisticSummary> params;
  std::vector<StatisticSummary> predictions;   // one per row of the points data
  std::size_t failed = 0;                      // replicate fits with a non-finite objective
  std::size_t jackknife_failed = 0;            // the same among the leave-one-out fits (BCa)
  std::vector<std::vector<double>> covariance; // over the successful replicates, ddof = 1
  std::vector<std::vector<double>> correlation;
};

// `replicates` holds the group's B replicate fits, `jackknife` its leave-one-out fits (empty
// unless the method is BCa); `points` holds one row per prediction point. Failed fits count in
// `failed` and enter no statistic.
GroupSummary summarize_group(const CompiledLaw& compiled, const FitResult& full, const std::vector<TaskFit>& replicates,
                             const std::vector<TaskFit>& jackknife, const GroupData& points, IntervalMethod method,
                             double level);

// A whole bootstrap's summaries: `fits` (every task of the plan, in any order) sorted into each
// group's replicates (by replicate index, into `replicates`) and leave-one-out fits, and each
// group summarized (summarize_group) against the plan's full-data fit.
struct BootstrapSummaries {
  std::vector<std::vector<TaskFit>> replicates;  // per group, by replicate index
  std::vector<GroupSummary> groups;              // per group
};
BootstrapSummaries summarize_bootstrap(const BootstrapPlan& plan, std::span<const TaskFit> fits,
                                       const GroupData& points, IntervalMethod method, double level);

}  // namespace slfit
