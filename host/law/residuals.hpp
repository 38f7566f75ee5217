#pragma once
// The residual spaces (slfit/law.hpp's ResidualSpace) on the host: each space's residual of a
// prediction, its derivative, and the targets it is defined for. Objective (law/objective.cpp)
// calls the compile-time forms in its loops; the standard errors (engine/uncertainty.cpp) and
// the data checks (engine/fit_batch.cpp) the run-time ones. The functions themselves are
// law/loss_terms.hpp's, which the generated CUDA code calls too.

#include <stdexcept>

#include "law/loss_terms.hpp"
#include "slfit/law.hpp"

namespace slfit {

// The residual of prediction p in `space`; `observed` is the space's transform of y
// (observed_values, slfit/objective.hpp).
template <ResidualSpace space>
inline double residual(double p, double observed) {
  if constexpr (space == ResidualSpace::Linear) return loss::linear_residual(p, observed);
  else if constexpr (space == ResidualSpace::Log) return loss::log_residual(p, observed);
  else if constexpr (space == ResidualSpace::NegLog) return loss::neglog_residual(p, observed);
  else return loss::relative_residual(p, observed);
}

// d(residual)/dp = 1 / divisor: 1, p (log and neglog alike), y (relative).
template <ResidualSpace space>
inline double residual_divisor(double p, double y) {
  if constexpr (space == ResidualSpace::Linear) return 1.0;
  else if constexpr (space == ResidualSpace::Relative) return y;
  else return p;
}

// Calls f.template operator()<space>() for a run-time space.
template <class F>
decltype(auto) visit_space(ResidualSpace space, F&& f) {
  switch (space) {
    case ResidualSpace::Linear: return f.template operator()<ResidualSpace::Linear>();
    case ResidualSpace::Log: return f.template operator()<ResidualSpace::Log>();
    case ResidualSpace::NegLog: return f.template operator()<ResidualSpace::NegLog>();
    case ResidualSpace::Relative: return f.template operator()<ResidualSpace::Relative>();
  }
  throw std::logic_error("slfit: unknown residual space");
}

inline double residual(ResidualSpace space, double p, double observed) {
  return visit_space(space, [&]<ResidualSpace s>() { return residual<s>(p, observed); });
}

inline double residual_divisor(ResidualSpace space, double p, double y) {
  return visit_space(space, [&]<ResidualSpace s>() { return residual_divisor<s>(p, y); });
}

// The targets a space is defined for, in words ("positive targets"), or nullptr for every
// target (linear); and whether y is one of them.
inline const char* target_domain(ResidualSpace space) {
  switch (space) {
    case ResidualSpace::Linear: return nullptr;
    case ResidualSpace::Log: return "positive targets";
    case ResidualSpace::NegLog: return "negative targets";
    case ResidualSpace::Relative: return "targets other than 0";
  }
  throw std::logic_error("slfit: unknown residual space");
}

inline bool in_target_domain(ResidualSpace space, double y) {
  switch (space) {
    case ResidualSpace::Linear: return true;
    case ResidualSpace::Log: return y > 0;
    case ResidualSpace::NegLog: return y < 0;
    case ResidualSpace::Relative: return y != 0;
  }
  throw std::logic_error("slfit: unknown residual space");
}

}  // namespace slfit
