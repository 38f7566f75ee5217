// slfit surface: the objective on a grid of parameter vectors, per group, as CSV (README.md,
// "slfit surface"). Parameters off the grid sit at the group's fitted optimum unless --fix gives
// them; when --fix gives every one of them, nothing is fitted.

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>

#include <boost/program_options.hpp>

#include "cli/commands.hpp"
#include "cli/data_options.hpp"
#include "cli/fit_diagnostics.hpp"
#include "cli/fit_options.hpp"
#include "cli/parse_util.hpp"
#include "cli/progress_line.hpp"
#include "slfit/backend.hpp"
#include "slfit/surface.hpp"
#include "slfit/profile.hpp"
#include "slfit/atomic_file.hpp"
#include "slfit/csv.hpp"
#include "slfit/error.hpp"
#include "slfit/law_io.hpp"
#include "slfit/text.hpp"

namespace po = boost::program_options;

namespace slfit::cli {
namespace {

// At most this many rows (grid points x groups): ten million rows are already ~1 GB of CSV.
constexpr std::size_t kMaxRows = 10'000'000;

struct SurfaceArgs {
  DataArgs input;
  std::string out, intervals;
  bool profile = false;
  double level = 0.95;
  std::vector<std::string> grids, fixes;
  FitOptions options;
  int threads = 0;
};

std::vector<GridAxis> parse_axes(const std::vector<std::string>& grids, const Law& law) {
  std::vector<GridAxis> axes;
  std::set<std::size_t> seen;
  for (const std::string& text : grids) {
    axes.push_back(parse_grid_axis(text, law));
    if (!seen.insert(axes.back().param).second)
      throw InputError("--grid '" + text + "': parameter '" + law.params[axes.back().param].name +
                       "' is already on the grid");
  }
  return axes;
}

// Per parameter, its --fix value, if any.
std::vector<std::optional<double>> parse_fixes(const std::vector<std::string>& fixes, const Law& law,
                                               const std::vector<GridAxis>& axes) {
  std::vector<std::optional<double>> fixed(law.params.size());
  for (const FixedParameter& f : parse_fixed_parameters(fixes, law)) {
    if (std::any_of(axes.begin(), axes.end(), [&](const GridAxis& a) { return a.param == f.param; }))
      throw InputError(f.option + ": '" + law.params[f.param].name + "' is on the grid");
    fixed[f.param] = f.value;
  }
  return fixed;
}

std::string surface_csv(const Law& law, const Dataset& data, const std::vector<std::vector<double>>& points,
                        const std::vector<std::vector<double>>& values) {
  std::ostringstream out;
  out << "group";
  for (const std::string& name : law.param_names()) out << ',' << csv_field(name);
  out << ",objective\n";
  const std::size_t d = law.params.size();
  for (std::size_t g = 0; g < data.groups.size(); ++g) {
    const std::string group = csv_field(data.groups[g].name);
    for (std::size_t k = 0; k < values[g].size(); ++k) {
      out << group;
      for (std::size_t j = 0; j < d; ++j) out << ',' << shortest_number(points[g][k * d + j]);
      out << ',' << shortest_number(values[g][k]) << '\n';  // +inf prints as "inf"
    }
  }
  return out.str();
}

// The intervals as CSV (group,param,estimate,low,high,level; empty ends where the grid does
// not reach them), each also said on `notes`.
std::string intervals_csv(const Law& law, const Dataset& data, const GridAxis& axis,
                          const std::vector<SurfaceInterval>& intervals, double level, std::ostream& notes) {
  std::ostringstream csv;
  csv << "group,param,estimate,low,high,level\n";
  const std::string& name = law.params[axis.param].name;
  for (std::size_t g = 0; g < intervals.size(); ++g) {
    const SurfaceInterval& s = intervals[g];
    const std::string& group = data.groups[g].name;
    if (!s.interval) {
      notes << "slfit surface: group " << group << ": no profile interval for " << name << " (" << s.why_not << ")\n";
      continue;
    }
    const auto end = [](double x, const char* missing) { return std::isnan(x) ? std::string(missing) : shortest_number(x); };
    notes << "slfit surface: group " << group << ": " << name << " " << shortest_number(s.estimate) << ", "
          << shortest_number(100 * level) << "% profile interval [" << end(s.interval->low, "below the grid") << ", "
          << end(s.interval->high, "above the grid") << "]\n";
    csv << csv_field(group) << ',' << csv_field(name) << ',' << shortest_number(s.estimate) << ','
        << csv_number(s.interval->low) << ',' << csv_number(s.interval->high) << ',' << shortest_number(level) << '\n';
  }
  return csv.str();
}

}  // namespace

int run_surface(const std::vector<std::string>& args) {
  SurfaceArgs a;
  po::options_description io(
      "slfit surface: the objective on a grid of parameter vectors, per group, as CSV\n\n"
      "Usage: slfit surface --data FILE --law LAW --grid NAME=LO:HI:N [--grid ...] [--fix NAME=VALUE ...] "
      "[options]\n\nInput and output");
  io.add_options()
    ("help,h", "show this help");
  add_data_options(io, a.input, "data (CSV with a header row)",
                   "column whose values split the data into groups, one surface each");
  io.add_options()
    ("grid", po::value(&a.grids)->composing()->required(),
     "NAME=LO:HI:N[:log]: N values of parameter NAME from LO to HI, evenly (or geometrically) spaced "
     "(repeatable; the first varies slowest)")
    ("fix", po::value(&a.fixes)->composing(),
     "NAME=VALUE: hold a parameter off the grid at VALUE instead of the group's fitted optimum (repeatable)")
    ("out", po::value(&a.out)->default_value("-"), "CSV output file, written atomically; - for stdout")
    ("profile", po::bool_switch(&a.profile),
     "re-fit the parameters off the grid (and not fixed) at every grid point: the profile of the objective")
    ("level", po::value(&a.level)->default_value(a.level),
     "with --profile on one axis: the confidence level of the profile-likelihood interval")
    ("intervals", po::value(&a.intervals), "with --profile on one axis: also write the intervals to this CSV file");
  po::options_description all;
  all.add(io).add(fitting_options(a.options, a.threads));

  po::variables_map vm;
  if (!parse_command_line(args, all, vm)) return 0;
  finish_fitting_options(vm, a.options);
  if (!(a.level > 0 && a.level < 1)) throw InputError("--level: " + shortest_number(a.level) + " is not between 0 and 1");
  if (!a.intervals.empty() && !a.profile) throw InputError("--intervals: the intervals come from --profile");
  check_output_writable(a.out);  // before the work
  if (!a.intervals.empty()) check_output_writable(a.intervals);

  const std::shared_ptr<const Law> shared_law = load_mapped_law(a.input);
  const Law& law = *shared_law;
  reject_parameter_columns(law, {"group", "objective"}, "surface's CSV output");
  SurfaceRequest request;
  request.axes = parse_axes(a.grids, law);
  request.fixed = parse_fixes(a.fixes, law, request.axes);
  request.profile = a.profile;
  const std::vector<GridAxis>& axes = request.axes;
  const bool needs_fit = surface_needs_fit(request, law.params.size());
  if (a.profile && !needs_fit)
    throw InputError("--profile re-fits the parameters off the grid, but every parameter is on the grid or fixed");
  if (!a.intervals.empty() && axes.size() != 1)
    throw InputError("--intervals: a profile interval needs a grid of one parameter; this grid has " +
                     std::to_string(axes.size()));
  const std::shared_ptr<const Dataset> shared_data = read_data(a.input, law, needs_fit ? law.params.size() : 1);
  const Dataset& data = *shared_data;
  const std::size_t size = grid_size(axes);
  if (size > kMaxRows / data.groups.size())
    throw InputError("--grid: " + (size == std::numeric_limits<std::size_t>::max() ? std::string("too many")
                                                                                    : std::to_string(size)) +
                     " points x " + std::to_string(data.groups.size()) + " groups is over the limit of " +
                     std::to_string(kMaxRows) + " rows");

  // The GPU evaluates a surface whatever the pipeline; fits of pipelines without a DE stage run
  // on the host either way (fit_batch_on).
  const BackendChoice backend = choose_backend(parse_backend(vm["backend"].as<std::string>()), Pipeline::De, notes(vm),
                                               vm["verbose"].as<bool>());
  const std::shared_ptr<const CompiledLaw> compiled = compile_law(law);
  const std::vector<Problem> problems = make_group_problems(shared_law, compiled, shared_data, a.options);
  std::optional<ProgressLine> progress;
  const SurfaceProgress on_fit = [&](const char* stage, std::size_t done, std::size_t total) {
    if (done == 1) progress.emplace(stage, total, 0, vm["quiet"].as<bool>());  // one line per stage
    progress->update(done);
  };
  const SurfaceResult result =
      compute_surface(problems, request, backend, a.threads, on_fit, [&](const std::vector<FitResult>& fits) {
        progress.reset();  // ends the fits' progress line before the notes
        reject_fits_without_finite_value(law, data, fits);
        for (std::size_t g = 0; g < fits.size(); ++g)
          notes(vm) << "slfit surface: group " << data.groups[g].name << ": fitted optimum, objective "
                    << fits[g].objective << '\n';
      });
  progress.reset();
  std::string intervals;
  if (a.profile && axes.size() == 1)
    intervals = intervals_csv(law, data, axes.front(), surface_intervals(problems, request, result, a.level), a.level,
                              notes(vm));
  write_output(a.out, surface_csv(law, data, result.points, result.values));
  if (!a.intervals.empty()) write_output(a.intervals, intervals);
  return 0;
}

}  // namespace slfit::cli
