#include "slfit/uncertainty.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <omp.h>
#include <Eigen/Dense>

#include "law/program.hpp"
#include "law/residuals.hpp"
#include "law/vector_math.hpp"
#include "slfit/objective.hpp"

namespace slfit {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The Jacobian of the predictions with respect to every parameter, one row per point. Each row
// is the reverse-mode gradient of that point's prediction, from a program bound to that row
// alone, so the cost is linear in the rows (one program over all rows would replay every row
// per point).
Eigen::MatrixXd prediction_jacobian(const CompiledLaw& law, const GroupData& data, std::span<const double> params,
                                    std::vector<double>& predictions) {
  const std::size_t n = data.size();
  Eigen::MatrixXd jacobian(static_cast<Eigen::Index>(n), law.num_params);
  predictions.resize(n);
  GroupData row;
  row.inputs.assign(data.inputs.size(), std::vector<double>(1));
  row.target.assign(1, 0.0);
  const double unit = 1.0;
  std::vector<double> gradient(static_cast<std::size_t>(law.num_params));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < data.inputs.size(); ++k) row.inputs[k][0] = data.inputs[k][i];
    row.target[0] = data.target[i];
    BoundProgram program(law, row);
    predictions[i] = program.forward(params)[0];
    program.backward({&unit, 1}, gradient);
    for (int j = 0; j < law.num_params; ++j) jacobian(static_cast<Eigen::Index>(i), j) = gradient[j];
  }
  return jacobian;
}

BoundSide bound_side(double x, double lower, double upper) {
  const double slack = 1e-9 * (upper - lower);
  if (x <= lower + slack) return BoundSide::Lower;
  if (x >= upper - slack) return BoundSide::Upper;
  return BoundSide::None;
}

}  // namespace

const char* to_string(BoundSide side) {
  switch (side) {
    case BoundSide::None: return "";
    case BoundSide::Lower: return "lower";
    case BoundSide::Upper: return "upper";
  }
  return "";
}

FitStatistics fit_statistics(const CompiledLaw& law, const GroupData& data, const ObjectiveSpec& objective,
                             const ResolvedBounds& bounds, std::span<const double> params) {
  const auto p = static_cast<std::size_t>(law.num_params);
  if (params.size() != p || bounds.lower.size() != p || bounds.upper.size() != p)
    throw std::invalid_argument("slfit: fit_statistics: expected " + std::to_string(p) + " parameters and bounds");

  FitStatistics stats;
  stats.points = static_cast<int>(data.size());
  std::vector<std::size_t> free;
  stats.at_bound.resize(p, BoundSide::None);
  for (std::size_t j = 0; j < p; ++j) {
    if (bounds.lower[j] < bounds.upper[j]) {
      free.push_back(j);
      stats.at_bound[j] = bound_side(params[j], bounds.lower[j], bounds.upper[j]);
    }
  }
  stats.free_params = static_cast<int>(free.size());
  stats.covariance.assign(p * p, kNaN);
  stats.standard_errors.assign(p, kNaN);
  stats.correlation.assign(p * p, kNaN);

  // Residuals and their Jacobian in the first term's space (the only one of a least-squares
  // objective): d log(pred) = d log(-pred) = d pred / pred, d (pred - y) / y = d pred / y.
  std::vector<double> predictions;
  const Eigen::MatrixXd dpred = prediction_jacobian(law, data, params, predictions);
  const auto n = static_cast<Eigen::Index>(data.size());
  const auto f = static_cast<Eigen::Index>(free.size());
  Eigen::MatrixXd jacobian(n, f);
  double ssr = 0.0;
  const ResidualSpace space = objective.terms.front().space;
  const std::vector<double> observed = observed_values(space, data.target);
  const std::vector<double> scales = residual_scales(objective, data);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double pred = predictions[static_cast<std::size_t>(i)];
    const double y = data.target[static_cast<std::size_t>(i)];
    // Scaled residuals (curve_fit's r / sigma; a normalized output's r / sd), and so their Jacobian.
    const double scale = scales[static_cast<std::size_t>(i)];
    const double r = scale * residual(space, pred, observed[static_cast<std::size_t>(i)]);
    const double divisor = residual_divisor(space, pred, y);
    ssr += r * r;
    for (Eigen::Index j = 0; j < f; ++j) {
      const double d = dpred(i, static_cast<Eigen::Index>(free[static_cast<std::size_t>(j)]));
      jacobian(i, j) = scale * (d / divisor);
    }
  }
  stats.sum_squares = ssr;
  const double points = static_cast<double>(n);
  const double neg2_log_likelihood = points * vmath::log(ssr / points);
  stats.aic = neg2_log_likelihood + 2.0 * static_cast<double>(f);
  stats.bic = neg2_log_likelihood + vmath::log(points) * static_cast<double>(f);

  if (!objective.least_squares()) {
    stats.note = "standard errors are computed for least-squares objectives only (one mse term, no ridge)";
    return stats;
  }
  if (f == 0) {
    stats.note = "every parameter is fixed";
    return stats;
  }
  if (n <= f) {
    stats.note = "as many free parameters as points (" + std::to_string(f) + "): no residual variance";
    return stats;
  }
  if (!std::isfinite(ssr) || !jacobian.allFinite()) {
    stats.note = "the residuals or their derivatives are not finite at the fitted point";
    return stats;
  }

  // curve_fit's Moore-Penrose inverse of J^T J through the SVD of J, scaled by SSR / (n - f).
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(jacobian, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const Eigen::VectorXd& s = svd.singularValues();
  const double threshold = std::numeric_limits<double>::epsilon() * static_cast<double>(std::max(n, f)) * s(0);
  Eigen::Index kept = 0;
  while (kept < s.size() && s(kept) > threshold) ++kept;
  const Eigen::MatrixXd v = svd.matrixV().leftCols(kept);
  const Eigen::VectorXd inverse_squares = s.head(kept).cwiseAbs2().cwiseInverse();
  const Eigen::MatrixXd product = v * inverse_squares.asDiagonal() * v.transpose();
  // Symmetric by definition; the product's rounding is not, and a correlation table should be.
  const Eigen::MatrixXd covariance = (product + product.transpose()) * (0.5 * ssr / static_cast<double>(n - f));

  for (Eigen::Index a = 0; a < f; ++a) {
    const std::size_t pa = free[static_cast<std::size_t>(a)];
    stats.standard_errors[pa] = std::sqrt(covariance(a, a));
    for (Eigen::Index b = 0; b < f; ++b) {
      const std::size_t pb = free[static_cast<std::size_t>(b)];
      stats.covariance[pa * p + pb] = covariance(a, b);
    }
  }
  for (std::size_t a : free)
    for (std::size_t b : free)
      stats.correlation[a * p + b] =
          a == b ? 1.0 : stats.covariance[a * p + b] / (stats.standard_errors[a] * stats.standard_errors[b]);
  if (kept < f) stats.note = "the Jacobian is rank deficient: the covariance is a pseudo-inverse";
  return stats;
}

std::vector<FitStatistics> fit_statistics(std::span<const Problem> problems, std::span<const FitResult> fits,
                                          int threads) {
  if (problems.size() != fits.size())
    throw std::invalid_argument("slfit: fit_statistics: " + std::to_string(problems.size()) + " problems, " +
                                std::to_string(fits.size()) + " fits");
  std::vector<FitStatistics> statistics(problems.size());
#pragma omp parallel for schedule(dynamic, 16) num_threads(thread_count(threads))
  for (std::size_t i = 0; i < problems.size(); ++i) {
    const FitStatus status = fits[i].status;
    if (status == FitStatus::Failed || status == FitStatus::NoFiniteValue) continue;
    const Problem& p = problems[i];
    try {  // nothing may leave an OpenMP loop; a failure leaves the entry empty, with its reason
      statistics[i] = fit_statistics(*p.compiled, *p.data, p.objective, p.bounds, fits[i].params);
    } catch (const std::exception& e) {
      statistics[i].note = e.what();
    }
  }
  return statistics;
}

}  // namespace slfit
