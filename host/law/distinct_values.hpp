#pragma once
// The distinct values of a data column and each row's entry among them. Scaling-law data sit on
// grids (model sizes, P in {1, 2, 4}, a bootstrap resample's repeated rows), so a function of a
// column costs one evaluation per distinct value. Values are told apart by their bits: every NaN
// of one payload is one value, and 0.0 and -0.0 are two.

#include <cstdint>
#include <span>
#include <vector>

namespace slfit {

struct DistinctValues {
  std::vector<double> values;        // the distinct entries, in order of first appearance
  std::vector<std::uint32_t> index;  // per row: its entry in `values`
};

// Open addressing in one power-of-two table at most half full: every fit binds its data once or
// more, and a bootstrap binds thousands of resamples, where std::unordered_map's node per value
// made this a tenth of a local refit's instructions (Boost's flat map needs Boost 1.81; Debian
// has 1.74).
DistinctValues distinct_values(std::span<const double> column);

}  // namespace slfit
