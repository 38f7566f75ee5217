#include "slfit/resample.hpp"

#include <map>
#include <stdexcept>

#include "slfit/resample_draw.hpp"

namespace slfit {

Strata single_stratum(const GroupData& group) {
  Strata strata;
  strata.labels.push_back("");
  strata.rows.emplace_back(group.rows());
  for (std::uint32_t i = 0; i < group.rows(); ++i) strata.rows[0][i] = i;
  return strata;
}

Strata strata_by_label(const GroupData& group, const std::vector<std::string>& label_of_line) {
  Strata strata;
  std::map<std::string, std::size_t> index_of_label;
  for (std::uint32_t i = 0; i < group.rows(); ++i) {
    const std::size_t line = group.lines[i];
    if (line >= label_of_line.size()) throw std::logic_error("strata_by_label: no label for line " + std::to_string(line));
    const std::string& label = label_of_line[line];
    const auto [it, inserted] = index_of_label.emplace(label, strata.labels.size());
    if (inserted) {
      strata.labels.push_back(label);
      strata.rows.emplace_back();
    }
    strata.rows[it->second].push_back(i);
  }
  return strata;
}

std::vector<std::uint32_t> resample_rows(std::uint64_t seed, std::uint32_t group, std::uint32_t replicate,
                                         const Strata& strata) {
  std::vector<std::uint32_t> rows;
  for (std::uint32_t s = 0; s < strata.rows.size(); ++s) {
    const std::vector<std::uint32_t>& members = strata.rows[s];
    const auto size = static_cast<std::uint32_t>(members.size());
    for (std::uint32_t k = 0; k < size; ++k) rows.push_back(members[resample_draw(seed, group, replicate, s, k, size)]);
  }
  return rows;
}

GroupData take_rows(const GroupData& group, const std::vector<std::uint32_t>& rows) {
  // The points of each taken row, output after output (one point per row for one output).
  const std::size_t per_output = group.rows();
  std::vector<std::size_t> points;
  points.reserve(rows.size() * group.outputs);
  for (std::size_t k = 0; k < group.outputs; ++k)
    for (const std::uint32_t i : rows) points.push_back(k * per_output + i);
  GroupData out;
  out.name = group.name;
  out.outputs = group.outputs;
  out.inputs.resize(group.inputs.size());
  for (std::size_t k = 0; k < group.inputs.size(); ++k) {
    out.inputs[k].reserve(points.size());
    for (const std::size_t i : points) out.inputs[k].push_back(group.inputs[k][i]);
  }
  out.target.reserve(points.size());
  out.lines.reserve(points.size());
  for (const std::size_t i : points) {
    out.target.push_back(group.target[i]);
    out.lines.push_back(group.lines[i]);
  }
  if (!group.residual_scale.empty())
    for (const std::size_t i : points) out.residual_scale.push_back(group.residual_scale[i]);
  return out;
}

GroupData leave_one_out(const GroupData& group, std::size_t left_out) {
  std::vector<std::uint32_t> rows;
  rows.reserve(group.rows() - 1);
  for (std::uint32_t i = 0; i < group.rows(); ++i)
    if (i != left_out) rows.push_back(i);
  return take_rows(group, rows);
}

}  // namespace slfit
