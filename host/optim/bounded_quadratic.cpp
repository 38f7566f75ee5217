#include "optim/bounded_quadratic.hpp"

#include <algorithm>
#include <cmath>

namespace slfit {

void BoundedQuadratic::solve_free(const Matrix& H, const Vector& q, std::span<const double> c) {
  const int m = static_cast<int>(q.size());
  num_free_ = 0;
  for (int k = 0; k < m; ++k)
    if (state_[k] == State::Free) free_[num_free_++] = k;
  const int f = num_free_;
  block_.resize(f, f);
  rhs_.resize(f);
  scale_.resize(f);
  free_solution_.resize(f);
  if (f == 0) return;
  // Scaling the block to a unit diagonal makes the pivots comparable whatever the sizes of the
  // basis functions (a constant 1 beside N^-0.3 ~ 1e-3).
  for (int a = 0; a < f; ++a) {
    const double d = H(free_[a], free_[a]);
    scale_(a) = d > 0 ? 1.0 / std::sqrt(d) : 1.0;
  }
  for (int a = 0; a < f; ++a) {
    const int i = free_[a];
    double r = q(i);
    for (int j = 0; j < m; ++j)
      if (state_[j] != State::Free) r -= H(i, j) * c[static_cast<std::size_t>(j)];
    rhs_(a) = scale_(a) * r;
    for (int b = 0; b < f; ++b) block_(a, b) = scale_(a) * H(i, free_[b]) * scale_(b);
  }
  ldlt_.compute(block_);
  free_solution_ = ldlt_.solve(rhs_);
  for (int a = 0; a < f; ++a) free_solution_(a) *= scale_(a);
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
  if (!free_solution_.allFinite()) return false;
  for (int k = 0; k < m; ++k) {
    const double t = free_solution_(k);
    state_[k] = t < lower[at(k)] ? State::AtLower : t > upper[at(k)] ? State::AtUpper : State::Free;
    c[at(k)] = std::clamp(t, lower[at(k)], upper[at(k)]);
  }
  if (std::none_of(state_, state_ + m, [](State s) { return s != State::Free; })) return true;

  // Each pass either moves to the free block's minimiser or stops at the first bound on the way
  // (fixing that variable), and frees a variable only where the objective then falls: the
  // objective never rises, so the cap only guards against cycling in floating point.
  for (int pass = 0; pass < 4 * m + 8; ++pass) {
    solve_free(H, q, c);
    if (!free_solution_.allFinite()) return true;
    double step = 1.0;
    int blocking = -1;
    State blocked_at = State::Free;
    for (int a = 0; a < num_free_; ++a) {
      const int k = free_[a];
      const double from = c[at(k)], to = free_solution_(a);
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
      const double moved = blocking < 0 ? free_solution_(a) : c[at(k)] + step * (free_solution_(a) - c[at(k)]);
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
