#include "optim/newton_polish.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>

#include "optim/projected_gradient.hpp"

namespace slfit {
namespace {

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;

// f with its evaluations counted; a non-finite value or gradient reads as +inf.
class Counted {
 public:
  explicit Counted(const GradientFunction& f) : f_(f) {}
  double operator()(const Vector& x, Vector& grad) {
    ++evaluations;
    const double value = f_(std::span<const double>(x.data(), x.size()), std::span<double>(grad.data(), grad.size()));
    return std::isfinite(value) && grad.allFinite() ? value : std::numeric_limits<double>::infinity();
  }
  long long evaluations = 0;

 private:
  const GradientFunction& f_;
};

// Coordinates at a bound with the gradient pushing outward stay fixed for the step.
std::vector<Eigen::Index> free_coordinates(const Vector& x, const Vector& g, const Vector& lb, const Vector& ub) {
  std::vector<Eigen::Index> free;
  for (Eigen::Index j = 0; j < x.size(); ++j)
    if (!((x[j] <= lb[j] && g[j] > 0) || (x[j] >= ub[j] && g[j] < 0))) free.push_back(j);
  return free;
}

// The Hessian over the free coordinates, column j from the gradients at x +- h e_j (one-sided
// where a bound leaves no room); false when a gradient there is not finite.
bool difference_hessian(Counted& f, const Vector& x, const Vector& g, const Vector& lb, const Vector& ub,
                        const std::vector<Eigen::Index>& free, double h, Matrix& H) {
  const auto m = static_cast<Eigen::Index>(free.size());
  H.resize(m, m);
  Vector xp = x, xm = x, gp(x.size()), gm(x.size());
  for (Eigen::Index c = 0; c < m; ++c) {
    const Eigen::Index j = free[c];
    const bool up = x[j] + h <= ub[j], down = x[j] - h >= lb[j];
    xp[j] = up ? x[j] + h : x[j];
    xm[j] = down ? x[j] - h : x[j];
    if (xp[j] == xm[j]) return false;  // a box narrower than the step
    const bool ok = std::isfinite(up ? f(xp, gp) : 0.0) && std::isfinite(down ? f(xm, gm) : 0.0);
    if (!ok) return false;
    const Vector& g_hi = up ? gp : g;
    const Vector& g_lo = down ? gm : g;
    for (Eigen::Index r = 0; r < m; ++r) H(r, c) = (g_hi[free[r]] - g_lo[free[r]]) / (xp[j] - xm[j]);
    xp[j] = xm[j] = x[j];
  }
  H = 0.5 * (H + H.transpose()).eval();
  return true;
}

}  // namespace

NewtonOutcome newton_polish(const GradientFunction& function, std::span<const double> x0,
                            std::span<const double> lower, std::span<const double> upper,
                            const NewtonOptions& options) {
  const auto n = static_cast<Eigen::Index>(x0.size());
  const Vector lb = Eigen::Map<const Vector>(lower.data(), n);
  const Vector ub = Eigen::Map<const Vector>(upper.data(), n);
  Vector x = Eigen::Map<const Vector>(x0.data(), n).cwiseMax(lb).cwiseMin(ub);
  Counted f(function);
  Vector g(n), trial_g(n);
  double fx = f(x, g);

  NewtonOutcome out;
  const auto finish = [&](const char* status) {
    out.x.assign(x.data(), x.data() + n);
    out.f = fx;
    out.evaluations = f.evaluations;
    out.status = status;
    return out;
  };
  if (!std::isfinite(fx)) return finish("start point not finite");

  // Levenberg-Marquardt damping relative to the Hessian's diagonal: 0 takes the Newton step;
  // each rejected trial multiplies it by ten, bending the step toward steepest descent and
  // shortening it; an accepted one divides it by ten.
  double damping = 0.0;
  constexpr double kFirstDamping = 1e-8;
  Matrix H;
  for (;;) {
    if (projected_gradient_norm(x, g, lb, ub) <= options.gtol) return finish("converged: gtol");
    if (out.iterations >= options.max_iterations) return finish("max iterations");
    const std::vector<Eigen::Index> free = free_coordinates(x, g, lb, ub);
    if (free.empty() || !difference_hessian(f, x, g, lb, ub, free, options.step, H))
      return finish("no further decrease");
    const auto m = static_cast<Eigen::Index>(free.size());
    Vector g_free(m), diagonal(m);
    for (Eigen::Index r = 0; r < m; ++r) {
      g_free[r] = g[free[r]];
      diagonal[r] = std::max(std::fabs(H(r, r)), std::numeric_limits<double>::min());
    }

    bool accepted = false;
    for (int tries = 0; tries < options.max_damping_tries && !accepted; ++tries) {
      const Eigen::LLT<Matrix> llt((H + damping * diagonal.asDiagonal().toDenseMatrix()).eval());
      if (llt.info() == Eigen::Success) {
        const Vector step = llt.solve(-g_free);
        Vector trial = x;
        for (Eigen::Index r = 0; r < m; ++r) trial[free[r]] += step[r];
        trial = trial.cwiseMax(lb).cwiseMin(ub);
        const double f_trial = f(trial, trial_g);
        if (f_trial < fx) {
          const double gain = (fx - f_trial) / std::max(std::fabs(fx), std::numeric_limits<double>::min());
          x = trial;
          fx = f_trial;
          g = trial_g;
          ++out.iterations;
          damping = damping > kFirstDamping ? damping / 10 : 0.0;
          accepted = true;
          // Gains at the level of rounding: another Hessian would cost more than it can find.
          if (gain < 4 * std::numeric_limits<double>::epsilon()) return finish("converged: no relative decrease");
          continue;
        }
      }
      damping = damping > 0 ? damping * 10 : kFirstDamping;  // not positive definite, or no gain
    }
    if (!accepted) return finish("no further decrease");
  }
}

}  // namespace slfit
