#include "cli/fit_diagnostics.hpp"

#include <algorithm>
#include <string>

#include "slfit/error.hpp"

namespace slfit::cli {
namespace {

// "lines 2-6": rows of a group are reported by their first and last line.
std::string line_range(const GroupData& group) {
  const auto [first, last] = std::minmax_element(group.lines.begin(), group.lines.end());
  if (*first == *last) return "line " + std::to_string(*first);
  return "lines " + std::to_string(*first) + "-" + std::to_string(*last);
}

std::string group_place(const Dataset& data, const GroupData& group) {
  const std::string who = data.columns.group.empty() ? "" : ", group '" + group.name + "'";
  return data.source + who + " (" + line_range(group) + ")";
}

bool is_constant(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [&](double v) { return v == values.front(); });
}

}  // namespace

std::string no_finite_value_message(const Law& law, const Dataset& train, std::size_t group) {
  return law.source + ": law '" + law.name + "' gives no finite objective on " +
         group_place(train, train.groups[group]) +
         ": every candidate evaluated within the bounds was non-finite (status " +
         to_string(FitStatus::NoFiniteValue) +
         "); look for a division by zero, a log or sqrt of a negative number, or an overflow";
}

void reject_fits_without_finite_value(const Law& law, const Dataset& train, const std::vector<FitResult>& fits) {
  for (std::size_t g = 0; g < fits.size(); ++g)
    if (fits[g].status == FitStatus::NoFiniteValue) throw InputError(no_finite_value_message(law, train, g));
}

void reject_constant_targets(const Dataset& train, const Dataset* test) {
  for (const GroupData& group : train.groups) {
    if (!is_constant(group.target)) continue;
    throw InputError(group_place(train, group) + ": the target '" + train.columns.target +
                     "' is constant, so r2 is undefined (its denominator, the targets' spread, is 0)");
  }
  if (!test) return;
  std::vector<double> targets;
  for (const GroupData& group : test->groups) targets.insert(targets.end(), group.target.begin(), group.target.end());
  if (is_constant(targets))
    throw InputError(test->source + ": the test target '" + test->columns.target +
                     "' is constant, so the test r2, nmse and nmae are undefined (they divide by its spread, 0)");
}

}  // namespace slfit::cli
