#pragma once
// The minimum of a small convex quadratic over a box: what the best linear parameters of a
// separable least-squares fit are (engine/projected_objective.hpp), given the normal equations
// of their weighted least-squares problem.
//
//     minimise  c^T H c - 2 q^T c   subject to  lower <= c <= upper
//
// with H symmetric positive semidefinite. The unconstrained solution is taken when it lies in
// the box (the usual case); otherwise a primal active-set method (as Lawson and Hanson's, with
// two-sided bounds: Stark and Parker's BVLS) fixes variables at bounds and frees those whose
// multiplier has the wrong sign until the KKT conditions hold. Each subproblem is solved by a
// pivoted LDL^T of the free block after scaling it to a unit diagonal, written out for blocks of
// at most kMaxLinearParams rows in fixed arrays, so that a solve allocates nothing and costs
// little (it runs once per candidate of a global search).

#include <span>

#include <Eigen/Dense>

#include "law/separable.hpp"

namespace slfit {

class BoundedQuadratic {
 public:
  using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxLinearParams, kMaxLinearParams>;
  using Vector = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kMaxLinearParams, 1>;

  // Writes the minimiser into `c` (size m = q.size() <= kMaxLinearParams). Returns false when H
  // or q is not finite (c is then left as the box's projection of 0).
  bool minimise(const Matrix& H, const Vector& q, std::span<const double> lower, std::span<const double> upper,
                std::span<double> c);

 private:
  enum class State : unsigned char { Free, AtLower, AtUpper };
  // The minimiser over the free variables with the others held at c: into free_solution_.
  void solve_free(const Matrix& H, const Vector& q, std::span<const double> c);

  bool free_solution_finite() const;

  State state_[kMaxLinearParams] = {};
  int free_[kMaxLinearParams] = {};
  int num_free_ = 0;
  double free_solution_[kMaxLinearParams] = {};  // per free variable, in free_'s order
};

}  // namespace slfit
