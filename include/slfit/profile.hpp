#pragma once
// Profiles (slfit surface --profile): the objective along a grid of some parameters with every
// other free parameter re-fitted at each grid point, as lmfit's conf_interval traces it, and the
// profile-likelihood confidence interval of a parameter read off a one-axis profile.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "slfit/fit.hpp"
#include "slfit/surface.hpp"

namespace slfit {

// One problem per (problem, grid point), problem-major: the problem with the grid's parameters
// held at the point's values (bounds and start pinned there, inside the law's bounds or not) and
// the others as they were, so that fitting the batch re-fits them. `points[i]` holds problem
// i's grid points (grid_points), k vectors of the law's parameters.
std::vector<Problem> profile_problems(std::span<const Problem> problems, std::span<const GridAxis> axes,
                                      const std::vector<std::vector<double>>& points);

// The interval of one parameter from its profile at confidence `level`, by lmfit's F-test for
// least squares: a value is inside where F = (f(x) / f_min - 1) (n - free) / 1 stays at or below
// the F(1, n - free) distribution's `level` quantile, f being the objective (an SSR, or an MSE:
// their ratio is the same) re-fitted with the parameter held at x, f_min the overall optimum.
// The ends are where F crosses the threshold, interpolated linearly between grid points.
struct ProfileInterval {
  double estimate = 0.0;   // the grid value of the lowest profile point (the optimum's, with the fit's)
  double low = 0.0;        // NaN where the profile does not rise above the threshold below the
  double high = 0.0;       //   optimum within the grid (low), or above it (high), and both NaN
                           //   where even the lowest grid point is above it
  double threshold = 0.0;  // the F quantile
};

// `grid` ascending with `profile[k]` the re-fitted objective at grid[k]; `best` the objective of
// the fit of every parameter (at most min(profile) up to the optimiser's tolerance: the smaller
// is used). Throws std::invalid_argument unless n > free >= 1, 0 < level < 1 and the sizes agree.
ProfileInterval profile_interval(std::span<const double> grid, std::span<const double> profile, double best,
                                 std::size_t points, std::size_t free, double level);

// The interval of a profile's one grid parameter for each problem of a compute_surface result
// (`request` a profile on one axis, else std::invalid_argument): the F-test's interval around the
// fitted value, or, where there is none, why not (an objective other than mse; no more points
// than free parameters).
struct SurfaceInterval {
  double estimate = 0.0;                    // the full fit's value of the parameter
  std::optional<ProfileInterval> interval;  // absent: see why_not
  std::string why_not;
};
std::vector<SurfaceInterval> surface_intervals(std::span<const Problem> problems, const SurfaceRequest& request,
                                               const SurfaceResult& result, double level);

}  // namespace slfit
