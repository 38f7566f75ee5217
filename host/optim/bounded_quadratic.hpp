#pragma once
// The minimum of a small convex quadratic over a box: what the best linear parameters of a
// separable least-squares fit are (engine/projected_objective.hpp on the host, the separable law
// module kernels/projected_energy.cuh on the device), given the normal equations of their
// weighted least-squares problem.
//
//     minimise  c^T H c - 2 q^T c   subject to  lower <= c <= upper
//
// with H symmetric positive semidefinite. The unconstrained solution is taken when it lies in
// the box (the usual case); otherwise a primal active-set method (as Lawson and Hanson's, with
// two-sided bounds: Stark and Parker's BVLS) fixes variables at bounds and frees those whose
// multiplier has the wrong sign until the KKT conditions hold. Each subproblem is solved by a
// pivoted LDL^T of the free block after scaling it to a unit diagonal.
//
// Written once for host and device code (NVRTC compiles it embedded, as de_steps.hpp), so that
// both backends solve alike, bit for bit: fixed arrays of Capacity rows (the host's
// kMaxLinearParams, the device's law's own count), nothing allocated, no library.

#include "slfit/host_device.hpp"

#if !defined(__CUDACC_RTC__)
#include <math.h>  // fabs, sqrt and isfinite in the global namespace, as device code calls them
#endif

namespace slfit::quadratic {

// std::clamp's value (lower <= upper): lower below it, upper above, v itself between.
SLFIT_HOST_DEVICE inline double clamp_to(double v, double lower, double upper) {
  return v < lower ? lower : (upper < v ? upper : v);
}

template <class T>
SLFIT_HOST_DEVICE inline void swap_values(T& a, T& b) {
  const T t = a;
  a = b;
  b = t;
}

// Solves A x = b for the symmetric positive semidefinite f x f matrix A (row-major, overwritten)
// by LDL^T with diagonal pivoting, the largest remaining diagonal first (as Eigen's LDLT). A zero
// pivot leaves its column of L zero, and the solve takes the pseudo-inverse's 0 for pivots no
// larger than the smallest normal double: where A is singular, a minimiser of x^T A x - 2 b^T x.
template <int Capacity>
SLFIT_HOST_DEVICE void solve_pivoted_ldlt(double* a, const double* b, int f, double* x) {
  constexpr double kSmallestNormal = 2.2250738585072014e-308;  // DBL_MIN
  int order[Capacity];
  for (int k = 0; k < f; ++k) order[k] = k;
  for (int k = 0; k < f; ++k) {
    int pivot = k;
    for (int i = k + 1; i < f; ++i)
      if (fabs(a[i * f + i]) > fabs(a[pivot * f + pivot])) pivot = i;
    if (pivot != k) {  // the symmetric swap of rows and columns k and pivot
      for (int j = 0; j < f; ++j) swap_values(a[k * f + j], a[pivot * f + j]);
      for (int i = 0; i < f; ++i) swap_values(a[i * f + k], a[i * f + pivot]);
      swap_values(order[k], order[pivot]);
    }
    const double d = a[k * f + k];
    if (d == 0.0) {
      for (int i = k + 1; i < f; ++i) a[i * f + k] = 0.0;
      continue;
    }
    // The trailing block less l d l^T, row by row from the last, so that the column entries
    // a row reads (a(j, k), j <= i) are not yet divided by d.
    for (int i = f - 1; i > k; --i) {
      const double l = a[i * f + k] / d;
      for (int j = k + 1; j <= i; ++j) a[i * f + j] -= l * a[j * f + k];
      a[i * f + k] = l;
    }
    for (int i = k + 1; i < f; ++i)  // the upper triangle mirrors the lower for the next swaps
      for (int j = i + 1; j < f; ++j) a[i * f + j] = a[j * f + i];
  }
  double y[Capacity];
  for (int i = 0; i < f; ++i) {
    double v = b[order[i]];
    for (int j = 0; j < i; ++j) v -= a[i * f + j] * y[j];
    y[i] = v;
  }
  for (int i = 0; i < f; ++i) y[i] = fabs(a[i * f + i]) > kSmallestNormal ? y[i] / a[i * f + i] : 0.0;
  for (int i = f - 1; i >= 0; --i) {
    double v = y[i];
    for (int j = i + 1; j < f; ++j) v -= a[j * f + i] * y[j];
    y[i] = v;
  }
  for (int i = 0; i < f; ++i) x[order[i]] = y[i];
}

// The solver of at most Capacity variables. Its state is its workspace: one object serves any
// number of solves, and on the device lives in the thread's registers and local memory.
template <int Capacity>
class BoundedQuadratic {
 public:
  // Writes the minimiser into c[0, m) (m <= Capacity); H is m x m, row-major (row stride m).
  // Returns false when H or q is not finite (c is then left as the box's projection of 0).
  SLFIT_HOST_DEVICE bool minimise(const double* H, const double* q, const double* lower, const double* upper, int m,
                                  double* c) {
    for (int k = 0; k < m; ++k) c[k] = clamp_to(0.0, lower[k], upper[k]);
    for (int k = 0; k < m * m; ++k)
      if (!isfinite(H[k])) return false;
    for (int k = 0; k < m; ++k)
      if (!isfinite(q[k])) return false;

    // The unconstrained minimiser, or its projection onto the box as the active set's start.
    for (int k = 0; k < m; ++k) state_[k] = kFree;
    solve_free(H, q, m, c);
    if (!free_solution_finite()) return false;
    bool any_fixed = false;
    for (int k = 0; k < m; ++k) {
      const double t = free_solution_[k];
      state_[k] = t < lower[k] ? kAtLower : t > upper[k] ? kAtUpper : kFree;
      any_fixed = any_fixed || state_[k] != kFree;
      c[k] = clamp_to(t, lower[k], upper[k]);
    }
    if (!any_fixed) return true;

    // Each pass either moves to the free block's minimiser or stops at the first bound on the way
    // (fixing that variable), and frees a variable only where the objective then falls: the
    // objective never rises, so the cap only guards against cycling in floating point.
    for (int pass = 0; pass < 4 * m + 8; ++pass) {
      solve_free(H, q, m, c);
      if (!free_solution_finite()) return true;
      double step = 1.0;
      int blocking = -1;
      unsigned char blocked_at = kFree;
      for (int a = 0; a < num_free_; ++a) {
        const int k = free_[a];
        const double from = c[k], to = free_solution_[a];
        const bool below = to < lower[k], above = to > upper[k];
        if (!below && !above) continue;
        const double reach = below ? (from - lower[k]) / (from - to) : (upper[k] - from) / (to - from);
        if (reach < step) {
          step = reach;
          blocking = k;
          blocked_at = below ? kAtLower : kAtUpper;
        }
      }
      for (int a = 0; a < num_free_; ++a) {
        const int k = free_[a];
        const double moved = blocking < 0 ? free_solution_[a] : c[k] + step * (free_solution_[a] - c[k]);
        if (moved <= lower[k]) state_[k] = kAtLower;
        if (moved >= upper[k]) state_[k] = kAtUpper;
        c[k] = clamp_to(moved, lower[k], upper[k]);
      }
      if (blocking >= 0) {  // rounding cannot leave the variable that stopped the step free
        state_[blocking] = blocked_at;
        c[blocking] = blocked_at == kAtLower ? lower[blocking] : upper[blocking];
        continue;
      }

      // At the free block's minimiser: free the fixed variable whose multiplier says the objective
      // falls most steeply into the box, if any (gradient of c^T H c / 2 - q^T c is Hc - q).
      int release = -1;
      double steepest = 0.0;
      for (int k = 0; k < m; ++k) {
        if (state_[k] == kFree) continue;
        double g = -q[k], size = fabs(q[k]);
        for (int j = 0; j < m; ++j) {
          g += H[k * m + j] * c[j];
          size += fabs(H[k * m + j] * c[j]);
        }
        const double into_box = state_[k] == kAtLower ? -g : g;
        if (into_box > 1e-13 * size && into_box > steepest) {
          steepest = into_box;
          release = k;
        }
      }
      if (release < 0) return true;
      state_[release] = kFree;
    }
    return true;
  }

 private:
  static constexpr unsigned char kFree = 0, kAtLower = 1, kAtUpper = 2;

  // The minimiser over the free variables with the others held at c: into free_solution_.
  SLFIT_HOST_DEVICE void solve_free(const double* H, const double* q, int m, const double* c) {
    num_free_ = 0;
    for (int k = 0; k < m; ++k)
      if (state_[k] == kFree) free_[num_free_++] = k;
    const int f = num_free_;
    if (f == 0) return;
    // Scaling the block to a unit diagonal makes the pivots comparable whatever the sizes of the
    // basis functions (a constant 1 beside N^-0.3 ~ 1e-3).
    double scale[Capacity], block[Capacity * Capacity], rhs[Capacity];
    for (int a = 0; a < f; ++a) {
      const double d = H[free_[a] * m + free_[a]];
      scale[a] = d > 0 ? 1.0 / sqrt(d) : 1.0;
    }
    for (int a = 0; a < f; ++a) {
      const int i = free_[a];
      double r = q[i];
      for (int j = 0; j < m; ++j)
        if (state_[j] != kFree) r -= H[i * m + j] * c[j];
      rhs[a] = scale[a] * r;
      for (int b = 0; b < f; ++b) block[a * f + b] = scale[a] * H[i * m + free_[b]] * scale[b];
    }
    solve_pivoted_ldlt<Capacity>(block, rhs, f, free_solution_);
    for (int a = 0; a < f; ++a) free_solution_[a] *= scale[a];
  }

  SLFIT_HOST_DEVICE bool free_solution_finite() const {
    for (int a = 0; a < num_free_; ++a)
      if (!isfinite(free_solution_[a])) return false;
    return true;
  }

  unsigned char state_[Capacity] = {};
  int free_[Capacity] = {};
  int num_free_ = 0;
  double free_solution_[Capacity] = {};  // per free variable, in free_'s order
};

}  // namespace slfit::quadratic
