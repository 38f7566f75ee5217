#pragma once
// The last step of a refinement: Newton steps on a Hessian taken by central differences of the
// exact gradient, damped Levenberg-Marquardt style and kept inside the bounds.
//
// Why: scaling laws have long, narrow valleys near their optimum (in a * N^b over N ~ 1e9, a and
// b trade off along one curve; the Hessian's condition number reaches 1e8-1e9). L-BFGS-B walks
// down such a valley until a step along its curvature model gains less than the objective's
// rounding, then stops short: on ParScale bootstrap resamples up to 2e-7 relative above the
// minimum, with runs from different DE seeds disagreeing by as much. A Newton step, which knows
// the valley's small curvature, takes the rest in a few iterations.

#include <span>
#include <string>
#include <vector>

#include "optim/lbfgsb.hpp"

namespace slfit {

struct NewtonOptions {
  int max_iterations = 20;
  double gtol = 1e-12;          // stop when the projected gradient's largest component <= gtol
  // Difference step, in the coordinates' own units: callers pass coordinates of order one (the
  // unit box, or steps relative to the start), where 1e-5 balances truncation against rounding.
  double step = 1e-5;
  int max_damping_tries = 10;   // trial points per iteration before giving up
};

struct NewtonOutcome {
  std::vector<double> x;
  double f = 0.0;
  int iterations = 0;           // accepted steps
  long long evaluations = 0;    // objective+gradient evaluations, the Hessians' included
  std::string status;           // "converged: gtol", "converged: no relative decrease",
                                // "no further decrease", "max iterations", "start point not finite"
};

// Starts at x0 (clamped into the bounds) and never returns a point worse than it.
NewtonOutcome newton_polish(const GradientFunction& f, std::span<const double> x0, std::span<const double> lower,
                            std::span<const double> upper, const NewtonOptions& options = {});

}  // namespace slfit
