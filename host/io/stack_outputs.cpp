// The stacked points of a multi-output law's group (slfit/dataset.hpp).

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "slfit/dataset.hpp"

namespace slfit {

void stack_outputs(GroupData& group, const std::vector<std::vector<double>>& targets) {
  const std::size_t k_outputs = targets.size();
  if (k_outputs == 0) throw std::invalid_argument("stack_outputs: no targets");
  const std::size_t rows = targets.front().size();
  for (const auto& column : targets)
    if (column.size() != rows)
      throw std::invalid_argument("stack_outputs: group '" + group.name + "' has " + std::to_string(rows) +
                                  " rows and a target column of " + std::to_string(column.size()));
  group.outputs = k_outputs;
  if (k_outputs == 1) {
    group.target = targets.front();
    return;
  }
  auto repeated = [&](const std::vector<double>& column) {
    std::vector<double> out;
    out.reserve(column.size() * k_outputs);
    for (std::size_t k = 0; k < k_outputs; ++k) out.insert(out.end(), column.begin(), column.end());
    return out;
  };
  for (auto& input : group.inputs) input = repeated(input);
  for (std::size_t k = 0; k < k_outputs; ++k) {
    std::vector<double> indicator(rows * k_outputs, 0.0);
    std::fill(indicator.begin() + static_cast<long>(k * rows), indicator.begin() + static_cast<long>((k + 1) * rows), 1.0);
    group.inputs.push_back(std::move(indicator));
  }
  group.target.clear();
  for (const auto& column : targets) group.target.insert(group.target.end(), column.begin(), column.end());
  std::vector<std::size_t> lines;  // empty for rows that come from no file
  for (std::size_t k = 0; k < k_outputs && !group.lines.empty(); ++k)
    lines.insert(lines.end(), group.lines.begin(), group.lines.end());
  group.lines = std::move(lines);
  if (!group.residual_scale.empty()) group.residual_scale = repeated(group.residual_scale);
}

}  // namespace slfit
