#include "slfit/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace slfit {

Scores score(std::span<const double> targets, std::span<const double> predictions) {
  if (targets.size() != predictions.size() || targets.empty())
    throw std::invalid_argument("score: targets and predictions must be non-empty and of equal length");
  const double n = static_cast<double>(targets.size());
  double mean = 0.0;
  for (double y : targets) mean += y;
  mean /= n;
  double variance = 0.0, deviation = 0.0, squared_error = 0.0, absolute_error = 0.0;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    variance += (targets[i] - mean) * (targets[i] - mean);
    deviation += std::abs(targets[i] - mean);
    squared_error += (predictions[i] - targets[i]) * (predictions[i] - targets[i]);
    absolute_error += std::abs(predictions[i] - targets[i]);
  }
  constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();
  // Constant targets have no variance, but the rounded mean of, say, three 0.1s is not 0.1, which
  // would leave a variance of a few ulps and a meaningless r2 of -1e30.
  const bool constant = std::all_of(targets.begin(), targets.end(), [&](double y) { return y == targets[0]; });
  Scores s;
  s.n = targets.size();
  s.nmse = !constant && variance > 0.0 ? squared_error / variance : kUndefined;
  s.nmae = !constant && deviation > 0.0 ? absolute_error / deviation : kUndefined;
  s.r2 = 1.0 - s.nmse;
  return s;
}

Scores score_outputs(std::span<const double> targets, std::span<const double> predictions, std::size_t outputs,
                     std::vector<Scores>* per_output) {
  if (outputs == 0 || targets.size() % outputs != 0 || targets.size() != predictions.size())
    throw std::invalid_argument("score_outputs: targets and predictions must hold `outputs` equal blocks");
  if (outputs == 1) return score(targets, predictions);
  const std::size_t rows = targets.size() / outputs;
  Scores mean{0.0, 0.0, 0.0, rows};
  for (std::size_t k = 0; k < outputs; ++k) {
    const Scores s = score(targets.subspan(k * rows, rows), predictions.subspan(k * rows, rows));
    if (per_output) per_output->push_back(s);
    mean.nmse += s.nmse / static_cast<double>(outputs);
    mean.nmae += s.nmae / static_cast<double>(outputs);
  }
  mean.r2 = 1.0 - mean.nmse;
  return mean;
}

}  // namespace slfit
