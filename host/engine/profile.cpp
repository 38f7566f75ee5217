#include "slfit/profile.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <boost/math/distributions/fisher_f.hpp>

namespace slfit {

std::vector<Problem> profile_problems(std::span<const Problem> problems, std::span<const GridAxis> axes,
                                      const std::vector<std::vector<double>>& points) {
  if (points.size() != problems.size())
    throw std::invalid_argument("profile_problems: one set of grid points per problem");
  std::vector<Problem> out;
  for (std::size_t i = 0; i < problems.size(); ++i) {
    const std::size_t d = problems[i].bounds.lower.size();
    const std::size_t count = d == 0 ? 0 : points[i].size() / d;
    for (std::size_t k = 0; k < count; ++k) {
      Problem p = problems[i];
      for (const GridAxis& axis : axes) {
        const double value = points[i][k * d + axis.param];
        p.bounds.lower[axis.param] = p.bounds.upper[axis.param] = p.bounds.init[axis.param] = value;
      }
      out.push_back(std::move(p));
    }
  }
  return out;
}

ProfileInterval profile_interval(std::span<const double> grid, std::span<const double> profile, double best,
                                 std::size_t points, std::size_t free, double level) {
  if (grid.size() != profile.size() || grid.empty())
    throw std::invalid_argument("profile_interval: one objective per grid value, at least one");
  if (!(points > free && free >= 1)) throw std::invalid_argument("profile_interval: needs points > free >= 1");
  if (!(level > 0 && level < 1)) throw std::invalid_argument("profile_interval: level must be in (0, 1)");

  const auto lowest = std::min_element(profile.begin(), profile.end());
  const std::size_t at = static_cast<std::size_t>(lowest - profile.begin());
  const double f_min = std::min(best, *lowest);
  const double dof = static_cast<double>(points - free);
  ProfileInterval out;
  out.estimate = grid[at];
  out.threshold = boost::math::quantile(boost::math::fisher_f_distribution<double>(1.0, dof), level);
  // Non-finite objectives count as outside: no parameters gave that grid value a finite fit.
  const auto excess = [&](std::size_t k) {
    const double f =
        std::isfinite(profile[k]) ? (profile[k] / f_min - 1.0) * dof : std::numeric_limits<double>::infinity();
    return f - out.threshold;
  };
  // Walks from the lowest point outwards to the first value above the threshold.
  const auto size = static_cast<long>(grid.size());
  const auto crossing = [&](long step) {
    for (long k = static_cast<long>(at); k + step >= 0 && k + step < size; k += step) {
      const double inside = excess(static_cast<std::size_t>(k)), outside = excess(static_cast<std::size_t>(k + step));
      if (outside <= 0) continue;
      const double x = grid[static_cast<std::size_t>(k)], next = grid[static_cast<std::size_t>(k + step)];
      return std::isfinite(outside) ? x + (next - x) * (-inside) / (outside - inside) : x;
    }
    return std::numeric_limits<double>::quiet_NaN();
  };
  if (excess(at) > 0) {  // even the lowest point is outside: the grid misses the interval
    out.low = out.high = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  out.low = crossing(-1);
  out.high = crossing(1);
  return out;
}

}  // namespace slfit
