// The test split's scores, for `slfit fit --test` and every rescored leaderboard entry alike.

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>

#include "slfit/error.hpp"
#include "slfit/metrics.hpp"

namespace slfit {

void require_test_groups_in_training(const Dataset& test, const Dataset& train) {
  for (const GroupData& group : test.groups) {
    const bool found = std::any_of(train.groups.begin(), train.groups.end(),
                                   [&](const GroupData& g) { return g.name == group.name; });
    if (!found)
      throw InputError(test.source + ":" + std::to_string(group.lines.front()) + ": group '" + group.name +
                       "' does not appear in the training data " + train.source);
  }
}

SplitScores score_split(const Dataset& test, const Dataset& train, const CompiledLaw& compiled,
                        const std::vector<std::vector<double>>& params) {
  if (params.size() != train.groups.size())
    throw std::invalid_argument("score_split: one parameter vector per training group");
  require_test_groups_in_training(test, train);
  std::map<std::string, std::size_t> train_group;
  for (std::size_t g = 0; g < train.groups.size(); ++g) train_group.emplace(train.groups[g].name, g);

  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  SplitScores out{{kNaN, kNaN, kNaN, 0}, {}, std::vector<Scores>(train.groups.size(), Scores{kNaN, kNaN, kNaN, 0}), {}};
  // Output after output, each output's rows of every group in test-file order.
  const std::size_t outputs = test.groups.empty() ? 1 : test.groups.front().outputs;
  std::vector<std::vector<double>> targets(outputs), predictions(outputs);
  for (const GroupData& group : test.groups) {
    const auto found = train_group.find(group.name);
    const std::vector<double> p = predict(compiled, group, params[found->second]);
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (std::isfinite(p[i]) || !out.error.empty()) continue;
      std::ostringstream value;
      value << p[i];
      out.error = test.source + ":" + std::to_string(group.lines[i]) + ": the prediction for group '" + group.name +
                  "' is " + value.str();
    }
    const std::size_t rows = group.rows();
    for (std::size_t k = 0; k < outputs; ++k) {
      const auto block = static_cast<long>(k * rows), end = static_cast<long>((k + 1) * rows);
      predictions[k].insert(predictions[k].end(), p.begin() + block, p.begin() + end);
      targets[k].insert(targets[k].end(), group.target.begin() + block, group.target.begin() + end);
    }
    if (!group.target.empty()) out.groups[found->second] = score_outputs(group.target, p, outputs);
  }
  if (!out.error.empty()) return out;
  std::vector<double> all_targets, all_predictions;
  for (std::size_t k = 0; k < outputs; ++k) {
    all_targets.insert(all_targets.end(), targets[k].begin(), targets[k].end());
    all_predictions.insert(all_predictions.end(), predictions[k].begin(), predictions[k].end());
  }
  std::vector<Scores> per_output;
  const Scores scores = score_outputs(all_targets, all_predictions, outputs, outputs > 1 ? &per_output : nullptr);
  if (!std::isfinite(scores.r2) || !std::isfinite(scores.nmae)) {
    out.error = test.source + ": the test targets are constant, so r2, nmse and nmae are undefined";
    return out;
  }
  out.scores = scores;
  out.outputs = std::move(per_output);
  return out;
}

}  // namespace slfit
