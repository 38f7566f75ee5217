#include "optim/bounded_quadratic.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace slfit {

namespace {

// Solves A x = b for the symmetric positive semidefinite f x f matrix A (row-major, overwritten)
// by LDL^T with diagonal pivoting, the largest remaining diagonal first (as Eigen's LDLT, without
// its dynamic-size overhead on blocks of a few rows). A zero pivot leaves its column of L zero,
// and the solve takes the pseudo-inverse's 0 for pivots no larger than the smallest normal
// double: where A is singular, a minimiser of x^T A x - 2 b^T x.
void solve_pivoted_ldlt(double* a, double* b, int f, double* x) {
  int order[kMaxLinearParams];
  for (int k = 0; k < f; ++k) order[k] = k;
  const auto at = [&](int i, int j) -> double& { return a[i * f + j]; };
  for (int k = 0; k < f; ++k) {
    int pivot = k;
    for (int i = k + 1; i < f; ++i)
      if (std::fabs(at(i, i)) > std::fabs(at(pivot, pivot))) pivot = i;
    if (pivot != k) {  // the symmetric swap of rows and columns k and pivot
      for (int j = 0; j < f; ++j) std::swap(at(k, j), at(pivot, j));
      for (int i = 0; i < f; ++i) std::swap(at(i, k), at(i, pivot));
      std::swap(order[k], order[pivot]);
    }
    const double d = at(k, k);
    if (d == 0.0) {
      for (int i = k + 1; i < f; ++i) at(i, k) = 0.0;
      continue;
    }
    // The trailing block less l d l^T, row by row from the last, so that the column entries
    // a row reads (at(j, k), j <= i) are not yet divided by d.
    for (int i = f - 1; i > k; --i) {
      const double l = at(i, k) / d;
      for (int j = k + 1; j <= i; ++j) at(i, j) -= l * at(j, k);
      at(i, k) = l;
    }
    for (int i = k + 1; i < f; ++i)  // the upper triangle mirrors the lower for the next swaps
      for (int j = i + 1; j < f; ++j) at(i, j) = at(j, i);
  }
  double y[kMaxLinearParams];
  for (int i = 0; i < f; ++i) {
    double v = b[order[i]];
    for (int j = 0; j < i; ++j) v -= at(i, j) * y[j];
    y[i] = v;
  }
  for (int i = 0; i < f; ++i) y[i] = std::fabs(at(i, i)) > std::numeric_limits<double>::min() ? y[i] / at(i, i) : 0.0;
  for (int i = f - 1; i >= 0; --i) {
    double v = y[i];
    for (int j = i + 1; j < f; ++j) v -= at(j, i) * y[j];
    y[i] = v;
  }
  for (int i = 0; i < f; ++i) x[order[i]] = y[i];
}

}  // namespace

void BoundedQuadratic::solve_free(const Matrix& H, const Vector& q, std::span<const double> c) {
  const int m = static_cast<int>(q.size());
  num_free_ = 0;
  for (int k = 0; k < m; ++k)
    if (state_[k] == State::Free) free_[num_free_++] = k;
  const int f = num_free_;
  if (f == 0) return;
  // Scaling the block to a unit diagonal makes the pivots comparable whatever the sizes of the
  // basis functions (a constant 1 beside N^-0.3 ~ 1e-3).
  double scale[kMaxLinearParams], block[kMaxLinearParams * kMaxLinearParams], rhs[kMaxLinearParams];
  for (int a = 0; a < f; ++a) {
    const double d = H(free_[a], free_[a]);
    scale[a] = d > 0 ? 1.0 / std::sqrt(d) : 1.0;
  }
  for (int a = 0; a < f; ++a) {
    const int i = free_[a];
    double r = q(i);
    for (int j = 0; j < m; ++j)
      if (state_[j] != State::Free) r -= H(i, j) * c[static_cast<std::size_t>(j)];
    rhs[a] = scale[a] * r;
    for (int b = 0; b < f; ++b) block[a * f + b] = scale[a] * H(i, free_[b]) * scale[b];
  }
  solve_pivoted_ldlt(block, rhs, f, free_solution_);
  for (int a = 0; a < f; ++a) free_solution_[a] *= scale[a];
}

bool BoundedQuadratic::free_solution_finite() const {
  return std::all_of(free_solution_, free_solution_ + num_free_, [](double v) { return std::isfinite(v); });
}

bool BoundedQuadratic::minimise(const Matrix& H, const Vector& q, std::span<const double> lower,
                                std::span<const double> upper, std::span<double> c) {
  const int m = static_cast<int>(q.size());
  const auto at = [](int k) { return static_cast<std::size_t>(k); };
  for (int k = 0; k < m; ++k) c[at(k)] = std::clamp(0.0, lower[at(k)], upper[at(k)]);
  if (!H.allFinite() || !q.allFinite()) return false;

  // The unconstrained minimiser, or its projection onto the box as the active set's start.
  std::fill(state_, state_ + m, State::Free);
  solve_free(H, q, c);
  if (!free_solution_finite()) return false;
  for (int k = 0; k < m; ++k) {
    const double t = free_solution_[k];
    state_[k] = t < lower[at(k)] ? State::AtLower : t > upper[at(k)] ? State::AtUpper : State::Free;
    c[at(k)] = std::clamp(t, lower[at(k)], upper[at(k)]);
  }
  if (std::none_of(state_, state_ + m, [](State s) { return s != State::Free; })) return true;

  // Each pass either moves to the free block's minimiser or stops at the first bound on the way
  // (fixing that variable), and frees a variable only where the objective then falls: the
  // objective never rises, so the cap only guards against cycling in floating point.
  for (int pass = 0; pass < 4 * m + 8; ++pass) {
    solve_free(H, q, c);
    if (!free_solution_finite()) return true;
    double step = 1.0;
    int blocking = -1;
    State blocked_at = State::Free;
    for (int a = 0; a < num_free_; ++a) {
      const int k = free_[a];
      const double from = c[at(k)], to = free_solution_[a];
      const bool below = to < lower[at(k)], above = to > upper[at(k)];
      if (!below && !above) continue;
      const double reach = below ? (from - lower[at(k)]) / (from - to) : (upper[at(k)] - from) / (to - from);
      if (reach < step) {
        step = reach;
        blocking = k;
        blocked_at = below ? State::AtLower : State::AtUpper;
      }
    }
    for (int a = 0; a < num_free_; ++a) {
      const int k = free_[a];
      const double moved = blocking < 0 ? free_solution_[a] : c[at(k)] + step * (free_solution_[a] - c[at(k)]);
      if (moved <= lower[at(k)]) state_[k] = State::AtLower;
      if (moved >= upper[at(k)]) state_[k] = State::AtUpper;
      c[at(k)] = std::clamp(moved, lower[at(k)], upper[at(k)]);
    }
    if (blocking >= 0) {  // rounding cannot leave the variable that stopped the step free
      state_[blocking] = blocked_at;
      c[at(blocking)] = blocked_at == State::AtLower ? lower[at(blocking)] : upper[at(blocking)];
      continue;
    }

    // At the free block's minimiser: free the fixed variable whose multiplier says the objective
    // falls most steeply into the box, if any (gradient of c^T H c / 2 - q^T c is Hc - q).
    int release = -1;
    double steepest = 0.0;
    for (int k = 0; k < m; ++k) {
      if (state_[k] == State::Free) continue;
      double g = -q(k), size = std::fabs(q(k));
      for (int j = 0; j < m; ++j) {
        g += H(k, j) * c[at(j)];
        size += std::fabs(H(k, j) * c[at(j)]);
      }
      const double into_box = state_[k] == State::AtLower ? -g : g;
      if (into_box > 1e-13 * size && into_box > steepest) {
        steepest = into_box;
        release = k;
      }
    }
    if (release < 0) return true;
    state_[release] = State::Free;
  }
  return true;
}

}  // namespace slfit
