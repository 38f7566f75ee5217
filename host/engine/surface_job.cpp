// compute_surface and surface_intervals: `slfit surface` as a library call (slfit/surface.hpp,
// slfit/profile.hpp).

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "slfit/error.hpp"
#include "slfit/profile.hpp"
#include "slfit/surface.hpp"

namespace slfit {
namespace {

// Parameter k's fixed value, if the request fixes it (request.fixed may be shorter than the law).
std::optional<double> fixed_value(const SurfaceRequest& request, std::size_t k) {
  return k < request.fixed.size() ? request.fixed[k] : std::nullopt;
}

bool on_grid(const SurfaceRequest& request, std::size_t param) {
  return std::any_of(request.axes.begin(), request.axes.end(), [&](const GridAxis& a) { return a.param == param; });
}

BatchOptions batch_with_progress(int threads, const char* stage, std::size_t total, const SurfaceProgress& progress,
                                 std::size_t& done, const std::atomic<bool>* stop) {
  BatchOptions batch;
  batch.threads = threads;
  batch.stop = stop;
  if (progress)
    batch.on_problem_done = [&progress, stage, total, &done](std::size_t) { progress(stage, ++done, total); };
  return batch;
}

// Every grid point's problem re-fitted with the grid's parameters held (one batch of groups x
// points); `points` take the fitted values of the others. The objectives, per problem.
std::vector<std::vector<double>> profile_values(std::span<const Problem> problems, const SurfaceRequest& request,
                                                std::vector<std::vector<double>>& points, const BackendChoice& backend,
                                                int threads, const SurfaceProgress& progress,
                                                const std::atomic<bool>* stop) {
  const std::vector<Problem> profile = profile_problems(problems, request.axes, points);
  std::size_t done = 0;
  const std::vector<FitResult> fits = fit_batch_on(
      backend, profile, batch_with_progress(threads, "profile fits", profile.size(), progress, done, stop));
  rethrow_first_failure(fits);
  std::vector<std::vector<double>> values(problems.size());
  std::size_t next = 0;
  for (std::size_t g = 0; g < problems.size(); ++g) {
    const std::size_t d = problems[g].bounds.lower.size();
    for (std::size_t k = 0; k < points[g].size() / d; ++k, ++next) {
      const FitResult& fit = fits[next];
      const bool finite = fit.status != FitStatus::NoFiniteValue && std::isfinite(fit.objective);
      values[g].push_back(finite ? fit.objective : std::numeric_limits<double>::infinity());
      if (finite) std::copy(fit.params.begin(), fit.params.end(), points[g].begin() + static_cast<long>(k * d));
    }
  }
  return values;
}

}  // namespace

bool surface_needs_fit(const SurfaceRequest& request, std::size_t num_params) {
  for (std::size_t k = 0; k < num_params; ++k)
    if (!on_grid(request, k) && !fixed_value(request, k)) return true;
  return false;
}

SurfaceResult compute_surface(std::vector<Problem> problems, const SurfaceRequest& request,
                              const BackendChoice& backend, int threads, const SurfaceProgress& progress,
                              const std::function<void(const std::vector<FitResult>&)>& check_fits,
                              const std::atomic<bool>* stop) {
  SurfaceResult result;
  if (problems.empty()) return result;
  const std::size_t d = problems.front().bounds.lower.size();
  const bool needs_fit = surface_needs_fit(request, d);
  if (request.profile && !needs_fit)
    throw InputError("a profile re-fits the parameters off the grid, but every parameter is on the grid or fixed");
  if (request.profile)  // a profile holds the fixed values in every fit, the full fits' included
    for (Problem& p : problems)
      for (std::size_t k = 0; k < d; ++k)
        if (const std::optional<double> v = fixed_value(request, k)) p.bounds.lower[k] = p.bounds.upper[k] = p.bounds.init[k] = *v;

  result.base.assign(problems.size(), std::vector<double>(d, 0.0));
  if (needs_fit) {
    std::size_t done = 0;
    result.fits =
        fit_batch_on(backend, problems, batch_with_progress(threads, "fits", problems.size(), progress, done, stop));
    rethrow_first_failure(result.fits);
    if (check_fits) check_fits(result.fits);
    for (std::size_t g = 0; g < problems.size(); ++g) result.base[g] = result.fits[g].params;
  }
  for (std::vector<double>& b : result.base)
    for (std::size_t k = 0; k < d; ++k)
      if (const std::optional<double> v = fixed_value(request, k)) b[k] = *v;

  for (const std::vector<double>& b : result.base) result.points.push_back(grid_points(request.axes, b));
  result.values = request.profile ? profile_values(problems, request, result.points, backend, threads, progress, stop)
                                  : objective_values(problems, result.points, backend, threads);
  return result;
}

std::vector<SurfaceInterval> surface_intervals(std::span<const Problem> problems, const SurfaceRequest& request,
                                               const SurfaceResult& result, double level) {
  if (request.axes.size() != 1 || !request.profile)
    throw std::invalid_argument("surface_intervals: needs a profile on one axis");
  const GridAxis& axis = request.axes.front();
  std::vector<SurfaceInterval> out;
  for (std::size_t g = 0; g < problems.size(); ++g) {
    const Problem& p = problems[g];
    SurfaceInterval s;
    s.estimate = result.base[g][axis.param];
    std::size_t free = 0;
    for (std::size_t k = 0; k < p.bounds.lower.size(); ++k)
      if ((p.bounds.lower[k] < p.bounds.upper[k] && !fixed_value(request, k)) || k == axis.param) ++free;
    if (!p.objective.least_squares()) {
      s.why_not = "the F-test needs a least-squares objective (one mse term, no ridge)";
    } else if (p.data->size() <= free) {
      s.why_not = "no more points than free parameters";
    } else if (result.fits.empty()) {
      s.why_not = "nothing was fitted";
    } else {
      const std::size_t d = p.bounds.lower.size();
      std::vector<std::pair<double, double>> profile;  // (grid value, objective), ascending
      for (std::size_t k = 0; k < result.values[g].size(); ++k)
        profile.emplace_back(result.points[g][k * d + axis.param], result.values[g][k]);
      std::sort(profile.begin(), profile.end());
      std::vector<double> grid, objective;
      for (const auto& [x, f] : profile) grid.push_back(x), objective.push_back(f);
      s.interval = profile_interval(grid, objective, result.fits[g].objective, p.data->size(), free, level);
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace slfit
