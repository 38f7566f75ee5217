#pragma once
// Data sets: the numeric columns of one CSV file, split into the groups that are fitted
// independently.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace slfit {

// The rows of one group, column-major: inputs[k][i] is input k of row i.
struct GroupData {
  std::string name;                          // the group label; "all" when there is no group column
  std::vector<std::vector<double>> inputs;   // one column per law variable, in the law's order
  std::vector<double> target;
  std::vector<std::size_t> lines;            // 1-based source line of each row, for messages
  std::vector<std::size_t> dropped_lines;    // rows left out for a missing value (MissingValues::Drop)
  // Per row, what its residual is multiplied by in the objective: a weight, or 1 / sigma
  // (ColumnSelection::scale). Empty when every residual counts as it is.
  std::vector<double> residual_scale;
  // The outputs of a multi-output law (Law, slfit/law.hpp): the points are then the rows once per
  // output, output after output (stack_outputs), and size() is outputs * rows().
  std::size_t outputs = 1;

  std::size_t size() const { return target.size(); }
  std::size_t rows() const { return target.size() / outputs; }
};

// Turns a group of rows (inputs, lines and residual_scale, one entry per row; `targets` one
// column per output) into the stacked points of a K-output law: every row once per output, the
// outputs one after another; point k * rows + i has row i's inputs, then K indicator inputs (1
// for output k, else 0), output k's target, row i's line and residual scale. With one output it
// only sets the target.
void stack_outputs(GroupData& group, const std::vector<std::vector<double>>& targets);

// How a per-row column scales the residual: a weight multiplies it (lmfit's weights, numpy's
// polyfit w), a sigma divides it (curve_fit's sigma). Either way the objective's term for a row is
// loss(scale * residual), so for squared residuals a weight counts squared.
enum class ScaleKind { Weight, Sigma };

// Which CSV columns feed a law: one column per law variable, the target, an optional group, and
// an optional residual scale.
struct ColumnSelection {
  ColumnSelection() = default;
  ColumnSelection(std::vector<std::string> inputs_, std::string target_, std::string group_ = "",
                  std::string scale_ = "", ScaleKind scale_kind_ = ScaleKind::Weight)
      : inputs(std::move(inputs_)), target(std::move(target_)), group(std::move(group_)), scale(std::move(scale_)),
        scale_kind(scale_kind_) {}

  std::vector<std::string> inputs;  // column names, in the law's variable order
  std::string target;
  // A multi-output law's target columns, one per output (target is then the first): the reader
  // stacks the groups (stack_outputs). Empty for one output.
  std::vector<std::string> outputs;
  std::string group;                // empty: the whole file is one group named "all"
  std::string scale;                // empty: no residual scale
  ScaleKind scale_kind = ScaleKind::Weight;
};

struct Dataset {
  std::string source;               // the file the rows came from
  ColumnSelection columns;
  std::vector<GroupData> groups;    // in order of first appearance in the file
  char delimiter = ',';             // the one its file was read with (given or detected)
};

}  // namespace slfit
