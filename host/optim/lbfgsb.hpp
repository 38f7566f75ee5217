#pragma once
// L-BFGS-B refinement through LBFGSpp's bounded solver, with scipy's meaning of ftol, gtol and
// maxiter. A run never loses ground: whatever stops it (convergence, the iteration limit, a
// failed line search, a non-finite objective), it returns the best point it evaluated.

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "slfit/options.hpp"

namespace slfit {

// f(x) with its gradient written into grad; +inf where f is not finite.
using GradientFunction = std::function<double(std::span<const double> x, std::span<double> grad)>;

struct LbfgsbOutcome {
  std::vector<double> x;
  double f = 0.0;
  int iterations = 0;
  long long evaluations = 0;
  bool converged = false;   // stopped on ftol or gtol (scipy's success)
  std::string status;       // "converged: gtol", "converged: ftol", "max iterations",
                            // "no further decrease" (a line search on fresh memory found no
                            // lower point), "line search failed: ..." (at the iteration limit),
                            // "start point not finite"
};

LbfgsbOutcome minimize_lbfgsb(const GradientFunction& f, std::span<const double> x0,
                              std::span<const double> lower, std::span<const double> upper,
                              const LbfgsbOptions& options);

// Checks the options, throwing InputError naming the offending one.
void validate(const LbfgsbOptions& options);

}  // namespace slfit
