#pragma once
// Goodness-of-fit measures. Test metrics follow SLDBench's evaluator: predictions of all groups
// concatenated; nmse = MSE / variance of the targets; nmae = MAE / mean absolute deviation of
// the targets; r2 = 1 - nmse. Where the targets are constant these are undefined: NaN.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "slfit/dataset.hpp"
#include "slfit/objective.hpp"

namespace slfit {

struct Scores {
  double r2 = 0.0;
  double nmse = 0.0;
  double nmae = 0.0;
  std::size_t n = 0;
};

Scores score(std::span<const double> targets, std::span<const double> predictions);

// A multi-output law's points (stacked, output after output: stack_outputs) scored as SLDBench
// scores a multi-output task: each output's nmse and nmae alone, then their means over the
// outputs; r2 = 1 - the mean nmse; n counts rows. With one output, score(targets, predictions).
// Each output's own scores go to `per_output` when given.
Scores score_outputs(std::span<const double> targets, std::span<const double> predictions, std::size_t outputs,
                     std::vector<Scores>* per_output = nullptr);

// A test split scored: its scores, or why it has none.
struct SplitScores {
  Scores scores;      // all groups' predictions together; all NaN when error is set
  std::string error;  // "TEST.csv:LINE: the prediction for group 'g' is inf", or constant targets
  // Per training group, in training order: that group's test rows scored alone; n = 0 where the
  // test file has none of its rows, NaN metrics where its test targets are constant.
  std::vector<Scores> groups;
  // A multi-output law's outputs, each scored over all groups' rows (empty for one output);
  // `scores` is their mean (score_outputs).
  std::vector<Scores> outputs;
};

// Throws InputError, naming its first line and both files, for a group of `test` that `train`
// does not have: it has no fit to be predicted by. Callers check before fitting.
void require_test_groups_in_training(const Dataset& test, const Dataset& train);

// Every group of `test` predicted with params[g], the parameters fitted to the group of `train`
// of the same name, concatenated in test-file order and scored. A test group absent from `train`
// is an InputError (require_test_groups_in_training); a prediction that is not finite, or
// constant test targets, leave the scores NaN and say so in `error`, naming the file and line.
SplitScores score_split(const Dataset& test, const Dataset& train, const CompiledLaw& compiled,
                        const std::vector<std::vector<double>>& params);

}  // namespace slfit
