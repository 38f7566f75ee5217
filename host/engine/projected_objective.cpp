#include "engine/projected_objective.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "law/loss_terms.hpp"

namespace slfit {
ProjectedObjective::ProjectedObjective(const SeparablePrograms& programs, const GroupData& data,
                                       const ObjectiveSpec& spec, const ResolvedBounds& bounds, Objective& full)
    : form_(programs.form),
      full_(full),
      y_(data.target),
      scale_(residual_scales(spec, data)),
      spec_(spec) {
  if (!separable_objective(spec) || form_.linear.empty())
    throw std::logic_error("slfit: a projected objective needs linear parameters and a linear-space mse objective");
  const std::size_t batch = batch_for_points(data.size());
  if (programs.base) base_ = std::make_unique<BoundProgram>(*programs.base, data, batch);
  for (const auto& part : programs.basis) basis_.push_back(std::make_unique<BoundProgram>(*part, data, batch));
  parts_.resize(basis_.size());
  const double n = static_cast<double>(data.size());
  coefficient_ = spec.terms[0].coefficient / (spec.reduce == Reduction::Mean ? n : 1.0);
  for (const int k : form_.linear) {
    bool on = false;
    for (const int r : spec.ridge_params) on = on || r == k;
    ridge_on_.push_back(on);
    linear_lower_.push_back(bounds.lower[static_cast<std::size_t>(k)]);
    linear_upper_.push_back(bounds.upper[static_cast<std::size_t>(k)]);
  }
  for (const int k : form_.nonlinear) {
    nonlinear_lower_.push_back(bounds.lower[static_cast<std::size_t>(k)]);
    nonlinear_upper_.push_back(bounds.upper[static_cast<std::size_t>(k)]);
    nonlinear_log_scale_.push_back(bounds.log_scale.empty() ? 0 : bounds.log_scale[static_cast<std::size_t>(k)]);
  }
  weight_.resize(scale_.size());
  for (std::size_t i = 0; i < scale_.size(); ++i) weight_[i] = scale_[i] * scale_[i];
  point_.assign(bounds.lower.size(), 0.0);
  linear_.resize(form_.linear.size());
  gradient_.resize(bounds.lower.size());
  columns_.resize(form_.linear.size());
}

double ProjectedObjective::value(std::span<const double> theta) {
  for (std::size_t j = 0; j < form_.nonlinear.size(); ++j) point_[static_cast<std::size_t>(form_.nonlinear[j])] = theta[j];
  // The base and basis at every point; none of them reads the linear parameters.
  if (base_) base_values_ = base_->forward(point_);
  for (std::size_t k = 0; k < basis_.size(); ++k) parts_[k] = basis_[k]->forward(point_);
  return project(theta, 0);
}

double ProjectedObjective::project(std::span<const double> theta, std::size_t member) {
  const std::size_t n = y_.size();
  for (std::size_t j = 0; j < form_.nonlinear.size(); ++j) point_[static_cast<std::size_t>(form_.nonlinear[j])] = theta[j];
  const double* base = base_ ? base_values_.data() + member * n : nullptr;
  for (std::size_t k = 0; k < columns_.size(); ++k) columns_[k] = parts_[k].data() + member * n;
  // project_linear for each count of linear parameters, 1 to kMaxLinearParams.
  static constexpr auto kProjectLinear = []<int... M>(std::integer_sequence<int, M...>) {
    return std::array{&ProjectedObjective::project_linear<M + 1>...};
  }(std::make_integer_sequence<int, kMaxLinearParams>{});
  return (this->*kProjectLinear[columns_.size() - 1])(base);
}

template <int M>
double ProjectedObjective::project_linear(const double* base) {
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  const std::size_t n = y_.size();
  const double* const y = y_.data();
  const double* const w = weight_.data();
  const double* const scale = scale_.data();
  const double* g[M];
  for (int k = 0; k < M; ++k) g[k] = columns_[static_cast<std::size_t>(k)];
  // Every sum over the points in loss::sum_over_points' four chains (the latency of one running
  // sum per entry would dominate these short loops).
  const double check = loss::sum_over_points(n, [&](std::size_t i) {
    double v = base ? base[i] : 0.0;
    for (int k = 0; k < M; ++k) v += g[k][i];
    return v;
  });
  // The normal equations of coefficient * sum_i w_i (base_i + g_i c - y_i)^2 + ridge * |c_R|^2,
  // row A and its right-hand side in one pass over the points.
  const auto row = [&]<int A>(std::integral_constant<int, A>) {
    double sums[A + 2];
    loss::sums_over_points<A + 2>(
        n,
        [&](std::size_t i, double(&v)[A + 2]) {
          const double wa = w[i] * g[A][i];
          v[0] = wa * (y[i] - (base ? base[i] : 0.0));
          for (int b = 0; b <= A; ++b) v[1 + b] = wa * g[b][i];
        },
        sums);
    right_[A] = coefficient_ * sums[0];
    for (int b = 0; b <= A; ++b) {
      double sum = coefficient_ * sums[1 + b];
      if (A == b && ridge_on_[A]) sum += spec_.ridge;
      normal_[A * M + b] = sum;
      normal_[b * M + A] = sum;
    }
  };
  [&]<int... A>(std::integer_sequence<int, A...>) {
    (row(std::integral_constant<int, A>{}), ...);
  }(std::make_integer_sequence<int, M>{});
  const bool solved = std::isfinite(check) && solver_.minimise(normal_.data(), right_.data(), linear_lower_.data(),
                                                                linear_upper_.data(), M, linear_.data());
  for (int k = 0; k < M; ++k)
    point_[static_cast<std::size_t>(form_.linear[static_cast<std::size_t>(k)])] = linear_[static_cast<std::size_t>(k)];
  if (!solved) return kInfinity;

  // The objective from the residuals at the point formed, as the full objective computes it.
  double c[M];
  for (int k = 0; k < M; ++k) c[k] = linear_[static_cast<std::size_t>(k)];
  const double sum = loss::sum_over_points(n, [&](std::size_t i) {
    double p = base ? base[i] : 0.0;
    for (int k = 0; k < M; ++k) p += c[k] * g[k][i];
    const double r = scale[i] * (p - y[i]);
    return r * r;
  });
  const double value = coefficient_ * sum + ridge_penalty(spec_, point_);
  return std::isfinite(value) ? value : kInfinity;
}

void ProjectedObjective::values(std::span<const double> thetas, std::span<double> values) {
  const std::size_t d = form_.nonlinear.size(), p = point_.size();
  const std::size_t batch = basis_.front()->batch();
  batch_points_.resize(batch * p);
  for (std::size_t first = 0; first < values.size(); first += batch) {
    const std::size_t count = std::min(batch, values.size() - first);
    for (std::size_t k = 0; k < count; ++k)
      for (std::size_t j = 0; j < d; ++j)
        batch_points_[k * p + static_cast<std::size_t>(form_.nonlinear[j])] = thetas[(first + k) * d + j];
    const std::span<const double> points(batch_points_.data(), count * p);
    if (base_) base_values_ = base_->forward(points, count);
    for (std::size_t k = 0; k < basis_.size(); ++k) parts_[k] = basis_[k]->forward(points, count);
    for (std::size_t k = 0; k < count; ++k) values[first + k] = project(thetas.subspan((first + k) * d, d), k);
  }
}

double ProjectedObjective::value_and_gradient(std::span<const double> theta, std::span<double> grad) {
  if (value(theta) == std::numeric_limits<double>::infinity()) return std::numeric_limits<double>::infinity();
  const double f = full_.value_and_gradient(point_, gradient_);
  for (std::size_t j = 0; j < form_.nonlinear.size(); ++j) grad[j] = gradient_[static_cast<std::size_t>(form_.nonlinear[j])];
  return f;
}

std::vector<double> ProjectedObjective::full_params(std::span<const double> theta) {
  value(theta);
  return point_;
}

}  // namespace slfit
