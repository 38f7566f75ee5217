#pragma once
// Bootstrap case resampling on the host: the strata of a group, the rows one replicate draws
// (addresses in slfit/resample_draw.hpp), and the data sets those rows make.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "slfit/dataset.hpp"

namespace slfit {

// The rows of one group split by stratum: rows[s] lists stratum s's row indices in file order,
// strata numbered in order of first appearance in the group.
struct Strata {
  std::vector<std::string> labels;
  std::vector<std::vector<std::uint32_t>> rows;
};

// One stratum holding every row: resampling within the whole group.
Strata single_stratum(const GroupData& group);

// Strata of `group` by the label of each of its rows; `label_of_line` maps a 1-based source line
// to its label (every line of the group must have one).
Strata strata_by_label(const GroupData& group, const std::vector<std::string>& label_of_line);

// The row indices replicate `replicate` of group `group` draws, stratum after stratum: as many
// rows from each stratum as it holds, with replacement.
std::vector<std::uint32_t> resample_rows(std::uint64_t seed, std::uint32_t group, std::uint32_t replicate,
                                         const Strata& strata);

// The group restricted to `rows` (in that order, repeats kept); for a multi-output law, each
// row's point of every output, output after output (stack_outputs).
GroupData take_rows(const GroupData& group, const std::vector<std::uint32_t>& rows);

// The group without row `left_out`: one jackknife sample.
GroupData leave_one_out(const GroupData& group, std::size_t left_out);

}  // namespace slfit
