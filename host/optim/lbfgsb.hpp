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

// Why a run stopped.
enum class LbfgsbStop {
  Gtol,               // the projected gradient's norm reached gtol
  Ftol,               // the relative decrease fell below ftol
  MaxIterations,
  NoFurtherDecrease,  // a line search on fresh memory found no lower point
  LineSearchFailed,   // a line search failed at the iteration limit
  StartNotFinite,
};

// "converged: gtol", "converged: ftol", "max iterations", "no further decrease", "line search
// failed", "start point not finite": the words of the fit's JSON lbfgsb.status.
const char* to_string(LbfgsbStop stop);

struct LbfgsbOutcome {
  std::vector<double> x;
  double f = 0.0;
  int iterations = 0;
  long long evaluations = 0;
  bool converged = false;   // stopped on ftol or gtol (scipy's success)
  // The end point is a local minimum as far as the run can tell: it stopped on gtol or ftol, or
  // on no further decrease (no step along the projected gradient lowers f in floating point,
  // the end of a run with ftol = 0). Not after the iteration limit or a non-finite start.
  bool settled = false;
  LbfgsbStop stop = LbfgsbStop::MaxIterations;
  std::string status;       // to_string(stop), with the line search's message after LineSearchFailed
};

LbfgsbOutcome minimize_lbfgsb(const GradientFunction& f, std::span<const double> x0,
                              std::span<const double> lower, std::span<const double> upper,
                              const LbfgsbOptions& options);

// Checks the options, throwing OptionError naming the offending field ("refine.gtol").
void validate(const LbfgsbOptions& options);

}  // namespace slfit
