#pragma once
// A scaling law: its formula (as an AST), the CSV columns it reads, its parameters with their
// bounds, and the objective it is fitted by. Read from a JSON law file or a built-in name.

#include <optional>
#include <string>
#include <vector>

#include "slfit/dataset.hpp"
#include "slfit/expr.hpp"

namespace slfit {

// The loss applied to each point's residual r (README, "Objective", has every formula).
enum class Loss {
  Mse,     // r^2
  Mae,     // |r|
  Huber,   // scipy.special.huber(delta, r): r^2 / 2 within delta, delta (|r| - delta / 2) beyond
  SoftL1,  // C^2 * 2 (sqrt(1 + (r/C)^2) - 1)    C = f_scale; the per-point terms whose half-sum
  Cauchy,  // C^2 * log(1 + (r/C)^2)               scipy.optimize.least_squares minimises with
  Arctan,  // C^2 * arctan((r/C)^2)                loss=<name>, f_scale=C
};

// What a point's residual compares, with y its observed value and p its prediction.
enum class ResidualSpace {
  Linear,    // p - y
  Log,       // log(p) - log(y); y > 0
  NegLog,    // log(-p) - log(-y), for negative targets; y < 0
  Relative,  // (p - y) / y; y != 0
};

enum class Reduction { Mean, Sum };

// One term of an objective: coefficient * (the mean or sum over the points of loss(residual)).
struct ObjectiveTerm {
  Loss loss = Loss::Mse;
  ResidualSpace space = ResidualSpace::Linear;
  double scale = 1.0;        // Huber's delta, or f_scale of soft_l1, cauchy and arctan; else unused
  double coefficient = 1.0;

  friend bool operator==(const ObjectiveTerm&, const ObjectiveTerm&) = default;
  friend auto operator<=>(const ObjectiveTerm&, const ObjectiveTerm&) = default;
};

// The objective a law is fitted by: the sum of its terms, each over every point, plus a ridge
// penalty ridge * sum of p_k^2 over the parameters in ridge_params. Each point's terms are added
// in term order before the points are summed, on the host and in the generated CUDA code alike.
struct ObjectiveSpec {
  std::vector<ObjectiveTerm> terms = {ObjectiveTerm{}};
  Reduction reduce = Reduction::Mean;
  // Each residual multiplied by its row's GroupData::residual_scale (a weight, or 1 / sigma,
  // from the law's scale column) before the loss.
  bool weighted = false;
  double ridge = 0.0;
  std::vector<int> ridge_params;  // indices into Law::params, ascending
  // A multi-output law's residuals divided by the standard deviation of their output's targets
  // in the rows fitted, so that each output's mse term is its MSE / variance (SLDBench's nmse).
  bool normalize_outputs = false;

  // One mse term with coefficient 1 and no ridge: a least-squares objective, in whichever space,
  // for which standard errors and the surface's F-test intervals exist.
  bool least_squares() const;
  // Whether residuals are scaled per point: by a weight column, or by output normalisation.
  bool scales_residuals() const { return weighted || normalize_outputs; }

  friend bool operator==(const ObjectiveSpec&, const ObjectiveSpec&) = default;
  friend auto operator<=>(const ObjectiveSpec&, const ObjectiveSpec&) = default;
};

// The names a law file gives them ("soft_l1", "neglog").
const char* loss_name(Loss loss);
const char* residual_space_name(ResidualSpace space);

// The coordinates DE and the refinement search a parameter in: linear over its bounds, or log
// (log-uniform samples, steps relative to its size) for positive bounds spanning many decades,
// where a linear search would spend nearly all its samples in the top decade. Auto is log where
// the group's bounds are positive and upper > 1000 lower, else linear (resolve_bounds).
enum class ParamScale { Auto, Linear, Log };
const char* param_scale_name(ParamScale scale);  // "auto", "linear", "log"

// A bound or initial value: an expression over the statistics of the group being fitted.
// Its Var nodes index group_statistic_names(law.variables).
struct ParamSpec {
  std::string name;
  Expr lower;
  Expr upper;
  std::optional<Expr> init;
  ParamScale scale = ParamScale::Auto;
};

// One output of a multi-output law: its own formula over the law's inputs and parameters (a
// parameter used by several outputs is one parameter), and the column it predicts.
struct LawOutput {
  std::string name;
  std::string formula;
  Expr expr;           // Var nodes index Law::variables, Param nodes Law::params
  std::string target;
};

// A law with K > 1 outputs is fitted on stacked points: each row of the data once per output,
// output after output (stack_outputs, slfit/dataset.hpp), so that the whole engine (DE, the
// refinement, the objective's terms, the CUDA code) sees one prediction per point. Its `expr`
// is the prediction at any point, sum_k [the point is output k's] * f_k, the indicators being K
// more variables after the inputs (Var nodes variables.size() + k), which stacking adds to each
// point; as every row appears in every output, a formula that is not finite at a row makes that
// row's own point non-finite too, so the indicators never change whether the objective is.
struct Law {
  std::string name;
  std::string source;                      // the law file, or "builtin:<name>"
  std::string formula;                     // as written, for messages and output; K outputs: "f_1; ...; f_K"
  Expr expr;                               // Var nodes index `variables` (and the output indicators), Param nodes `params`
  std::vector<std::string> variables;      // formula inputs: the keys of `inputs`, in file order
  std::vector<std::string> columns;        // CSV column of each variable
  std::string target;                      // CSV column of the observed value; K outputs: the first output's
  std::vector<LawOutput> outputs;          // empty for a law of one output
  std::string scale_column;                // CSV column of a weight or sigma per row; empty: none
  ScaleKind scale_kind = ScaleKind::Weight;
  std::vector<ParamSpec> params;
  ObjectiveSpec objective;

  std::vector<std::string> param_names() const;
  // How many outputs the law predicts (1 without `outputs`), and the variables each point has:
  // the inputs, then with K > 1 outputs the K output indicators.
  std::size_t num_outputs() const { return outputs.empty() ? 1 : outputs.size(); }
  std::size_t num_point_variables() const { return variables.size() + (outputs.empty() ? 0 : outputs.size()); }
  // The target column of each output.
  std::vector<std::string> targets() const;
  // Names for every Var node of `expr`: the inputs, then "[output NAME]" for each indicator.
  std::vector<std::string> point_variable_names() const;
};

// Names usable in bound and init expressions, in the order of the statistics vector that
// group_statistics() returns: y_min y_max y_mean y_range y_span, then <var>_min <var>_max for
// each variable. y_span is y_range, or 1 where y_range <= 1e-6 (the seed program's guard). For a
// multi-output law the y statistics are over every output's targets.
std::vector<std::string> group_statistic_names(const std::vector<std::string>& variables);

}  // namespace slfit
