#include "slfit/surface.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cmath>
#include <stdexcept>

#include "law/vector_math.hpp"
#include "slfit/error.hpp"
#include "slfit/law_io.hpp"
#include "slfit/objective.hpp"
#include "slfit/text.hpp"

namespace slfit {
namespace {

double parse_number(const std::string& field, const std::string& what, const std::string& text) {
  const std::optional<double> value = parse_finite_number(field);
  if (!value) throw InputError("--grid '" + text + "': " + what + " '" + field + "' is not a finite number");
  return *value;
}

// The objective of one problem at each of its points, on the host's cores; each thread holds its
// own Objective (it keeps scratch space).
std::vector<double> objective_values_cpu(const Problem& p, std::span<const double> points, int threads) {
  const std::size_t d = p.bounds.lower.size();
  const std::size_t count = d == 0 ? 0 : points.size() / d;
  std::vector<double> values(count);
#pragma omp parallel num_threads(threads)
  {
    Objective objective(p.compiled, *p.data, p.objective);
#pragma omp for schedule(static)
    for (std::size_t k = 0; k < count; ++k) values[k] = objective.value(points.subspan(k * d, d));
  }
  return values;
}

}  // namespace

std::vector<double> GridAxis::values() const {
  std::vector<double> v(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double t = count == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(count - 1);
    // Decimal logs, so that decade grids (1e3:1e6:4:log) land on exact powers of ten.
    v[i] = log ? vmath::pow(10.0, vmath::log10(lo) + t * (vmath::log10(hi) - vmath::log10(lo))) : lo + t * (hi - lo);
  }
  // The ends exactly as given, whatever the rounding of the spacing.
  v.front() = lo;
  if (count > 1) v.back() = hi;
  return v;
}

GridAxis grid_axis(const Law& law, const std::string& name, double lo, double hi, std::size_t count, bool log,
                   const std::string& context) {
  GridAxis axis{parameter_index(law, name, context), lo, hi, count, log};
  if (!std::isfinite(lo) || !std::isfinite(hi)) throw InputError(context + ": LO and HI must be finite numbers");
  if (count < 1) throw InputError(context + ": N must be at least 1");
  if (count == 1 && lo != hi) throw InputError(context + ": one point needs LO = HI");
  if (log && !(lo > 0 && hi > 0)) throw InputError(context + ": a log grid needs positive LO and HI");
  return axis;
}

GridAxis parse_grid_axis(const std::string& text, const Law& law) {
  const std::string context = "--grid '" + text + "'";
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos) throw InputError(context + ": expected NAME=LO:HI:N or NAME=LO:HI:N:log");
  const std::vector<std::string> fields = split(text.substr(eq + 1), ':');
  if (fields.size() != 3 && !(fields.size() == 4 && fields[3] == "log"))
    throw InputError(context + ": expected NAME=LO:HI:N or NAME=LO:HI:N:log");
  const double lo = parse_number(fields[0], "LO", text);
  const double hi = parse_number(fields[1], "HI", text);
  unsigned long long count = 0;
  const auto [end, error] = std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), count);
  if (fields[2].empty() || error != std::errc() || end != fields[2].data() + fields[2].size() || count < 1)
    throw InputError(context + ": N '" + fields[2] + "' is not a whole number of at least 1");
  return grid_axis(law, text.substr(0, eq), lo, hi, count, fields.size() == 4, context);
}

std::size_t grid_size(std::span<const GridAxis> axes) {
  if (axes.empty()) return 0;
  std::size_t size = 1;
  for (const GridAxis& a : axes) size = a.count > 0 && size > SIZE_MAX / a.count ? SIZE_MAX : size * a.count;
  return size;
}

std::vector<double> grid_points(std::span<const GridAxis> axes, std::span<const double> base) {
  const std::size_t size = grid_size(axes), d = base.size();
  std::vector<std::vector<double>> values;
  for (const GridAxis& a : axes) values.push_back(a.values());
  std::vector<double> points(size * d);
  std::vector<std::size_t> index(axes.size(), 0);  // the odometer: the last axis turns fastest
  for (std::size_t k = 0; k < size; ++k) {
    double* x = points.data() + k * d;
    std::copy(base.begin(), base.end(), x);
    for (std::size_t a = 0; a < axes.size(); ++a) x[axes[a].param] = values[a][index[a]];
    for (std::size_t a = axes.size(); a-- > 0;) {
      if (++index[a] < axes[a].count) break;
      index[a] = 0;
    }
  }
  return points;
}

std::vector<std::vector<double>> objective_values(std::span<const Problem> problems,
                                                  const std::vector<std::vector<double>>& points,
                                                  const BackendChoice& chosen, int threads) {
  if (points.size() != problems.size()) throw std::invalid_argument("objective_values: one point set per problem");
  if (chosen.runner) return chosen.runner->objective_values(problems, points);
  if (chosen.backend != Backend::Cpu) throw std::logic_error("objective_values: choose_backend first");
  const int t = thread_count(threads);
  std::vector<std::vector<double>> values;
  for (std::size_t i = 0; i < problems.size(); ++i) values.push_back(objective_values_cpu(problems[i], points[i], t));
  return values;
}

}  // namespace slfit
