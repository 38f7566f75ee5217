// Group statistics and the resolution of bound and init expressions against them.

#include <algorithm>
#include <initializer_list>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "law/parser.hpp"
#include "slfit/error.hpp"
#include "slfit/law_io.hpp"
#include "slfit/text.hpp"

namespace slfit {
namespace {

// Below this range the target is treated as flat, and scales derived from it use 1 instead.
constexpr double kFlatRange = 1e-6;
// ParamScale::Auto searches a parameter in log coordinates when its positive bounds span more
// than three decades.
constexpr double kLogScaleSpan = 1e3;
// y_min y_max y_mean y_range y_span come first in the statistics vector, then a minimum and a
// maximum per variable (group_statistic_names).
constexpr std::size_t kTargetStatistics = 5;

double minimum(const std::vector<double>& values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  return *std::min_element(values.begin(), values.end());
}

double maximum(const std::vector<double>& values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  return *std::max_element(values.begin(), values.end());
}

double mean(const std::vector<double>& values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}


class BoundResolver {
 public:
  BoundResolver(const Law& law, const GroupData& group)
      : law_(law), group_(group), statistics_(group_statistics(group)) {
    // Bound expressions index the statistics by the law's variables; the group must match.
    if (statistics_.size() != group_statistic_names(law.variables).size()) {
      throw std::invalid_argument("resolve_bounds: group '" + group.name + "' has " +
                                  std::to_string(group.inputs.size()) + " input columns, law '" + law.name +
                                  "' has " + std::to_string(law.variables.size()) + " variables");
    }
  }

  ResolvedBounds resolve() const {
    ResolvedBounds bounds;
    for (const ParamSpec& param : law_.params) {
      const double lower = evaluate(param, param.lower, "lower bound");
      const double upper = evaluate(param, param.upper, "upper bound");
      if (lower > upper) {
        fail(param, "lower bound " + shortest_number(lower) + " > upper bound " + shortest_number(upper) +
                        where({&param.lower, &param.upper}));
      }
      if (param.scale == ParamScale::Log && lower <= 0 && lower < upper)
        fail(param, "\"scale\": \"log\" needs a positive lower bound; the lower bound is " + shortest_number(lower) +
                        where({&param.lower}));
      const bool log_scale = lower < upper && (param.scale == ParamScale::Log ||
                                               (param.scale == ParamScale::Auto && lower > 0 && upper > kLogScaleSpan * lower));
      bounds.lower.push_back(lower);
      bounds.upper.push_back(upper);
      bounds.log_scale.push_back(log_scale ? 1 : 0);
      bounds.init.push_back(param.init ? std::clamp(evaluate(param, *param.init, "initial value"), lower, upper)
                                       : (lower + upper) / 2);
    }
    return bounds;
  }

 private:
  double evaluate(const ParamSpec& param, const Expr& expr, const std::string& what) const {
    const double value = evaluate_scalar(expr, statistics_);
    if (!std::isfinite(value)) fail(param, what + " is not finite (" + number_text(value) + ")" + where({&expr}));
    return value;
  }

  // ", where y_min = -1 (line 7)": the data statistics the expressions read, with the rows
  // they come from, so a bound that fails on one group's data names the data at fault.
  std::string where(std::initializer_list<const Expr*> exprs) const {
    const std::vector<std::string> names = group_statistic_names(law_.variables);
    std::vector<bool> used(names.size(), false);
    for (const Expr* expr : exprs)
      for (const Node& node : expr->nodes)
        if (node.op == Op::Var) used[static_cast<std::size_t>(node.index)] = true;
    std::vector<std::string> parts;
    for (std::size_t k = 0; k < names.size(); ++k)
      if (used[k]) parts.push_back(names[k] + " = " + number_text(statistics_[k]) + source_lines(k));
    return parts.empty() ? std::string() : ", where " + join(parts, ", ");
  }

  // The data line(s) statistic k comes from: a minimum's or maximum's row, a range's two.
  std::string source_lines(std::size_t k) const {
    const std::vector<double>& column = k < kTargetStatistics ? group_.target : group_.inputs[(k - kTargetStatistics) / 2];
    if (column.empty() || group_.lines.size() != column.size()) return "";
    const auto line_of = [&](auto element) { return group_.lines[static_cast<std::size_t>(element - column.begin())]; };
    const std::size_t min_line = line_of(std::min_element(column.begin(), column.end()));
    const std::size_t max_line = line_of(std::max_element(column.begin(), column.end()));
    const bool is_min = k == 0 || (k >= kTargetStatistics && (k - kTargetStatistics) % 2 == 0);
    const bool is_max = k == 1 || (k >= kTargetStatistics && (k - kTargetStatistics) % 2 == 1);
    if (is_min) return " (line " + std::to_string(min_line) + ")";
    if (is_max) return " (line " + std::to_string(max_line) + ")";
    if (k == 3 || k == 4) return " (lines " + std::to_string(min_line) + " and " + std::to_string(max_line) + ")";
    return "";  // y_mean: every row
  }

  [[noreturn]] void fail(const ParamSpec& param, const std::string& what) const {
    throw InputError(law_.source + ": law '" + law_.name + "', group '" + group_.name + "': parameter '" + param.name +
                     "': " + what);
  }

  const Law& law_;
  const GroupData& group_;
  std::vector<double> statistics_;
};

}  // namespace

std::vector<std::string> group_statistic_names(const std::vector<std::string>& variables) {
  std::vector<std::string> names = {"y_min", "y_max", "y_mean", "y_range", "y_span"};
  for (const auto& variable : variables) {
    names.push_back(variable + "_min");
    names.push_back(variable + "_max");
  }
  return names;
}

std::vector<double> group_statistics(const GroupData& group) {
  const double y_min = minimum(group.target);
  const double y_max = maximum(group.target);
  const double y_range = y_max - y_min;
  std::vector<double> statistics = {y_min, y_max, mean(group.target), y_range,
                                    y_range > kFlatRange ? y_range : 1.0};
  // The inputs' statistics; a multi-output group's output indicators (stack_outputs) have none.
  const std::size_t inputs = group.inputs.size() - (group.outputs > 1 ? group.outputs : 0);
  for (std::size_t k = 0; k < inputs; ++k) {
    statistics.push_back(minimum(group.inputs[k]));
    statistics.push_back(maximum(group.inputs[k]));
  }
  return statistics;
}

ResolvedBounds resolve_bounds(const Law& law, const GroupData& group) {
  return BoundResolver(law, group).resolve();
}

}  // namespace slfit
