#pragma once
// A scaling law: its formula (as an AST), the CSV columns it reads, its parameters with their
// bounds, and the objective it is fitted by. Read from a JSON law file or a built-in name.

#include <optional>
#include <string>
#include <vector>

#include "slfit/dataset.hpp"
#include "slfit/expr.hpp"

namespace slfit {

enum class ObjectiveKind { Mse, Huber };
enum class ResidualSpace { Linear, Log };  // Log compares log(y) with log(prediction)
enum class Reduction { Mean, Sum };

struct ObjectiveSpec {
  ObjectiveKind kind = ObjectiveKind::Mse;
  double delta = 1.0;                      // Huber's threshold on the residual
  ResidualSpace space = ResidualSpace::Linear;
  Reduction reduce = Reduction::Mean;
  // Each residual multiplied by its row's GroupData::residual_scale (a weight, or 1 / sigma,
  // from the law's scale column) before the loss.
  bool weighted = false;

  friend bool operator==(const ObjectiveSpec&, const ObjectiveSpec&) = default;
};

// A bound or initial value: an expression over the statistics of the group being fitted.
// Its Var nodes index group_statistic_names(law.variables).
struct ParamSpec {
  std::string name;
  Expr lower;
  Expr upper;
  std::optional<Expr> init;
};

struct Law {
  std::string name;
  std::string source;                      // the law file, or "builtin:<name>"
  std::string formula;                     // as written, for messages and output
  Expr expr;                               // Var nodes index `variables`, Param nodes `params`
  std::vector<std::string> variables;      // formula inputs: the keys of `inputs`, in file order
  std::vector<std::string> columns;        // CSV column of each variable
  std::string target;                      // CSV column of the observed value
  std::string scale_column;                // CSV column of a weight or sigma per row; empty: none
  ScaleKind scale_kind = ScaleKind::Weight;
  std::vector<ParamSpec> params;
  ObjectiveSpec objective;

  std::vector<std::string> param_names() const;
};

// Names usable in bound and init expressions, in the order of the statistics vector that
// group_statistics() returns: y_min y_max y_mean y_range y_span, then <var>_min <var>_max for
// each variable. y_span is y_range, or 1 where y_range <= 1e-6 (the seed program's guard).
std::vector<std::string> group_statistic_names(const std::vector<std::string>& variables);

}  // namespace slfit
