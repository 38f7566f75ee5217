// The check that a group's rows can be fitted at all: a data-only term that is NaN at a row
// (the log of a negative size, 0/0) makes that row's prediction NaN for every parameter value.

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "law/program.hpp"
#include "slfit/error.hpp"
#include "slfit/objective.hpp"
#include "slfit/text.hpp"

namespace slfit {
namespace {

// Per node: whether NaN there makes the prediction NaN whatever the other operands are. Every
// operator propagates NaN (min and max included, slfit/law_functions.hpp) except pow, for
// which pow(NaN, 0) = pow(1, NaN) = 1: a base is forced only under a nonzero constant exponent,
// an exponent only over a constant base other than 1.
std::vector<char> nan_reaches_prediction(const CompiledLaw& law) {
  const std::vector<Node>& nodes = law.expr.nodes;
  std::vector<char> forced(nodes.size(), 0);
  if (nodes.empty()) return forced;
  forced.back() = 1;
  const auto constant = [&](int node, auto accept) {
    return law.classes[static_cast<std::size_t>(node)] == NodeClass::Constant &&
           accept(law.constants[static_cast<std::size_t>(node)]);
  };
  for (std::size_t k = nodes.size(); k-- > 0;) {
    if (!forced[k]) continue;
    const Node& node = nodes[k];
    if (node.op == Op::Pow) {
      if (constant(node.rhs, [](double e) { return e != 0.0; })) forced[static_cast<std::size_t>(node.lhs)] = 1;
      if (constant(node.lhs, [](double b) { return b != 1.0; })) forced[static_cast<std::size_t>(node.rhs)] = 1;
      continue;
    }
    if (node.lhs >= 0) forced[static_cast<std::size_t>(node.lhs)] = 1;
    if (node.rhs >= 0) forced[static_cast<std::size_t>(node.rhs)] = 1;
  }
  return forced;
}

}  // namespace

void require_defined_data_terms(const Law& law, const CompiledLaw& compiled, const Dataset& data,
                                const GroupData& group) {
  const std::vector<std::vector<double>> values = data_stage_values(compiled, group);
  const std::vector<char> forced = nan_reaches_prediction(compiled);
  const std::vector<Node>& nodes = compiled.expr.nodes;
  const auto is_nan_at = [&](int node, std::size_t i) {
    const auto k = static_cast<std::size_t>(node);
    return compiled.classes[k] == NodeClass::Data
               ? std::isnan(values[k][i])
               : compiled.classes[k] == NodeClass::Constant && std::isnan(compiled.constants[k]);
  };
  // The innermost term that turns defined values into NaN names the cause; its rows in order.
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    if (compiled.classes[k] != NodeClass::Data || !forced[k]) continue;
    const Node& node = nodes[k];
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < group.size(); ++i) {
      const bool operands_defined =
          (node.lhs < 0 || !is_nan_at(node.lhs, i)) && (node.rhs < 0 || !is_nan_at(node.rhs, i));
      if (std::isnan(values[k][i]) && operands_defined) rows.push_back(i);
    }
    if (rows.empty()) continue;

    const std::size_t first = rows.front();
    std::set<int> variables;
    for (const Node& n : subexpression(compiled.expr, static_cast<int>(k)).nodes)  // inputs, not output indicators
      if (n.op == Op::Var && n.index < static_cast<int>(law.variables.size())) variables.insert(n.index);
    std::vector<std::string> inputs;
    for (int v : variables)
      inputs.push_back(law.variables[static_cast<std::size_t>(v)] + " = " +
                       shortest_number(group.inputs[static_cast<std::size_t>(v)][first]) + " (column '" +
                       law.columns[static_cast<std::size_t>(v)] + "')");
    std::string message =
        data.source + ":" + std::to_string(group.lines[first]) + ": group '" + group.name + "': the law's term " +
        to_string(subexpression(compiled.expr, static_cast<int>(k)), law.point_variable_names(), law.param_names()) +
        " is NaN where " + join(inputs, ", ") + ", so no parameter values give this row a finite prediction";
    if (rows.size() > 1) {
      std::vector<std::string> lines;
      for (std::size_t i = 0; i < rows.size() && i < 10; ++i) lines.push_back(std::to_string(group.lines[rows[i]]));
      message += " (" + std::to_string(rows.size()) + " rows: lines " + join(lines, ", ") +
                 (rows.size() > 10 ? ", ..." : "") + ")";
    }
    throw InputError(message + "; fix or drop the row");
  }
}

}  // namespace slfit
