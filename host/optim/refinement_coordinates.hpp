#pragma once
// The coordinates a refinement runs L-BFGS-B (and the Newton polish) in, apart from the
// parameters' own units: the unit box DE searches, log coordinates for parameters searched in
// them, or steps relative to a start point (engine/pipeline.cpp chooses). A function of x is
// seen in these coordinates through InCoordinates, which maps the bounds and the gradient.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "law/vector_math.hpp"
#include "optim/lbfgsb.hpp"

namespace slfit {

// The coordinates v a refinement runs in: x_j = offset_j + scale_j v_j (scale_j > 0), or, for a
// parameter searched in log coordinates, x_j = exp(offset_j + scale_j v_j); x is clamped to the
// bounds against rounding.
struct Coordinates {
  std::vector<double> offset, scale;
  std::vector<bool> log;

  double to_x(std::size_t j, double v) const {
    const double t = offset[j] + scale[j] * v;
    return log[j] ? vmath::exp(t) : t;
  }
  double to_v(std::size_t j, double x) const { return ((log[j] ? vmath::log(x) : x) - offset[j]) / scale[j]; }
  // dx_j / dv_j at the point whose x_j is x.
  double slope(std::size_t j, double x) const { return log[j] ? x * scale[j] : scale[j]; }
};

// The unit box DE searches, x = lower + u (upper - lower), with log coordinates where `log_scale`
// says (exp of the same point of [log lower, log upper], as de::unit_to_param): parameters of very
// different magnitudes (a ~ 40 beside c ~ 0.05) get comparable steps, which keeps the line search
// from stalling in the narrow valleys that scaling laws have near their optimum.
inline Coordinates unit_box(const std::vector<double>& lo, const std::vector<double>& hi,
                     std::span<const std::uint8_t> log_scale) {
  Coordinates c;
  for (std::size_t j = 0; j < lo.size(); ++j) {
    const bool log = !log_scale.empty() && log_scale[j] != 0 && lo[j] > 0 && lo[j] < hi[j];
    c.log.push_back(log);
    c.offset.push_back(log ? vmath::log(lo[j]) : lo[j]);
    c.scale.push_back(log ? vmath::log(hi[j]) - vmath::log(lo[j]) : hi[j] > lo[j] ? hi[j] - lo[j] : 1.0);
  }
  return c;
}

// Coordinates scaled by a start point, x = x0 + |x0| v (the bound width where x0 is 0, 1 where
// that is 0 too): starting near an optimum, every parameter takes steps relative to its own size,
// where the unit box would give a ~500 beside bounds of width 1e6 a millionth of the step it needs.
inline Coordinates start_scaled(std::span<const double> x0, const std::vector<double>& lo,
                                const std::vector<double>& hi) {
  Coordinates c;
  for (std::size_t j = 0; j < lo.size(); ++j) {
    c.offset.push_back(x0[j]);
    c.scale.push_back(x0[j] != 0 ? std::fabs(x0[j]) : hi[j] > lo[j] ? hi[j] - lo[j] : 1.0);
    c.log.push_back(false);
  }
  return c;
}

// A function of x over [lo, hi] seen in coordinates c: the bounds mapped to v, x clamped to the
// bounds against rounding, the gradient mapped by the chain rule.
class InCoordinates {
 public:
  InCoordinates(const GradientFunction& f, const Coordinates& c, const std::vector<double>& lo,
                const std::vector<double>& hi)
      : f_(f), c_(c), lo_(lo), hi_(hi), x_(lo.size()) {
    for (std::size_t j = 0; j < lo.size(); ++j) {
      v_lower.push_back(c.to_v(j, lo[j]));
      v_upper.push_back(c.to_v(j, hi[j]));
    }
  }

  std::vector<double> v_of(std::span<const double> x) const {
    std::vector<double> v(x.size());
    for (std::size_t j = 0; j < x.size(); ++j) v[j] = c_.to_v(j, x[j]);
    return v;
  }
  std::vector<double> x_of(std::span<const double> v) {
    for (std::size_t j = 0; j < x_.size(); ++j) x_[j] = std::clamp(c_.to_x(j, v[j]), lo_[j], hi_[j]);
    return x_;
  }
  // f in v; refers to this object.
  GradientFunction function() {
    return [this](std::span<const double> v, std::span<double> g) {
      x_of(v);
      const double value = f_(x_, g);
      for (std::size_t j = 0; j < x_.size(); ++j) g[j] *= c_.slope(j, x_[j]);
      return value;
    };
  }

  std::vector<double> v_lower, v_upper;

 private:
  const GradientFunction& f_;
  const Coordinates& c_;
  const std::vector<double>& lo_;
  const std::vector<double>& hi_;
  std::vector<double> x_;
};

// Minimises f over [lo, hi] by L-BFGS-B in coordinates c from x0; the outcome's x is in f's units.
inline LbfgsbOutcome minimize_in(const GradientFunction& f, const Coordinates& c, std::span<const double> x0,
                          const std::vector<double>& lo, const std::vector<double>& hi, const LbfgsbOptions& options) {
  InCoordinates in(f, c, lo, hi);
  LbfgsbOutcome local = minimize_lbfgsb(in.function(), in.v_of(x0), in.v_lower, in.v_upper, options);
  local.x = in.x_of(local.x);
  return local;
}

}  // namespace slfit
