#pragma once
// Goodness-of-fit measures. Test metrics follow SLDBench's evaluator: predictions of all groups
// concatenated; nmse = MSE / variance of the targets; nmae = MAE / mean absolute deviation of
// the targets; r2 = 1 - nmse. Where the targets are constant these are undefined: NaN.

#include <cstddef>
#include <span>

namespace slfit {

struct Scores {
  double r2 = 0.0;
  double nmse = 0.0;
  double nmae = 0.0;
  std::size_t n = 0;
};

Scores score(std::span<const double> targets, std::span<const double> predictions);

}  // namespace slfit
