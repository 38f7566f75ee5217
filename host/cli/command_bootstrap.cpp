// slfit bootstrap: confidence intervals for a law's parameters and for extrapolated predictions,
// from fits to case resamples of each group (README.md, "slfit bootstrap").

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <set>
#include <tuple>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli/bootstrap_output.hpp"
#include "cli/commands.hpp"
#include "cli/data_options.hpp"
#include "cli/fit_options.hpp"
#include "cli/parse_util.hpp"
#include "cli/predict_points.hpp"
#include "cli/progress_line.hpp"
#include "slfit/backend.hpp"
#include "slfit/bootstrap.hpp"
#include "slfit/bootstrap_summary.hpp"
#include "slfit/atomic_file.hpp"
#include "slfit/text.hpp"
#include "slfit/bootstrap_checkpoint.hpp"
#include "slfit/csv.hpp"
#include "slfit/error.hpp"
#include "slfit/law_io.hpp"
#include "slfit/resample_draw.hpp"
#include "slfit/input_file.hpp"
#include "slfit/ranks.hpp"

namespace po = boost::program_options;

namespace slfit::cli {
namespace {

BatchOptions batch_options(int threads) {
  BatchOptions batch;
  batch.threads = threads;
  return batch;
}

struct BootstrapArgs {
  DataArgs input;
  std::string out, stratify, save_replicates, checkpoint;
  std::string method = "bca", search = "global";
  std::vector<std::string> predict;
  std::uint32_t resamples = 1000;
  double level = 0.95;
  bool quiet = false;
  FitOptions options;
  int threads = 0;
};

// 64-bit FNV-1a: a checkpoint records the hash of the data and law it was made from, so that a
// file edited in between is noticed.
std::string fnv1a_hex(const std::string& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(h));
  return buffer;
}

std::string law_text(const Law& law) {
  const std::string builtin = "builtin:";
  return law.source.starts_with(builtin) ? builtin_law_json(law.source.substr(builtin.size())) : read_input_file(law.source);
}

// Everything that decides the fits (and nothing that only shapes the summary, like --ci,
// --method or --predict): a checkpoint made with other values is refused.
nlohmann::ordered_json checkpoint_arguments(const BootstrapArgs& a, const Law& law) {
  const FitOptions& o = a.options;
  return {{"data", a.input.data},
          {"data_fnv1a", fnv1a_hex(read_input_file(a.input.data))},
          {"law", law.source},
          {"law_fnv1a", fnv1a_hex(law_text(law))},
          {"columns", law.columns},
          {"target", law.target},
          {"group", a.input.group},
          {"delimiter", a.input.delimiter},
          {"missing", a.input.missing},
          {"fix", a.input.fixes},
          {"stratify", a.stratify},
          {"resamples", a.resamples},
          {"search", a.search},
          {"pipeline", to_string(o.pipeline)},
          {"separable", to_string(o.separable)},
          {"updating", to_string(o.de.updating)},
          {"popsize", o.de.popsize},
          {"maxiter", o.de.maxiter},
          {"tol", o.de.tol},
          {"atol", o.de.atol},
          {"ftol", o.refine.ftol},
          {"gtol", o.refine.gtol},
          {"lbfgs_maxiter", o.refine.maxiter},
          {"seed", o.seed}};
}

IntervalMethod interval_method(const std::string& method) {
  if (method == "percentile") return IntervalMethod::Percentile;
  if (method == "basic") return IntervalMethod::Basic;
  if (method == "bca") return IntervalMethod::Bca;
  throw InputError("--method: '" + method + "' is not one of: percentile, basic, bca");
}

Search search_kind(const std::string& search) {
  if (search == "global") return Search::Global;
  if (search == "local") return Search::Local;
  throw InputError("--search: '" + search + "' is not one of: global, local");
}

// Per group, its strata: by the --stratify column's label of each row, or the whole group.
std::vector<Strata> group_strata(const Dataset& data, const std::string& stratify_column, const std::string& target) {
  std::vector<Strata> strata;
  if (stratify_column.empty()) {
    for (const GroupData& group : data.groups) strata.push_back(single_stratum(group));
    return strata;
  }
  // The rows the data kept have their labels here; a row it dropped for a missing value is
  // dropped here too or has a label no kept row needs.
  const Dataset labels = read_dataset(data.source, ColumnSelection{{}, target, stratify_column}, 1,
                                      CsvOptions{data.delimiter, MissingValues::Drop});
  std::vector<std::string> label_of_line;
  for (const GroupData& stratum : labels.groups)
    for (std::size_t line : stratum.lines) {
      if (line >= label_of_line.size()) label_of_line.resize(line + 1);
      label_of_line[line] = stratum.name;
    }
  for (const GroupData& group : data.groups) strata.push_back(strata_by_label(group, label_of_line));
  return strata;
}

// Fits every task not already in the checkpoint, chunk by chunk, appending each chunk to the
// checkpoint and reporting progress; returns all fits, resumed and new.
std::vector<TaskFit> run_tasks(const BootstrapPlan& plan, const BackendChoice& backend, const BootstrapArgs& a,
                                const Law& law) {
  const std::vector<BootstrapTask> all = bootstrap_tasks(plan);
  std::vector<TaskFit> fits;
  std::unique_ptr<BootstrapCheckpoint> checkpoint;
  if (!a.checkpoint.empty()) {
    const auto known = [&plan](const BootstrapTask& t) {
      if (t.group >= plan.data->groups.size()) return false;
      return t.kind == FitKind::Replicate ? t.index < plan.resamples : t.index < plan.data->groups[t.group].rows();
    };
    checkpoint = std::make_unique<BootstrapCheckpoint>(a.checkpoint, checkpoint_arguments(a, law), law.params.size(), known);
    fits = checkpoint->finished();
  }
  const auto key = [](const BootstrapTask& t) { return std::tuple(t.group, static_cast<char>(t.kind), t.index); };
  std::set<std::tuple<std::uint32_t, char, std::uint32_t>> finished;
  for (const TaskFit& fit : fits) finished.insert(key(fit.task));
  std::vector<BootstrapTask> todo;
  for (const BootstrapTask& task : all)
    if (!finished.contains(key(task))) todo.push_back(task);

  const std::size_t already = all.size() - todo.size();
  ProgressLine progress("bootstrap fits", all.size(), already, a.quiet);
  const std::size_t threads = static_cast<std::size_t>(thread_count(a.threads));
  // On the CPU about a hundred chunks: progress and checkpoints often enough, each chunk still
  // wide enough to keep every thread busy. On the GPU about ten, each large enough to fill the
  // device and to overlap its DE with the host's refinement (fit_batch_on_runner splits it further).
  // In an MPI job each rank fits its share of every chunk (slfit/ranks.hpp), and a share's fits
  // cannot move to a rank that finished early: a share of at least 64 fits keeps that loss small.
  const bool gpu = backend.backend == Backend::Cuda && plan.search == Search::Global;
  const std::size_t ranks = batch_ranks() ? static_cast<std::size_t>(batch_ranks()->size()) : 1;
  const std::size_t widest = ranks > 1 ? std::max<std::size_t>(4 * threads, 64) * ranks : 4 * threads;
  const std::size_t chunk = gpu ? std::clamp<std::size_t>(todo.size() / 10, 8192 * ranks, (1 << 20) * ranks)
                                : std::clamp<std::size_t>(todo.size() / 100, widest, 1024 * ranks);
  std::size_t done = already;
  run_bootstrap_tasks(plan, todo, backend, batch_options(a.threads), chunk, [&](std::span<const TaskFit> finished) {
    if (checkpoint) checkpoint->append(finished);
    fits.insert(fits.end(), finished.begin(), finished.end());
    done += finished.size();
    progress.update(done);
  });
  return fits;
}

}  // namespace

int run_bootstrap(const std::vector<std::string>& args) {
  BootstrapArgs a;
  po::options_description io(
      "slfit bootstrap: confidence intervals for a law's parameters and predictions from resampled fits\n\n"
      "Usage: slfit bootstrap --data FILE --law LAW [options]\n\nInput and output");
  io.add_options()
    ("help,h", "show this help");
  add_data_options(io, a.input, "data (CSV with a header row)",
                   "column whose values split the data into groups bootstrapped separately");
  add_fix_option(io, a.input);
  io.add_options()
    ("resamples", po::value(&a.resamples)->default_value(a.resamples), "bootstrap resamples B per group")
    ("ci", po::value(&a.level)->default_value(a.level, "0.95"), "confidence level of the intervals, in (0, 1)")
    ("method", po::value(&a.method)->default_value(a.method), "interval: percentile, basic or bca (jackknife acceleration)")
    ("predict", po::value(&a.predict)->composing(),
     "\"COL=VALUE,COL=VALUE\": a point to predict at, one value per law input (repeatable)")
    ("stratify", po::value(&a.stratify), "column whose values split each group into strata, resampled separately")
    ("search", po::value(&a.search)->default_value(a.search),
     "global: every resample gets the full fit; local: L-BFGS-B from the full-data optimum")
    ("save-replicates", po::value(&a.save_replicates), "CSV file of every replicate's fit")
    ("checkpoint", po::value(&a.checkpoint), "file of finished fits: appended as they finish, resumed from on rerun")
    ("out", po::value(&a.out), "JSON output file, written atomically (- for stdout); without it, a table on stdout");
  po::options_description all;
  all.add(io).add(fitting_options(a.options, a.threads));

  po::variables_map vm;
  if (!parse_command_line(args, all, vm)) return 0;
  finish_fitting_options(vm, a.options);
  a.quiet = vm["quiet"].as<bool>();
  for (const std::string& out : {a.out, a.save_replicates}) check_output_writable(out);  // before the work
  const IntervalMethod method = interval_method(a.method);
  const Search search = search_kind(a.search);
  if (a.resamples < 2 || a.resamples >= kJackknifeStreamFlag)
    throw InputError("--resamples must be between 2 and " + std::to_string(kJackknifeStreamFlag - 1));
  if (!(a.level > 0 && a.level < 1)) throw InputError("--ci must be strictly between 0 and 1");

  const auto start = std::chrono::steady_clock::now();
  BootstrapPlan plan;
  plan.law = load_mapped_law(a.input);
  const Law& law = *plan.law;
  const PredictPoints points = parse_predict_points(a.predict, law);
  if (!a.save_replicates.empty()) {
    std::vector<std::string> fixed = {"group", "replicate", "status", "objective"};
    for (std::size_t p = 0; p < points.labels.size(); ++p) fixed.push_back("prediction_" + std::to_string(p + 1));
    reject_parameter_columns(law, fixed, "the --save-replicates CSV");
  }
  plan.data = read_data(a.input, law, law.params.size());
  const Dataset& data = *plan.data;
  plan.compiled = compile_law(law);
  plan.strata = group_strata(data, a.stratify, law.target);
  plan.search = search;
  plan.resamples = a.resamples;
  plan.jackknife = method == IntervalMethod::Bca;
  plan.full_problems = make_group_problems(plan.law, plan.compiled, plan.data, a.options);
  const BackendChoice backend = choose_backend(parse_backend(vm["backend"].as<std::string>()), a.options.pipeline, notes(vm),
                                               vm["verbose"].as<bool>());
  plan.full_fits = fit_batch_on(backend, plan.full_problems, batch_options(a.threads));
  rethrow_first_failure(plan.full_fits);
  for (std::size_t g = 0; g < data.groups.size(); ++g)
    if (plan.full_fits[g].status == FitStatus::NoFiniteValue)
      throw std::runtime_error("group '" + data.groups[g].name +
                               "': the full-data fit found no finite objective, so there is nothing to bootstrap");

  // A point the full-data fit cannot predict gets no interval: said before the long work.
  for (std::size_t g = 0; g < data.groups.size() && points.data.size() > 0; ++g) {
    const std::vector<double> at_points = predict(*plan.compiled, points.data, plan.full_fits[g].params);
    for (std::size_t p = 0; p < at_points.size(); ++p)
      if (!std::isfinite(at_points[p]))
        std::cerr << "slfit bootstrap: warning: --predict " << points.texts[p] << ": group '" << data.groups[g].name
                  << "': the full-data fit predicts " << number_text(at_points[p])
                  << " there\n";
  }

  const std::vector<TaskFit> fits = run_tasks(plan, backend, a, law);

  BootstrapReport report;
  report.law = &law;
  report.compiled = plan.compiled.get();
  report.data = &data;
  report.points = &points;
  report.full_fits = plan.full_fits;
  BootstrapSummaries summaries = summarize_bootstrap(plan, fits, points.data, method, a.level);
  report.replicates = std::move(summaries.replicates);
  report.summaries = std::move(summaries.groups);
  report.method = a.method;
  report.level = a.level;
  report.resamples = a.resamples;
  report.search = a.search;
  report.stratify = a.stratify;
  report.pipeline = to_string(a.options.pipeline);
  report.separable = to_string(a.options.separable);
  report.updating = to_string(a.options.de.updating);
  report.seed = a.options.seed;
  report.backend = to_string(backend.backend);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (!a.save_replicates.empty()) write_output(a.save_replicates, replicates_csv(report));
  if (!a.out.empty()) write_output(a.out, bootstrap_json(report));
  if (a.out != "-") std::cout << bootstrap_table(report);
  return 0;
}

}  // namespace slfit::cli
