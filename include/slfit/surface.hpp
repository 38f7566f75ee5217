#pragma once
// The objective on a grid of parameter vectors (slfit surface): the same objective the DE
// minimises, evaluated on a device runner (slfit/de_runner.hpp) or on the host's cores.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "slfit/backend.hpp"
#include "slfit/fit.hpp"

namespace slfit {

// One parameter's values on the grid: `count` values from lo to hi, both included, evenly
// spaced, or geometrically with `log` (then lo and hi must be positive).
struct GridAxis {
  std::size_t param = 0;  // index into the law's parameters
  double lo = 0.0, hi = 0.0;
  std::size_t count = 1;
  bool log = false;

  std::vector<double> values() const;
};

// "NAME=LO:HI:N" or "NAME=LO:HI:N:log", NAME one of the law's parameters. An InputError quoting
// the text says what is wrong.
GridAxis parse_grid_axis(const std::string& text, const Law& law);

// The number of grid points: the product of the axes' counts (0 without axes).
std::size_t grid_size(std::span<const GridAxis> axes);

// The grid's parameter vectors, grid_size x base.size() values, row-major over the axes (the
// first axis varies slowest); a parameter on no axis keeps its value from `base`.
std::vector<double> grid_points(std::span<const GridAxis> axes, std::span<const double> base);

// The objective of each problem at its points (points[i]: k vectors of the law's parameters),
// +inf where it is not finite, on a chosen backend (choose_backend): its runner, or the host's
// `threads` cores.
std::vector<std::vector<double>> objective_values(std::span<const Problem> problems,
                                                  const std::vector<std::vector<double>>& points,
                                                  const BackendChoice& chosen, int threads);

}  // namespace slfit
