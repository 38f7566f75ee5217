#include "optim/lbfgsb.hpp"

#include <LBFGSB.h>

#include <cmath>
#include <exception>
#include <limits>
#include <utility>

#include "optim/projected_gradient.hpp"
#include "slfit/error.hpp"

namespace slfit {
namespace {

using Vector = Eigen::VectorXd;

// LBFGSpp reports no iteration count when a line search throws; its line search runs once per
// iteration, so counting the calls counts the iterations. The solver calls the line search as a
// static member, hence a per-thread counter (each fit runs on one thread).
thread_local int line_searches = 0;

template <typename Scalar>
struct CountingLineSearch {
  template <typename... Args>
  static void LineSearch(Args&&... args) {
    ++line_searches;
    LBFGSpp::LineSearchMoreThuente<Scalar>::LineSearch(std::forward<Args>(args)...);
  }
};

// The functor LBFGSpp calls. It remembers the best point evaluated, so that an exception thrown
// from inside a line search still leaves the caller with the best point seen.
class TrackedObjective {
 public:
  explicit TrackedObjective(const GradientFunction& f) : f_(f) {}

  double operator()(const Vector& x, Vector& grad) {
    ++evaluations_;
    double value = f_(std::span<const double>(x.data(), x.size()), std::span<double>(grad.data(), grad.size()));
    if (!std::isfinite(value) || !grad.allFinite()) {
      // Steer the line search back: an infinite value with a zero gradient makes it shrink the step.
      value = std::numeric_limits<double>::infinity();
      grad.setZero();
    }
    if (value < best_value_) {
      best_value_ = value;
      best_x_ = x;
    }
    return value;
  }

  long long evaluations() const { return evaluations_; }
  double best_value() const { return best_value_; }
  const Vector& best_x() const { return best_x_; }

 private:
  const GradientFunction& f_;
  long long evaluations_ = 0;
  double best_value_ = std::numeric_limits<double>::infinity();
  Vector best_x_;
};

LBFGSpp::LBFGSBParam<double> solver_parameters(const LbfgsbOptions& o) {
  LBFGSpp::LBFGSBParam<double> p;
  p.m = o.maxcor;
  p.epsilon = o.gtol;
  p.epsilon_rel = 0.0;
  p.past = 1;           // scipy's ftol compares consecutive iterates
  p.delta = o.ftol;
  p.max_iterations = o.maxiter;
  p.max_linesearch = o.max_linesearch;
  p.ftol = 1e-3;        // scipy's line search (dcsrch) sufficient-decrease constant
  p.wolfe = 0.9;        // and its curvature constant
  return p;
}

}  // namespace

void validate(const LbfgsbOptions& o) {
  if (!(o.ftol >= 0) || !std::isfinite(o.ftol)) throw OptionError("refine.ftol", "must be a finite number >= 0");
  if (!(o.gtol >= 0) || !std::isfinite(o.gtol)) throw OptionError("refine.gtol", "must be a finite number >= 0");
  if (o.maxiter < 1) throw OptionError("refine.maxiter", "must be at least 1");
  if (o.maxcor < 1) throw OptionError("refine.maxcor", "must be at least 1");
  if (o.max_linesearch < 1) throw OptionError("refine.max_linesearch", "must be at least 1");
}

const char* to_string(LbfgsbStop stop) {
  switch (stop) {
    case LbfgsbStop::Gtol: return "converged: gtol";
    case LbfgsbStop::Ftol: return "converged: ftol";
    case LbfgsbStop::MaxIterations: return "max iterations";
    case LbfgsbStop::NoFurtherDecrease: return "no further decrease";
    case LbfgsbStop::LineSearchFailed: return "line search failed";
    case LbfgsbStop::StartNotFinite: return "start point not finite";
  }
  return "?";
}

LbfgsbOutcome minimize_lbfgsb(const GradientFunction& f, std::span<const double> x0,
                              std::span<const double> lower, std::span<const double> upper,
                              const LbfgsbOptions& options) {
  validate(options);
  const auto n = static_cast<Eigen::Index>(x0.size());
  Vector x = Eigen::Map<const Vector>(x0.data(), n);
  const Vector lb = Eigen::Map<const Vector>(lower.data(), n);
  const Vector ub = Eigen::Map<const Vector>(upper.data(), n);
  x = x.cwiseMax(lb).cwiseMin(ub);

  TrackedObjective tracked(f);
  LbfgsbOutcome out;
  Vector grad(n);
  if (!std::isfinite(tracked(x, grad))) {
    out.x.assign(x.data(), x.data() + n);
    out.f = std::numeric_limits<double>::infinity();
    out.evaluations = tracked.evaluations();
    out.stop = LbfgsbStop::StartNotFinite;
    out.status = to_string(out.stop);
    return out;
  }

  // As scipy's L-BFGS-B: a failed line search discards the curvature memory and restarts from
  // the best point; only a failure that makes no progress on fresh memory ends the run.
  const LBFGSpp::LBFGSBParam<double> param = solver_parameters(options);
  line_searches = 0;
  for (;;) {
    LBFGSpp::LBFGSBSolver<double, CountingLineSearch> solver(param);
    const double start_value = tracked.best_value();
    x = tracked.best_x();
    double fx = 0.0;
    try {
      solver.minimize(tracked, x, fx, lb, ub);
      out.iterations = line_searches;
      tracked(x, grad);
      out.stop = projected_gradient_norm(x, grad, lb, ub) <= options.gtol ? LbfgsbStop::Gtol
                 : out.iterations >= options.maxiter                       ? LbfgsbStop::MaxIterations
                                                                           : LbfgsbStop::Ftol;
      out.converged = out.stop != LbfgsbStop::MaxIterations;
      out.settled = out.converged;
      out.status = to_string(out.stop);
      break;
    } catch (const std::exception& e) {
      out.iterations = line_searches;
      const bool progressed = tracked.best_value() < start_value;
      // A failure on fresh memory that gains nothing means no step along the projected steepest
      // descent lowers f in floating point: the end of the road with ftol = 0.
      out.stop = progressed ? LbfgsbStop::LineSearchFailed : LbfgsbStop::NoFurtherDecrease;
      out.status = progressed ? std::string(to_string(out.stop)) + ": " + e.what() : to_string(out.stop);
      out.settled = !progressed;
      if (!progressed || out.iterations >= options.maxiter) break;
    }
  }
  out.x.assign(tracked.best_x().data(), tracked.best_x().data() + n);
  out.f = tracked.best_value();
  out.evaluations = tracked.evaluations();
  return out;
}

}  // namespace slfit
