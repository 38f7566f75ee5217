#include "slfit/bootstrap_summary.hpp"

#include <cmath>
#include <functional>
#include <limits>

#include "slfit/objective.hpp"

namespace slfit {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The statistic's value on each successful fit, skipping non-finite values.
std::vector<double> values_of(const std::vector<TaskFit>& fits, const std::function<double(const TaskFit&)>& value) {
  std::vector<double> out;
  out.reserve(fits.size());
  for (const TaskFit& fit : fits) {
    if (fit.failed()) continue;
    const double v = value(fit);
    if (std::isfinite(v)) out.push_back(v);
  }
  return out;
}

StatisticSummary summarize(double estimate, const std::vector<double>& replicates, const std::vector<double>& jackknife,
                           IntervalMethod method, double level) {
  StatisticSummary s;
  s.estimate = estimate;
  s.used = replicates.size();
  const double n = static_cast<double>(replicates.size());
  double sum = 0;
  for (double v : replicates) sum += v;
  s.mean = replicates.empty() ? kNaN : sum / n;
  double ss = 0;
  for (double v : replicates) ss += (v - s.mean) * (v - s.mean);
  s.se = replicates.size() > 1 ? std::sqrt(ss / (n - 1)) : kNaN;
  const Interval interval = bootstrap_interval(method, level, estimate, replicates, jackknife);
  s.low = interval.low;
  s.high = interval.high;
  return s;
}

// Predictions of every point by every fit, computed once: predictions[f][j].
std::vector<std::vector<double>> predictions_of(const CompiledLaw& compiled, const GroupData& points,
                                                const std::vector<TaskFit>& fits) {
  std::vector<std::vector<double>> out;
  out.reserve(fits.size());
  for (const TaskFit& fit : fits)
    out.push_back(fit.failed() || points.size() == 0 ? std::vector<double>() : predict(compiled, points, fit.params));
  return out;
}

void fill_covariance(GroupSummary& s, const std::vector<TaskFit>& replicates, std::size_t num_params) {
  std::vector<double> mean(num_params, 0.0);
  std::size_t used = 0;
  for (const TaskFit& fit : replicates) {
    if (fit.failed()) continue;
    ++used;
    for (std::size_t k = 0; k < num_params; ++k) mean[k] += fit.params[k];
  }
  for (double& m : mean) m /= static_cast<double>(used);
  s.covariance.assign(num_params, std::vector<double>(num_params, 0.0));
  for (const TaskFit& fit : replicates) {
    if (fit.failed()) continue;
    for (std::size_t i = 0; i < num_params; ++i)
      for (std::size_t j = 0; j < num_params; ++j)
        s.covariance[i][j] += (fit.params[i] - mean[i]) * (fit.params[j] - mean[j]);
  }
  for (auto& row : s.covariance)
    for (double& c : row) c = used > 1 ? c / static_cast<double>(used - 1) : kNaN;
  // A parameter that never moves (pinned at a bound) has no correlation: NaN, reported as null.
  s.correlation.assign(num_params, std::vector<double>(num_params, kNaN));
  for (std::size_t i = 0; i < num_params; ++i)
    for (std::size_t j = 0; j < num_params; ++j) {
      const double scale = std::sqrt(s.covariance[i][i] * s.covariance[j][j]);
      if (scale > 0) s.correlation[i][j] = s.covariance[i][j] / scale;
    }
}

}  // namespace

GroupSummary summarize_group(const CompiledLaw& compiled, const FitResult& full, const std::vector<TaskFit>& replicates,
                             const std::vector<TaskFit>& jackknife, const GroupData& points, IntervalMethod method,
                             double level) {
  GroupSummary s;
  for (const TaskFit& fit : replicates) s.failed += fit.failed();
  for (const TaskFit& fit : jackknife) s.jackknife_failed += fit.failed();

  const std::size_t num_params = full.params.size();
  for (std::size_t k = 0; k < num_params; ++k) {
    const auto param = [k](const TaskFit& fit) { return fit.params[k]; };
    s.params.push_back(summarize(full.params[k], values_of(replicates, param), values_of(jackknife, param), method, level));
  }

  if (points.size() > 0) {
    const std::vector<double> estimates = predict(compiled, points, full.params);
    const std::vector<std::vector<double>> replicate_predictions = predictions_of(compiled, points, replicates);
    const std::vector<std::vector<double>> jackknife_predictions = predictions_of(compiled, points, jackknife);
    for (std::size_t j = 0; j < points.size(); ++j) {
      // Failed fits have no predictions; the index of a fit in its list finds its row.
      const auto prediction_in = [j](const std::vector<TaskFit>& fits, const std::vector<std::vector<double>>& rows) {
        return [&fits, &rows, j](const TaskFit& fit) { return rows[&fit - fits.data()][j]; };
      };
      s.predictions.push_back(summarize(estimates[j], values_of(replicates, prediction_in(replicates, replicate_predictions)),
                                        values_of(jackknife, prediction_in(jackknife, jackknife_predictions)), method,
                                        level));
    }
  }
  fill_covariance(s, replicates, num_params);
  return s;
}

BootstrapSummaries summarize_bootstrap(const BootstrapPlan& plan, std::span<const TaskFit> fits,
                                       const GroupData& points, IntervalMethod method, double level) {
  const std::size_t groups = plan.data->groups.size();
  BootstrapSummaries out;
  out.replicates.assign(groups, std::vector<TaskFit>(plan.resamples));
  std::vector<std::vector<TaskFit>> jackknife(groups);
  for (std::size_t g = 0; g < groups; ++g) jackknife[g].resize(plan.jackknife ? plan.data->groups[g].rows() : 0);
  for (const TaskFit& fit : fits) {
    if (fit.task.kind == FitKind::Replicate) out.replicates[fit.task.group][fit.task.index] = fit;
    else if (plan.jackknife) jackknife[fit.task.group][fit.task.index] = fit;
  }
  for (std::size_t g = 0; g < groups; ++g)
    out.groups.push_back(
        summarize_group(*plan.compiled, plan.full_fits[g], out.replicates[g], jackknife[g], points, method, level));
  return out;
}

}  // namespace slfit
