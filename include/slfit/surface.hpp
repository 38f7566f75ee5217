#pragma once
// The objective on a grid of parameter vectors (slfit surface): the same objective the DE
// minimises, evaluated on a device runner (slfit/de_runner.hpp) or on the host's cores.

#include <cstddef>
#include <atomic>
#include <functional>
#include <optional>
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

// The axis of parameter `name` of the law; an InputError prefixed by `context` where the name
// is not a parameter, N < 1, one point has LO != HI, or a log grid does not have LO, HI > 0.
GridAxis grid_axis(const Law& law, const std::string& name, double lo, double hi, std::size_t count, bool log,
                   const std::string& context);

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

// What `slfit surface` computes, for any caller (the CLI, Python): the groups fitted first where a
// parameter is neither on the grid nor fixed, then the objective on each group's grid around its
// optimum, or with `profile` re-fitted at every grid point.
struct SurfaceRequest {
  std::vector<GridAxis> axes;
  std::vector<std::optional<double>> fixed;  // per parameter: held at this value, off the grid
  bool profile = false;  // re-fit the parameters on no axis and not fixed at every grid point
};

// Whether some parameter is on no axis and not fixed, so that the groups are fitted first.
bool surface_needs_fit(const SurfaceRequest& request, std::size_t num_params);

struct SurfaceResult {
  std::vector<std::vector<double>> points;  // per problem: its grid's parameter vectors (with
                                            // the re-fitted parameters under a profile)
  std::vector<std::vector<double>> values;  // per problem: the objective at each point, +inf
                                            // where it is not finite
  std::vector<FitResult> fits;              // per problem: the full fit (empty when none was needed)
  std::vector<std::vector<double>> base;    // per problem: the fitted optimum, fixed values in place
};

// Called on the calling thread as fits finish: the stage ("fits", then "profile fits"), how many
// of its fits are done, and its total.
using SurfaceProgress = std::function<void(const char* stage, std::size_t done, std::size_t total)>;

// Throws InputError for a profile with nothing to re-fit; rethrows the first fit that failed;
// `check_fits` sees the full fits before the grid is evaluated and may throw (the CLI rejects a
// group whose fit found no finite objective). Under a profile the fixed values are held in every
// fit, the full fits' included.
// `stop`, when set and true, leaves the fits not yet started unrun (BatchOptions::stop); the call
// then ends by rethrowing the first such fit's failure.
SurfaceResult compute_surface(std::vector<Problem> problems, const SurfaceRequest& request,
                              const BackendChoice& backend, int threads, const SurfaceProgress& progress = nullptr,
                              const std::function<void(const std::vector<FitResult>&)>& check_fits = nullptr,
                              const std::atomic<bool>* stop = nullptr);

}  // namespace slfit
