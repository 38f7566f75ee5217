#pragma once
// The per-point pieces of the objectives (slfit/law.hpp's Loss and ResidualSpace), written once
// for host and device code: Objective (law/objective.cpp) sums them on the host, and the law's
// generated CUDA code (law/cuda_codegen.cpp, with this header embedded for NVRTC) calls the same
// functions, so both backends compute every term with the same operations. A new loss is a pair
// of functions here and a case in each of the two callers.

#include "slfit/host_device.hpp"

#if !defined(__CUDACC_RTC__)
#include <math.h>  // fabs, copysign, sqrt and isinf in the global namespace, as device code calls them
#endif
#if !defined(__CUDACC__) && !defined(__CUDACC_RTC__)
#include "law/vector_math.hpp"
#endif

namespace slfit::loss {

// log, log1p and atan are CUDA's on the device and SLEEF's on the host (law/vector_math.hpp), as
// the law's own functions are: the same bits on every CPU.
#if !defined(__CUDACC__) && !defined(__CUDACC_RTC__)
using vmath::atan;
using vmath::log;
using vmath::log1p;
#endif

// The sum of f(i) over the points i = 0, ..., n - 1, in the one order every objective and every
// per-point sum of the host and the device uses: four running sums (point i into sum i mod 4),
// combined as (s0 + s1) + (s2 + s3). Four independent chains of additions let a CPU overlap
// them, where a single running sum waits for each addition in turn.
template <class Index, class F>
SLFIT_HOST_DEVICE inline double sum_over_points(Index n, F&& f) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  Index i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += f(i);
    s1 += f(i + 1);
    s2 += f(i + 2);
    s3 += f(i + 3);
  }
  if (i < n) s0 += f(i);
  if (i + 1 < n) s1 += f(i + 1);
  if (i + 2 < n) s2 += f(i + 2);
  return (s0 + s1) + (s2 + s3);
}

// sum_over_points of K functions side by side, in one pass over the points: f(i, v) writes the
// K values of point i into v[0..K). Each sum runs in sum_over_points' four chains, so each is the
// bits of its own sum_over_points; the pass reads the points' shared inputs once, not K times
// (the host's normal equations of a separable law, engine/projected_objective.cpp).
template <int K, class Index, class F>
SLFIT_HOST_DEVICE inline void sums_over_points(Index n, F&& f, double (&sums)[K]) {
  double chains[4][K] = {};
  double v[K];
  Index i = 0;
  for (; i + 4 <= n; i += 4) {
    for (int c = 0; c < 4; ++c) {
      f(i + c, v);
      for (int k = 0; k < K; ++k) chains[c][k] += v[k];
    }
  }
  for (int c = 0; i + c < n; ++c) {
    f(i + c, v);
    for (int k = 0; k < K; ++k) chains[c][k] += v[k];
  }
  for (int k = 0; k < K; ++k) sums[k] = (chains[0][k] + chains[1][k]) + (chains[2][k] + chains[3][k]);
}

// sum_over_points' value, one f(i) at a time: the same four chains, each added to in point order,
// combined alike, so the same bits. For the GPU (law_entry.cuh), where four points' law code side
// by side hold more registers (the ParScale law's objective 134 against 124 one at a time), and
// spill more under the register cap (nvrtc_compiler.hpp).
template <class Index, class F>
SLFIT_HOST_DEVICE inline double sum_over_points_one_at_a_time(Index n, F&& f) {
  double c0 = 0.0, c1 = 0.0, c2 = 0.0, c3 = 0.0;  // c0 takes the next point; the chains rotate
#ifdef __CUDA_ARCH__
#pragma unroll 1
#endif
  for (Index i = 0; i < n; ++i) {
    const double sum = c0 + f(i);
    c0 = c1;
    c1 = c2;
    c2 = c3;
    c3 = sum;
  }
  // After n points c_j holds the chain of the points i = n + j (mod 4).
  switch (static_cast<int>(n % 4)) {
    case 0: return (c0 + c1) + (c2 + c3);
    case 1: return (c3 + c0) + (c1 + c2);
    case 2: return (c2 + c3) + (c0 + c1);
    default: return (c1 + c2) + (c3 + c0);
  }
}

// sum_over_points' values of E sums at once, the points added one at a time (the same four
// rotating chains as sum_over_points_one_at_a_time, per sum): the normal equations of a separable
// law on the device (kernels/projected_energy.cuh), whose entries are each the host's
// sum_over_points of one term.
template <int E>
class PointSums {
 public:
  // Adds one point's value of every sum.
  SLFIT_HOST_DEVICE void add(const double* value) {
    for (int e = 0; e < E; ++e) {
      const double sum = c0_[e] + value[e];
      c0_[e] = c1_[e];
      c1_[e] = c2_[e];
      c2_[e] = c3_[e];
      c3_[e] = sum;
    }
    points_ = points_ == 3 ? 0 : points_ + 1;
  }
  // Sum e over the points added so far.
  SLFIT_HOST_DEVICE double total(int e) const {
    switch (points_) {
      case 0: return (c0_[e] + c1_[e]) + (c2_[e] + c3_[e]);
      case 1: return (c3_[e] + c0_[e]) + (c1_[e] + c2_[e]);
      case 2: return (c2_[e] + c3_[e]) + (c0_[e] + c1_[e]);
      default: return (c1_[e] + c2_[e]) + (c3_[e] + c0_[e]);
    }
  }

 private:
  double c0_[E] = {}, c1_[E] = {}, c2_[E] = {}, c3_[E] = {};
  int points_ = 0;  // the points added, mod 4
};

// mse: r^2.
SLFIT_HOST_DEVICE inline double squared(double r) { return r * r; }
SLFIT_HOST_DEVICE inline double squared_derivative(double r) { return 2.0 * r; }

// mae: |r|; its derivative is taken as 0 at r = 0 (numpy.sign's choice).
SLFIT_HOST_DEVICE inline double absolute(double r) { return fabs(r); }
SLFIT_HOST_DEVICE inline double absolute_derivative(double r) { return r > 0.0 ? 1.0 : (r < 0.0 ? -1.0 : 0.0); }

// huber: scipy.special.huber(delta, r), quadratic within delta of zero and linear beyond.
SLFIT_HOST_DEVICE inline double huber(double r, double delta) {
  const double size = fabs(r);
  return size <= delta ? 0.5 * r * r : delta * (size - 0.5 * delta);
}
SLFIT_HOST_DEVICE inline double huber_derivative(double r, double delta) {
  return fabs(r) <= delta ? r : copysign(delta, r);
}

// scipy.optimize.least_squares' robust losses rho(z), z = (r / C)^2, as per-point terms
// C^2 rho(z): r^2 for small r, as mse's. least_squares(loss=..., f_scale=C) minimises half their
// sum. Each derivative is d/dr = 2 r rho'(z).
SLFIT_HOST_DEVICE inline double scaled_square(double r, double f_scale) {
  const double u = r / f_scale;
  return u * u;
}

// soft_l1: rho(z) = 2 (sqrt(1 + z) - 1).
SLFIT_HOST_DEVICE inline double soft_l1(double r, double f_scale) {
  return f_scale * f_scale * (2.0 * (sqrt(1.0 + scaled_square(r, f_scale)) - 1.0));
}
SLFIT_HOST_DEVICE inline double soft_l1_derivative(double r, double f_scale) {
  return 2.0 * r / sqrt(1.0 + scaled_square(r, f_scale));
}

// cauchy: rho(z) = log(1 + z).
SLFIT_HOST_DEVICE inline double cauchy(double r, double f_scale) {
  return f_scale * f_scale * log1p(scaled_square(r, f_scale));
}
SLFIT_HOST_DEVICE inline double cauchy_derivative(double r, double f_scale) {
  return 2.0 * r / (1.0 + scaled_square(r, f_scale));
}

// arctan: rho(z) = arctan(z). It saturates, so an infinite residual (an infinite prediction) is
// kept infinite here: a non-finite prediction makes every objective +inf.
SLFIT_HOST_DEVICE inline double arctan(double r, double f_scale) {
  return isinf(r) ? r * r : f_scale * f_scale * atan(scaled_square(r, f_scale));
}
SLFIT_HOST_DEVICE inline double arctan_derivative(double r, double f_scale) {
  const double z = scaled_square(r, f_scale);
  return 2.0 * r / (1.0 + z * z);
}

// The residual spaces, with `observed` the precomputed transform of y that each compares the
// prediction p with (law/objective.cpp's observed_values): y (linear, relative), log(y) (log),
// log(-y) (neglog). d/dp of each is 1, 1/p, 1/p and 1/y.
SLFIT_HOST_DEVICE inline double linear_residual(double p, double observed) { return p - observed; }
SLFIT_HOST_DEVICE inline double log_residual(double p, double log_y) { return log(p) - log_y; }
SLFIT_HOST_DEVICE inline double neglog_residual(double p, double log_neg_y) { return log(-p) - log_neg_y; }
SLFIT_HOST_DEVICE inline double relative_residual(double p, double y) { return (p - y) / y; }

}  // namespace slfit::loss
