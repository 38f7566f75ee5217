// slfit fit: fits a law to every group of a CSV file, optionally scoring it on a test split.

#include <chrono>
#include <cmath>
#include <iostream>
#include <optional>

#include <unistd.h>

#include <boost/program_options.hpp>

#include "cli/commands.hpp"
#include "cli/data_options.hpp"
#include "cli/fit_diagnostics.hpp"
#include "cli/fit_options.hpp"
#include "cli/fit_output.hpp"
#include "cli/parse_util.hpp"
#include "cli/progress_line.hpp"
#include "slfit/atomic_file.hpp"
#include "slfit/backend.hpp"
#include "slfit/csv.hpp"
#include "slfit/error.hpp"
#include "slfit/fit.hpp"
#include "slfit/metrics.hpp"
#include "slfit/text.hpp"
#include "slfit/uncertainty.hpp"

namespace po = boost::program_options;

namespace slfit::cli {
namespace {

struct FitArgs {
  DataArgs input;
  std::string test, out, format;
  bool strict = false;
  FitOptions options;
  int threads = 0;
};

// "table" on a terminal, else resolve_format's choice; an explicit --format wins.
std::string fit_format(const std::string& format, const std::string& out) {
  if (format == "table") return format;
  if (format.empty() && out == "-" && ::isatty(STDOUT_FILENO)) return "table";
  try {
    return resolve_format(format, out);
  } catch (const InputError&) {
    throw InputError("--format: '" + format + "' is not one of: json, csv, table");
  }
}

// A fit that failed at run time or found no finite value: without --strict a warning and a
// status row, with it the command's error (InputError for data no candidate could fit, else the
// fit's own exception, so the exit code tells bad input from other failures).
void report_failures(const Law& law, const Dataset& train, const std::vector<FitResult>& fits, bool strict) {
  rethrow_first_input_error(fits);  // bad input is the command's error always
  if (strict) {
    rethrow_first_failure(fits);
    reject_fits_without_finite_value(law, train, fits);
    return;
  }
  for (std::size_t g = 0; g < fits.size(); ++g) {
    if (fits[g].status == FitStatus::Failed)
      std::cerr << "slfit fit: warning: group '" << train.groups[g].name << "' failed: " << fits[g].error << '\n';
    else if (fits[g].status == FitStatus::NoFiniteValue)
      std::cerr << "slfit fit: warning: " << no_finite_value_message(law, train, g) << '\n';
  }
}

}  // namespace

int run_fit(const std::vector<std::string>& args) {
  FitArgs a;
  // clang-format off
  po::options_description io("slfit fit: fit a scaling law to every group of a CSV file\n\n"
                             "Usage: slfit fit --data FILE --law LAW [options]\n\nInput and output");
  io.add_options()
    ("help,h", "show this help");
  add_data_options(io, a.input, "training data (CSV with a header row)",
                   "column whose values split the data into groups fitted separately");
  add_fix_option(io, a.input);
  io.add_options()
    ("test", po::value(&a.test), "held-out data scored with SLDBench's r2, nmse and nmae")
    ("out", po::value(&a.out)->default_value("-"), "output file, written atomically; - for stdout")
    ("format", po::value(&a.format),
     "json, csv or table (default: csv for a .csv --out, table when stdout is a terminal, else json)")
    ("strict", po::bool_switch(&a.strict),
     "a group whose fit fails (or finds no finite objective) fails the command, which writes nothing; "
     "without it the group gets a status row and a warning");
  // clang-format on
  po::options_description all;
  all.add(io).add(fitting_options(a.options, a.threads));

  po::variables_map vm;
  if (!parse_command_line(args, all, vm)) return 0;
  finish_fitting_options(vm, a.options);
  const std::string format = fit_format(a.format, a.out);
  check_output_writable(a.out);  // before the work, not after it

  const auto start = std::chrono::steady_clock::now();
  const std::shared_ptr<const Law> shared_law = load_mapped_law(a.input);
  const Law& law = *shared_law;
  if (format == "csv") {
    std::vector<std::string> fixed = fit_csv_fixed_columns();
    for (const std::string& name : law.param_names()) fixed.push_back("se_" + name);
    reject_parameter_columns(law, fixed, "fit's CSV output");
  }
  const std::shared_ptr<const Dataset> shared_train = read_data(a.input, law, law.params.size());
  const Dataset& train = *shared_train;
  std::optional<Dataset> test;
  if (!a.test.empty()) {
    ColumnSelection test_columns = train.columns;  // test scores are unweighted: no scale column needed
    test_columns.scale.clear();
    test = read_dataset(a.test, test_columns, 1, csv_options(a.input));
    say_dropped_rows(*test);
  }
  reject_constant_targets(train, test ? &*test : nullptr);
  if (test) require_test_groups_in_training(*test, train);  // before the fitting, not after it

  const std::shared_ptr<const CompiledLaw> compiled = compile_law(law);
  const std::vector<Problem> problems = make_group_problems(shared_law, compiled, shared_train, a.options);
  FitReport report;
  report.law = &law;
  report.train = &train;
  report.options = a.options;
  ProgressLine progress("fits", problems.size(), 0, vm["quiet"].as<bool>());
  std::size_t done = 0;
  BatchOptions batch;
  batch.threads = a.threads;
  batch.timing = &report.timing;
  batch.on_problem_done = [&](std::size_t) { progress.update(++done); };
  report.fits = fit_batch_with_backend(parse_backend(vm["backend"].as<std::string>()), problems, batch, report.backend,
                                       notes(vm), vm["verbose"].as<bool>());
  report_failures(law, train, report.fits, a.strict);
  report.statistics = fit_statistics(problems, report.fits, a.threads);

  std::optional<SplitScores> scores;
  if (test) {
    // A failed fit has no parameters: its test rows are predicted as NaN, which voids the scores.
    std::vector<std::vector<double>> params;
    for (const FitResult& fit : report.fits)
      params.push_back(fit.params.empty() ? std::vector<double>(law.params.size(), std::nan("")) : fit.params);
    scores = score_split(*test, train, *compiled, params);
    if (!scores->error.empty()) std::cerr << "slfit fit: warning: " << scores->error << "; the test scores are null\n";
    std::vector<std::string> untested;
    for (std::size_t g = 0; g < train.groups.size(); ++g)
      if (scores->groups[g].n == 0) untested.push_back(train.groups[g].name);
    if (!untested.empty())
      std::cerr << "slfit fit: " << test->source << " has no rows of group" << (untested.size() > 1 ? "s " : " ")
                << join(untested, ", ") << ": fitted, not tested\n";
    report.test = &*scores;
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_output(a.out, format == "csv"     ? format_fit_csv(report)
                      : format == "table" ? format_fit_table(report)
                                          : format_fit_json(report));
  return 0;
}

}  // namespace slfit::cli
