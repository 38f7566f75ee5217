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
  SplitScores out{{kNaN, kNaN, kNaN, 0}, {}, std::vector<Scores>(train.groups.size(), Scores{kNaN, kNaN, kNaN, 0})};
  std::vector<double> targets, predictions;
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
    predictions.insert(predictions.end(), p.begin(), p.end());
    targets.insert(targets.end(), group.target.begin(), group.target.end());
    if (!group.target.empty()) out.groups[found->second] = score(group.target, p);
  }
  if (!out.error.empty()) return out;
  const Scores scores = score(targets, predictions);
  if (!std::isfinite(scores.r2) || !std::isfinite(scores.nmae)) {
    out.error = test.source + ": the test targets are constant, so r2, nmse and nmae are undefined";
    return out;
  }
  out.scores = scores;
  return out;
}

}  // namespace slfit
