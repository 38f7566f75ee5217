// slfit fit: fits a law to every group of a CSV file, optionally scoring it on a test split.

#include <chrono>
#include <iostream>
#include <map>
#include <sstream>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/data_options.hpp"
#include "cli/fit_diagnostics.hpp"
#include "cli/fit_options.hpp"
#include "cli/parse_util.hpp"
#include "slfit/backend.hpp"
#include "slfit/metrics.hpp"
#include "slfit/atomic_file.hpp"
#include "slfit/csv.hpp"
#include "slfit/fit_json.hpp"
#include "slfit/error.hpp"
#include "slfit/fit.hpp"
#include "slfit/text.hpp"

namespace po = boost::program_options;

namespace slfit::cli {
namespace {

struct FitArgs {
  DataArgs input;
  std::string test, out, format;
  FitOptions options;
  int threads = 0;
  std::string backend = "cpu";  // the backend that ran the fits
  BatchTiming timing;            // the CUDA backend's time split
};

nlohmann::ordered_json scores_json(const Scores& s) {
  return {{"r2", s.r2}, {"nmse", s.nmse}, {"nmae", s.nmae}, {"n", s.n}};
}

std::string format_json(const Law& law, const Dataset& train,
                        const std::vector<FitResult>& fits, const SplitScores* test, const FitArgs& a,
                        double seconds) {
  nlohmann::ordered_json j;
  j["law"] = law.name;
  j["formula"] = law.formula;
  j["param_names"] = law.param_names();
  j["pipeline"] = to_string(a.options.pipeline);
  j["seed"] = a.options.seed;
  j["backend"] = a.backend;
  if (a.backend == "cuda")
    j["timing"] = {{"compile", a.timing.compile}, {"upload", a.timing.upload}, {"de", a.timing.de},
                   {"download", a.timing.download}, {"refine", a.timing.refine}};
  j["fits"] = nlohmann::ordered_json::array();
  for (std::size_t g = 0; g < fits.size(); ++g) {
    nlohmann::ordered_json fit = fit_to_json(law, train.groups[g], fits[g]);
    if (test && test->groups[g].n > 0) fit["test"] = scores_json(test->groups[g]);  // absent: no test rows
    j["fits"].push_back(std::move(fit));
  }
  if (test) j["test"] = scores_json(test->scores);
  j["seconds"] = seconds;
  return j.dump(2) + "\n";
}

// The CSV's columns before and after the parameters' (README.md, "fit, CSV").
const std::vector<std::string> kCsvLeading = {"group", "n"};
const std::vector<std::string> kCsvTrailing = {"objective",      "r2_train",          "status",        "de_generations",
                                               "de_evaluations", "lbfgsb_iterations", "lbfgsb_status", "seconds",
                                               "test_r2",        "test_nmse",         "test_nmae"};

std::string format_csv(const Law& law, const Dataset& train,
                       const std::vector<FitResult>& fits, const SplitScores* test) {
  std::ostringstream out;
  out << join(kCsvLeading, ",");
  for (const std::string& name : law.param_names()) out << ',' << csv_field(name);
  out << ',' << join(kCsvTrailing, ",") << '\n';
  for (std::size_t g = 0; g < fits.size(); ++g) {
    out << csv_field(train.groups[g].name) << ',' << train.groups[g].size();
    for (double p : fits[g].params) out << ',' << csv_number(p);
    out << ',' << csv_number(fits[g].objective) << ',' << csv_number(fits[g].r2_train) << ','
        << to_string(fits[g].status) << ',' << fits[g].de.generations << ',' << fits[g].de.evaluations << ','
        << fits[g].lbfgsb.iterations << ',' << csv_field(fits[g].lbfgsb.status) << ',' << csv_number(fits[g].seconds);
    // The group's own test metrics: empty without --test or where the test file has no rows of it.
    const Scores* own = test && test->groups[g].n > 0 ? &test->groups[g] : nullptr;
    if (own) out << ',' << csv_number(own->r2) << ',' << csv_number(own->nmse) << ',' << csv_number(own->nmae);
    else out << ",,,";
    out << '\n';
  }
  return out.str();
}

}  // namespace

int run_fit(const std::vector<std::string>& args) {
  FitArgs a;
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
    ("format", po::value(&a.format), "json or csv (default: csv for a .csv --out, else json)");
  po::options_description all;
  all.add(io).add(fitting_options(a.options, a.threads));

  po::variables_map vm;
  if (!parse_command_line(args, all, vm)) return 0;
  finish_fitting_options(vm, a.options);
  const std::string format = resolve_format(a.format, a.out);
  check_output_writable(a.out);  // before the work, not after it

  const auto start = std::chrono::steady_clock::now();
  const std::shared_ptr<const Law> shared_law = load_mapped_law(a.input);
  const Law& law = *shared_law;
  if (format == "csv") {
    std::vector<std::string> fixed = kCsvLeading;
    fixed.insert(fixed.end(), kCsvTrailing.begin(), kCsvTrailing.end());
    reject_parameter_columns(law, fixed, "fit's CSV output");
  }
  const std::shared_ptr<const Dataset> shared_train = read_data(a.input, law, law.params.size());
  const Dataset& train = *shared_train;
  const ColumnSelection& columns = train.columns;
  std::optional<Dataset> test;
  if (!a.test.empty()) {
    test = read_dataset(a.test, columns, 1, csv_options(a.input));
    say_dropped_rows(*test);
  }
  reject_constant_targets(train, test ? &*test : nullptr);
  if (test) require_test_groups_in_training(*test, train);  // before the fitting, not after it

  const std::shared_ptr<const CompiledLaw> compiled = compile_law(law);
  const std::vector<Problem> problems = make_group_problems(shared_law, compiled, shared_train, a.options);
  BatchOptions batch;
  batch.threads = a.threads;
  batch.timing = &a.timing;
  const std::vector<FitResult> fits =
      fit_batch_with_backend(parse_backend(vm["backend"].as<std::string>()), problems, batch, a.backend, std::cerr,
                             vm["verbose"].as<bool>());
  rethrow_first_failure(fits);
  reject_fits_without_finite_value(law, train, fits);

  std::optional<SplitScores> scores;
  if (test) {
    std::vector<std::vector<double>> params;
    for (const FitResult& fit : fits) params.push_back(fit.params);
    scores = score_split(*test, train, *compiled, params);
    if (!scores->error.empty()) std::cerr << "slfit fit: warning: " << scores->error << "; the test scores are null\n";
    std::vector<std::string> untested;
    for (std::size_t g = 0; g < train.groups.size(); ++g)
      if (scores->groups[g].n == 0) untested.push_back(train.groups[g].name);
    if (!untested.empty())
      std::cerr << "slfit fit: " << test->source << " has no rows of group" << (untested.size() > 1 ? "s " : " ")
                << join(untested, ", ") << ": fitted, not tested\n";
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const SplitScores* test_scores = scores ? &*scores : nullptr;
  write_output(a.out, format == "csv" ? format_csv(law, train, fits, test_scores)
                                      : format_json(law, train, fits, test_scores, a, seconds));
  return 0;
}

}  // namespace slfit::cli
