#pragma once
// Variable projection: the objective of a separable least-squares fit as a function of its
// nonlinear parameters theta alone, F(theta) = min over the box of F(theta, c), the linear
// parameters c being solved exactly for each theta (law/separable.hpp says which they are and
// when the objective allows it). The global search and the first refinement then run over theta:
// Chinchilla's five dimensions become two, the seed law's four become two.
//
// For each theta: the base and basis functions at every point (one compiled program each, bound
// to the group's rows), the weighted normal equations of the residuals s_i (base + sum_k c_k
// g_k - y) with the objective's coefficient, reduction and ridge, their minimum over the linear
// parameters' bounds (optim/bounded_quadratic.hpp), and the objective at the point so formed,
// from the residuals themselves (not from the normal equations, which would lose the digits of a
// small objective to cancellation).
//
// The gradient is the full objective's gradient in theta at (theta, c(theta)): c(theta) minimises
// F over c, so the terms through dc/dtheta vanish (free c have zero partial derivative, c held at
// a bound do not move): Golub and Pereyra's, in Kaufman's form.

#include <array>
#include <memory>
#include <span>
#include <vector>

#include "law/program.hpp"
#include "law/separable.hpp"
#include "optim/bounded_quadratic.hpp"
#include "slfit/law_io.hpp"
#include "slfit/objective.hpp"

namespace slfit {

class ProjectedObjective {
 public:
  // `full` is the problem's own objective (same law, data and spec), used for the gradient and
  // borrowed for this object's lifetime. `bounds` are the full parameter vector's.
  ProjectedObjective(const SeparablePrograms& programs, const GroupData& data, const ObjectiveSpec& spec,
                     const ResolvedBounds& bounds, Objective& full);

  // The search space: the nonlinear parameters, with their bounds.
  int num_params() const { return static_cast<int>(nonlinear_lower_.size()); }
  const std::vector<double>& lower() const { return nonlinear_lower_; }
  const std::vector<double>& upper() const { return nonlinear_upper_; }
  // The linear parameters, solved for each theta (indices into the law's parameters).
  const std::vector<int>& linear_params() const { return form_.linear; }
  // Per nonlinear parameter: 1 where it is searched in log coordinates (ResolvedBounds::log_scale).
  const std::vector<std::uint8_t>& log_scale() const { return nonlinear_log_scale_; }

  // F(theta); +inf where a base or basis value is not finite (any c then gives a non-finite
  // prediction there) or the objective is. Leaves (theta, c(theta)) in point().
  double value(std::span<const double> theta);
  // value() of each of the values.size() vectors stored one after another in `thetas` (the base
  // and basis of a batch of them computed at once; each the bits of its own value()).
  void values(std::span<const double> thetas, std::span<double> values);
  // F(theta) and its gradient in theta, computed by the full objective at (theta, c(theta)).
  double value_and_gradient(std::span<const double> theta, std::span<double> grad);

  // The full parameter vector of the last value() call.
  std::span<const double> point() const { return point_; }
  // The full parameter vector (theta, c(theta)).
  std::vector<double> full_params(std::span<const double> theta);

 private:
  const SeparableForm& form_;
  Objective& full_;
  std::unique_ptr<BoundProgram> base_;
  std::vector<std::unique_ptr<BoundProgram>> basis_;
  std::vector<double> y_, weight_;       // per point: target, and the squared residual scale
  std::vector<double> scale_;            // per point: the residual scale
  double coefficient_ = 1.0;             // the mse term's coefficient, / n for a mean
  std::vector<bool> ridge_on_;           // per linear parameter: whether the ridge includes it
  ObjectiveSpec spec_;
  std::vector<double> linear_lower_, linear_upper_, nonlinear_lower_, nonlinear_upper_;
  std::vector<std::uint8_t> nonlinear_log_scale_;
  // F at theta from the base and basis values of its points (member `member` of the programs'
  // last forward pass).
  double project(std::span<const double> theta, std::size_t member);
  // project's solve and objective for M linear parameters, known at compile time so that the
  // loops over them unroll (`base`: the base's values, null where it is 0).
  template <int M>
  double project_linear(const double* base);

  std::vector<double> point_, linear_, gradient_;
  std::vector<double> batch_points_;     // a batch's full parameter vectors (linear entries unread)
  std::vector<std::span<const double>> parts_;  // per basis function: its last forward pass
  std::span<const double> base_values_;         // the base's last forward pass
  std::vector<const double*> columns_;
  // The normal equations, m x m row-major (row stride m), and their right-hand side.
  std::array<double, kMaxLinearParams * kMaxLinearParams> normal_{};
  std::array<double, kMaxLinearParams> right_{};
  quadratic::BoundedQuadratic<kMaxLinearParams> solver_;
};

}  // namespace slfit
