// slfit._core: the engine's public surface (include/slfit/) for the Python package. It holds no
// logic of its own: columns in, the engine's problems and fits, plain dicts and numpy arrays out;
// python/slfit/ turns them into pandas objects. Bad input raises ValueError with the engine's
// message; the GIL is released while fitting.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "slfit/slfit.hpp"

namespace py = pybind11;

namespace slfit::python {
namespace {

// Python's side of a long batch: every tenth of a second the calling thread takes the GIL,
// runs Python's signal handlers (Ctrl-C raises KeyboardInterrupt there) and calls `progress(done,
// total)`. A raised exception stops the batch (BatchOptions::stop: problems not started are not
// fitted) and is raised again when the batch returns (rethrow(), with the GIL held).
class PythonWatch {
 public:
  PythonWatch(py::object progress, std::size_t total) : progress_(std::move(progress)), total_(total) {}

  void attach(BatchOptions& batch) {
    batch.stop = &stop_;
    batch.on_problem_done = [this](std::size_t) { report(done_ + 1, total_); };
  }

  const std::atomic<bool>* stop_flag() const { return &stop_; }

  // `done` of `total` (a stage's, for a caller with stages).
  void report(std::size_t done, std::size_t total) {
    done_ = done;
    total_ = total;
    const auto now = std::chrono::steady_clock::now();
    if (done_ < total_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    py::gil_scoped_acquire gil;
    try {
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      if (!progress_.is_none()) progress_(done_, total_);
    } catch (py::error_already_set& e) {
      error_ = std::move(e);
      stop_ = true;
    }
  }

  bool stopped() const { return stop_; }

  void rethrow() {
    if (stop_) throw std::move(*error_);
  }

 private:
  py::object progress_;
  std::size_t total_;
  std::size_t done_ = 0;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  std::atomic<bool> stop_{false};
  std::optional<py::error_already_set> error_;
};

// A law as Python holds it: shared, immutable once made.
struct PyLaw {
  std::shared_ptr<const Law> law;
};

PyLaw law_from_spec(const std::string& spec_json, const std::string& source) {
  return {std::make_shared<const Law>(parse_law_spec(parse_law_json(spec_json, source), source))};
}

PyLaw load(const std::string& name_or_path) { return {std::make_shared<const Law>(load_law(name_or_path))}; }

// The keyword of a FitOptions field named by an OptionError: Python spells them as the CLI's
// flags without the dashes ("de.popsize" is popsize).
std::string option_keyword(const std::string& field) {
  static const std::map<std::string, std::string> keywords = {{"de.popsize", "popsize"},
                                                              {"de.maxiter", "maxiter"},
                                                              {"de.tol", "tol"},
                                                              {"de.atol", "atol"},
                                                              {"refine.ftol", "ftol"},
                                                              {"refine.gtol", "gtol"},
                                                              {"refine.maxiter", "lbfgs_maxiter"}};
  const auto found = keywords.find(field);
  return found == keywords.end() ? field : found->second;
}

FitOptions fit_options(const py::dict& o) {
  FitOptions options;
  const auto take = [&](const char* key, auto& field) {
    if (o.contains(key)) field = o[key].cast<std::remove_reference_t<decltype(field)>>();
  };
  if (o.contains("pipeline")) {
    const std::string name = o["pipeline"].cast<std::string>();
    const std::optional<Pipeline> chosen = chosen_pipeline(name);
    if (!chosen) throw InputError("pipeline: '" + name + "' is not one of: " + chosen_pipeline_names());
    options.pipeline = *chosen;
  }
  if (o.contains("separable")) {
    const std::string name = o["separable"].cast<std::string>();
    const std::optional<Separable> solved = parse_separable(name);
    if (!solved) throw InputError("separable: '" + name + "' is not one of: auto, off");
    options.separable = *solved;
  }
  if (o.contains("updating")) {
    const std::string name = o["updating"].cast<std::string>();
    const std::optional<Updating> chosen_updating = parse_updating(name);
    if (!chosen_updating) throw InputError("updating: '" + name + "' is not one of: deferred, immediate");
    options.de.updating = *chosen_updating;
  }
  take("popsize", options.de.popsize);
  take("maxiter", options.de.maxiter);
  take("tol", options.de.tol);
  take("atol", options.de.atol);
  take("ftol", options.refine.ftol);
  take("gtol", options.refine.gtol);
  take("lbfgs_maxiter", options.refine.maxiter);
  take("seed", options.seed);
  validate(options);
  return options;
}

// A data set from columns: one array per law input, one target array per output of the law,
// optional residual scales and group labels (one group "all" without them). Rows keep their
// order; groups come in order of first appearance, as the CSV reader makes them, so that a fit's
// random streams are the CLI's; a multi-output law's groups are stacked as the reader stacks
// them (stack_outputs). Row i is "line" i + 1 in messages, named against `source`.
std::shared_ptr<const Dataset> dataset(const Law& law, const std::vector<py::array_t<double>>& inputs,
                                       const std::vector<py::array_t<double>>& targets,
                                       const std::optional<py::array_t<double>>& scale,
                                       const std::optional<std::vector<std::string>>& groups, const std::string& source,
                                       const std::string& group_column) {
  if (inputs.size() != law.variables.size())
    throw InputError(source + ": " + std::to_string(inputs.size()) + " input columns for law '" + law.name +
                     "', which reads " + std::to_string(law.variables.size()));
  if (targets.size() != law.num_outputs())
    throw InputError(source + ": " + std::to_string(targets.size()) + " target columns for law '" + law.name +
                     "', which has " + std::to_string(law.num_outputs()) + " outputs");
  const std::size_t n = static_cast<std::size_t>(targets.front().size());
  auto data = std::make_shared<Dataset>();
  data->source = source;
  data->columns = law_columns(law, group_column);
  std::map<std::string, std::size_t> index;
  std::vector<std::vector<std::vector<double>>> group_targets;  // per group: one column per output
  for (std::size_t i = 0; i < n; ++i) {
    const std::string label = groups ? (*groups)[i] : "all";
    auto [it, fresh] = index.try_emplace(label, data->groups.size());
    if (fresh) {
      data->groups.emplace_back();
      data->groups.back().name = label;
      data->groups.back().inputs.resize(inputs.size());
      group_targets.emplace_back(targets.size());
    }
    GroupData& g = data->groups[it->second];
    for (std::size_t k = 0; k < inputs.size(); ++k) g.inputs[k].push_back(inputs[k].at(static_cast<py::ssize_t>(i)));
    for (std::size_t k = 0; k < targets.size(); ++k)
      group_targets[it->second][k].push_back(targets[k].at(static_cast<py::ssize_t>(i)));
    if (scale) g.residual_scale.push_back(scale->at(static_cast<py::ssize_t>(i)));
    g.lines.push_back(i + 1);
  }
  for (std::size_t g = 0; g < data->groups.size(); ++g) stack_outputs(data->groups[g], group_targets[g]);
  return data;
}

py::dict fit_dict(const Law& law, const FitResult& fit, const FitStatistics& stats) {
  py::dict d;
  d["params"] = fit.params;
  d["objective"] = fit.objective;
  d["r2_train"] = fit.r2_train;
  d["status"] = std::string(to_string(fit.status));
  d["error"] = fit.error;
  d["de_converged"] = fit.de.converged;
  d["de_generations"] = fit.de.generations;
  d["de_evaluations"] = fit.de.evaluations;
  d["lbfgsb_iterations"] = fit.lbfgsb.iterations;
  d["lbfgsb_status"] = fit.lbfgsb.status;
  std::vector<std::string> separable;
  for (const int k : fit.separable) separable.push_back(law.params[static_cast<std::size_t>(k)].name);
  d["separable"] = separable;
  d["seconds"] = fit.seconds;
  const bool has = !stats.at_bound.empty();
  const double nan = std::nan("");
  d["standard_errors"] = has ? stats.standard_errors : std::vector<double>(law.params.size(), nan);
  d["correlation"] = has ? stats.correlation : std::vector<double>(law.params.size() * law.params.size(), nan);
  d["aic"] = has ? stats.aic : nan;
  d["bic"] = has ? stats.bic : nan;
  std::vector<std::string> at_bound;
  for (std::size_t k = 0; k < stats.at_bound.size(); ++k) at_bound.push_back(to_string(stats.at_bound[k]));
  d["at_bound"] = at_bound;
  d["note"] = stats.note;
  return d;
}

py::dict scores_dict(const Scores& s) {
  py::dict d;
  d["r2"] = s.r2;
  d["nmse"] = s.nmse;
  d["nmae"] = s.nmae;
  d["n"] = s.n;
  return d;
}

// Fits every group of `train`, and scores the fits on `test` when given. Returns {"groups": [...],
// "fits": [dict per group], "backend": name, "test": {...} or None, "test_groups": [...]}.
py::dict fit(const PyLaw& py_law, const std::vector<py::array_t<double>>& inputs, const std::vector<py::array_t<double>>& target,
             const std::optional<py::array_t<double>>& scale, const std::optional<std::vector<std::string>>& groups,
             const py::dict& options, int threads, const std::string& backend, const std::string& group_column,
             const std::optional<std::vector<py::array_t<double>>>& test_inputs,
             const std::optional<std::vector<py::array_t<double>>>& test_target,
             const std::optional<std::vector<std::string>>& test_groups, const py::object& progress) {
  const std::shared_ptr<const Law>& law = py_law.law;
  const FitOptions fit_opts = fit_options(options);
  const std::shared_ptr<const Dataset> train = dataset(*law, inputs, target, scale, groups, "data", group_column);
  std::shared_ptr<const Dataset> test;
  if (test_inputs) {
    test = dataset(*law, *test_inputs, *test_target, std::nullopt, test_groups, "test", group_column);
    require_test_groups_in_training(*test, *train);
  }
  const std::shared_ptr<const CompiledLaw> compiled = compile_law(*law);
  const std::vector<Problem> problems = make_group_problems(law, compiled, train, fit_opts);

  std::vector<FitResult> fits;
  std::vector<FitStatistics> stats;
  std::string used;
  std::ostringstream note;
  PythonWatch watch(progress, problems.size());
  {
    py::gil_scoped_release release;
    BatchOptions batch;
    batch.threads = threads;
    watch.attach(batch);
    fits = fit_batch_with_backend(parse_backend(backend), problems, batch, used, note);
    stats = fit_statistics(problems, fits, threads);
  }
  watch.rethrow();
  rethrow_first_input_error(fits);  // bad input found while fitting (an option for this law) raises

  py::dict out;
  py::list names, fit_list;
  for (std::size_t g = 0; g < fits.size(); ++g) {
    names.append(train->groups[g].name);
    fit_list.append(fit_dict(*law, fits[g], stats[g]));
  }
  out["groups"] = names;
  out["fits"] = fit_list;
  out["backend"] = used;
  out["test"] = py::none();
  if (test) {
    std::vector<std::vector<double>> params;
    for (const FitResult& f : fits)
      params.push_back(f.params.empty() ? std::vector<double>(law->params.size(), std::nan("")) : f.params);
    const SplitScores scores = score_split(*test, *train, *compiled, params);
    py::dict t = scores_dict(scores.scores);
    t["error"] = scores.error;
    py::list per_group;
    for (const Scores& s : scores.groups) per_group.append(scores_dict(s));
    t["groups"] = per_group;
    py::dict per_output;  // a multi-output law's outputs, each over all groups
    for (std::size_t k = 0; k < scores.outputs.size(); ++k) per_output[py::str(law->outputs[k].name)] = scores_dict(scores.outputs[k]);
    t["outputs"] = per_output;
    out["test"] = t;
  }
  return out;
}

// The law's predictions for each row of the inputs, with one parameter vector.
py::array_t<double> predict_rows(const PyLaw& py_law, const std::vector<py::array_t<double>>& inputs,
                                 const std::vector<double>& params) {
  const Law& law = *py_law.law;
  if (inputs.size() != law.variables.size())
    throw InputError("predict: " + std::to_string(inputs.size()) + " input columns for law '" + law.name +
                     "', which reads " + std::to_string(law.variables.size()));
  GroupData rows;
  rows.inputs.resize(inputs.size());
  const std::size_t n = inputs.empty() ? 0 : static_cast<std::size_t>(inputs.front().size());
  for (std::size_t k = 0; k < inputs.size(); ++k)
    for (std::size_t i = 0; i < n; ++i) rows.inputs[k].push_back(inputs[k].at(static_cast<py::ssize_t>(i)));
  // Predictions read only the inputs; a multi-output law's come output after output.
  stack_outputs(rows, std::vector<std::vector<double>>(law.num_outputs(), std::vector<double>(n, 0.0)));
  const std::vector<double> values = predict(*compile_law(law), rows, params);
  return py::array_t<double>(static_cast<py::ssize_t>(values.size()), values.data());
}

// The law's objective at `params` on the rows given (one group), and its exact gradient: what
// the fit minimises, +inf where a prediction is not finite.
py::tuple objective_at(const PyLaw& py_law, const std::vector<py::array_t<double>>& inputs,
                       const std::vector<py::array_t<double>>& target, const std::optional<py::array_t<double>>& scale,
                       const std::vector<double>& params) {
  const Law& law = *py_law.law;
  if (params.size() != law.params.size())
    throw InputError("objective: " + std::to_string(params.size()) + " parameter values for law '" + law.name +
                     "', which has " + std::to_string(law.params.size()) + " (" + join(law.param_names(), ", ") + ")");
  const std::shared_ptr<const Dataset> data = dataset(law, inputs, target, scale, std::nullopt, "data", "");
  if (data->groups.empty()) throw InputError("objective: no rows");
  Objective objective(compile_law(law), data->groups.front(), law.objective);
  std::vector<double> gradient(params.size());
  const double value = objective.value_and_gradient(params, gradient);
  return py::make_tuple(value, py::array_t<double>(static_cast<py::ssize_t>(gradient.size()), gradient.data()));
}

// Re-scores a leaderboard manifest (text, with `path` naming it and anchoring its relative
// paths), as `slfit rescore`. Returns one dict per entry, best first (the CLI's CSV columns).
py::list rescore_manifest(const std::string& manifest_json, const std::string& path, const py::dict& options,
                          int restarts, int threads, const std::string& backend, const py::object& progress) {
  const Manifest manifest = parse_manifest(manifest_json, path);
  if (restarts < 1) throw InputError("restarts must be at least 1");
  RescoreOptions o;
  o.fit = fit_options(options);
  o.restarts = restarts;
  o.threads = threads;
  o.backend = parse_backend(backend);
  PythonWatch watch(progress, manifest.entries.size());
  o.stop = watch.stop_flag();
  o.on_entries_done = [&watch](std::size_t done, std::size_t total) { watch.report(done, total); };
  Rescored rescored;
  {
    py::gil_scoped_release release;
    rescored = rescore(manifest, o);
  }
  watch.rethrow();
  py::list rows;
  const std::vector<std::size_t> order = ranking(rescored.entries);
  for (std::size_t r = 0; r < order.size(); ++r) {
    const EntryScore& s = rescored.entries[order[r]];
    py::dict row;
    row["rank"] = r + 1;
    row["id"] = s.entry->id;
    row["task"] = s.entry->task;
    row["law"] = s.law_name;
    row["r2"] = s.test.r2;
    row["nmse"] = s.test.nmse;
    row["nmae"] = s.test.nmae;
    row["train_objective"] = s.train_objective;
    row["status"] = std::string(to_string(s.status));
    row["error"] = s.error;
    row["seconds"] = s.seconds;
    py::dict params;  // per training group, the kept fit's parameters by name
    for (const GroupFit& f : s.fits) {
      py::dict values;
      for (std::size_t k = 0; k < f.fit.params.size() && s.law; ++k)
        values[py::str(s.law->params[k].name)] = f.fit.params[k];
      params[py::str(f.group->name)] = values;
    }
    row["params"] = params;
    rows.append(row);
  }
  return rows;
}

py::dict statistic_dict(const StatisticSummary& s) {
  py::dict d;
  d["estimate"] = s.estimate;
  d["mean"] = s.mean;
  d["se"] = s.se;
  d["low"] = s.low;
  d["high"] = s.high;
  d["used"] = s.used;
  return d;
}

// A bootstrap, as `slfit bootstrap` runs it: the full-data fit per group, then B resampled fits
// (and for BCa the leave-one-out fits) in one batch, summarized into intervals at `level` for
// the parameters and for the law's predictions at `points` (rows of the inputs). strata: a label
// per row, resampled within (as --stratify). Returns per group {"params": [stat per parameter],
// "predictions": [stat per point], "failed", "covariance", "replicates" (B x params, NaN for a
// failed fit)}.
py::dict bootstrap(const PyLaw& py_law, const std::vector<py::array_t<double>>& inputs,
                   const std::vector<py::array_t<double>>& target, const std::optional<py::array_t<double>>& scale,
                   const std::optional<std::vector<std::string>>& groups, const py::dict& options, int threads,
                   const std::string& backend, const std::string& group_column, std::uint32_t resamples,
                   const std::string& method, double level, const std::string& search,
                   const std::vector<py::array_t<double>>& points,
                   const std::optional<std::vector<std::string>>& strata, const py::object& progress) {
  const std::map<std::string, IntervalMethod> methods = {
      {"percentile", IntervalMethod::Percentile}, {"basic", IntervalMethod::Basic}, {"bca", IntervalMethod::Bca}};
  if (!methods.contains(method)) throw InputError("method: '" + method + "' is not one of: percentile, basic, bca");
  if (search != "global" && search != "local")
    throw InputError("search: '" + search + "' is not one of: global, local");
  if (resamples < 2 || resamples >= kJackknifeStreamFlag)
    throw InputError("resamples must be between 2 and " + std::to_string(kJackknifeStreamFlag - 1));
  if (!(level > 0 && level < 1)) throw InputError("level must be between 0 and 1");
  const FitOptions fit_opts = fit_options(options);

  BootstrapPlan plan;
  plan.law = py_law.law;
  const Law& law = *plan.law;
  plan.data = dataset(law, inputs, target, scale, groups, "data", group_column);
  plan.compiled = compile_law(law);
  if (strata) {  // a label per row; rows are "lines" 1..n
    std::vector<std::string> label_of_line(strata->size() + 1);
    for (std::size_t i = 0; i < strata->size(); ++i) label_of_line[i + 1] = (*strata)[i];
    for (const GroupData& g : plan.data->groups) plan.strata.push_back(strata_by_label(g, label_of_line));
  } else {
    for (const GroupData& g : plan.data->groups) plan.strata.push_back(single_stratum(g));
  }
  plan.search = search == "local" ? Search::Local : Search::Global;
  plan.resamples = resamples;
  plan.jackknife = methods.at(method) == IntervalMethod::Bca;
  plan.full_problems = make_group_problems(plan.law, plan.compiled, plan.data, fit_opts);
  GroupData point_rows;
  point_rows.inputs.resize(law.variables.size());
  if (!points.empty()) {
    if (points.size() != law.variables.size())
      throw InputError("points: " + std::to_string(points.size()) + " input columns for law '" + law.name + "'");
    for (std::size_t k = 0; k < points.size(); ++k)
      for (py::ssize_t i = 0; i < points[k].size(); ++i) point_rows.inputs[k].push_back(points[k].at(i));
    // Predictions read only the inputs; a multi-output law predicts each point once per output.
    stack_outputs(point_rows, std::vector<std::vector<double>>(law.num_outputs(),
                                                               std::vector<double>(point_rows.inputs[0].size(), 0.0)));
  }

  BootstrapSummaries summaries;
  std::string used;
  const std::vector<BootstrapTask> tasks = bootstrap_tasks(plan);
  PythonWatch watch(progress, plan.full_problems.size() + tasks.size());
  {
    py::gil_scoped_release release;
    std::ostringstream note;
    const BackendChoice chosen = choose_backend(parse_backend(backend), fit_opts.pipeline, note);
    used = to_string(chosen.backend);
    BatchOptions batch;
    batch.threads = threads;
    watch.attach(batch);
    plan.full_fits = fit_batch_on(chosen, plan.full_problems, batch);
    if (!watch.stopped()) {  // after a Ctrl-C the full-data fits that did not run cannot be bootstrapped
      rethrow_first_failure(plan.full_fits);
      for (std::size_t g = 0; g < plan.full_fits.size(); ++g)
        if (plan.full_fits[g].status == FitStatus::NoFiniteValue)
          throw InputError("group '" + plan.data->groups[g].name +
                           "': the full-data fit found no finite objective, so there is nothing to bootstrap");
      std::vector<TaskFit> fits;
      run_bootstrap_tasks(plan, tasks, chosen, batch, std::max<std::size_t>(tasks.size(), 1),
                          [&](std::span<const TaskFit> chunk) { fits.insert(fits.end(), chunk.begin(), chunk.end()); });
      if (!watch.stopped()) summaries = summarize_bootstrap(plan, fits, point_rows, methods.at(method), level);
    }
  }
  watch.rethrow();

  py::dict out;
  py::list names, group_list;
  for (std::size_t g = 0; g < plan.data->groups.size(); ++g) {
    names.append(plan.data->groups[g].name);
    const GroupSummary& s = summaries.groups[g];
    py::dict d;
    py::list params, predictions;
    for (const StatisticSummary& p : s.params) params.append(statistic_dict(p));
    for (const StatisticSummary& p : s.predictions) predictions.append(statistic_dict(p));
    d["params"] = params;
    d["predictions"] = predictions;
    d["failed"] = s.failed;
    d["covariance"] = s.covariance;
    std::vector<double> replicates;
    for (const TaskFit& f : summaries.replicates[g])
      for (std::size_t k = 0; k < law.params.size(); ++k)
        replicates.push_back(f.failed() || k >= f.params.size() ? std::nan("") : f.params[k]);
    d["replicates"] = replicates;
    group_list.append(d);
  }
  out["groups"] = names;
  out["summaries"] = group_list;
  out["backend"] = used;
  return out;
}

// The objective on a grid per group, as `slfit surface` computes it. axes: (name, lo, hi, count,
// log) each; fixed: name -> value. Returns {"groups", "points" (per group, count x params),
// "values", "base", "intervals" (with a profile on one axis: per group estimate, low, high,
// why_not)}.
py::dict surface(const PyLaw& py_law, const std::vector<py::array_t<double>>& inputs, const std::vector<py::array_t<double>>& target,
                 const std::optional<py::array_t<double>>& scale, const std::optional<std::vector<std::string>>& groups,
                 const py::dict& options, int threads, const std::string& backend, const std::string& group_column,
                 const std::vector<std::tuple<std::string, double, double, std::size_t, bool>>& axes,
                 const std::map<std::string, double>& fixed, bool profile, double level, const py::object& progress) {
  const std::shared_ptr<const Law>& law = py_law.law;
  SurfaceRequest request;
  for (const auto& [name, lo, hi, count, log] : axes)
    request.axes.push_back(grid_axis(*law, name, lo, hi, count, log, "grid '" + name + "'"));
  request.fixed.resize(law->params.size());
  for (const auto& [name, value] : fixed) {
    const std::size_t k = parameter_index(*law, name, "fix '" + name + "'");
    for (const GridAxis& axis : request.axes)
      if (axis.param == k) throw InputError("fix '" + name + "': the parameter is on the grid");
    request.fixed[k] = value;
  }
  request.profile = profile;
  if (!(level > 0 && level < 1)) throw InputError("level must be between 0 and 1");
  const std::shared_ptr<const Dataset> data = dataset(*law, inputs, target, scale, groups, "data", group_column);
  const std::vector<Problem> problems = make_group_problems(law, compile_law(*law), data, fit_options(options));
  SurfaceResult result;
  std::vector<SurfaceInterval> intervals;
  PythonWatch watch(progress, problems.size());
  {
    py::gil_scoped_release release;
    std::ostringstream note;  // the backend line is the CLI's; Python reads the choice from the result
    const BackendChoice chosen = choose_backend(parse_backend(backend), Pipeline::De, note);
    try {
      result = compute_surface(
          problems, request, chosen, threads,
          [&watch](const char*, std::size_t done, std::size_t total) { watch.report(done, total); }, nullptr,
          watch.stop_flag());
      if (profile && request.axes.size() == 1) intervals = surface_intervals(problems, request, result, level);
    } catch (...) {
      if (!watch.stopped()) throw;  // a stopped batch ends on its unrun fits' failure: the interrupt is the news
    }
  }
  watch.rethrow();
  py::dict out;
  py::list names;
  for (const GroupData& g : data->groups) names.append(g.name);
  out["groups"] = names;
  out["points"] = result.points;
  out["values"] = result.values;
  out["base"] = result.base;
  py::list interval_list;
  for (const SurfaceInterval& s : intervals) {
    py::dict i;
    i["estimate"] = s.estimate;
    i["low"] = s.interval ? s.interval->low : std::nan("");
    i["high"] = s.interval ? s.interval->high : std::nan("");
    i["why_not"] = s.why_not;
    interval_list.append(i);
  }
  out["intervals"] = interval_list;
  return out;
}

}  // namespace
}  // namespace slfit::python

PYBIND11_MODULE(_core, m) {
  using namespace slfit;
  using namespace slfit::python;
  m.doc() = "slfit's engine: the C++ core behind the slfit package (use slfit, not this module)";

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const OptionError& e) {
      PyErr_SetString(PyExc_ValueError, (option_keyword(e.field()) + " " + e.requirement()).c_str());
    } catch (const InputError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  py::class_<PyLaw>(m, "Law")
      .def_static("from_spec", &law_from_spec, py::arg("spec_json"), py::arg("source"))
      .def_static("load", &load, py::arg("name_or_path"))
      .def_property_readonly("name", [](const PyLaw& l) { return l.law->name; })
      .def_property_readonly("formula", [](const PyLaw& l) { return l.law->formula; })
      .def_property_readonly(
          "printed_formula",  // the AST printed back with the fewest parentheses
          [](const PyLaw& l) {
            if (l.law->outputs.empty()) return to_string(l.law->expr, l.law->variables, l.law->param_names());
            std::vector<std::string> formulas;
            for (const LawOutput& output : l.law->outputs)
              formulas.push_back(to_string(output.expr, l.law->variables, l.law->param_names()));
            return join(formulas, "; ");
          })
      .def_property_readonly("param_names", [](const PyLaw& l) { return l.law->param_names(); })
      .def_property_readonly("variables", [](const PyLaw& l) { return l.law->variables; })
      .def_property_readonly("columns", [](const PyLaw& l) { return l.law->columns; })
      .def_property_readonly("target", [](const PyLaw& l) { return l.law->target; })
      .def_property_readonly("targets", [](const PyLaw& l) { return l.law->targets(); })
      .def_property_readonly("output_names", [](const PyLaw& l) {
        std::vector<std::string> names;
        for (const LawOutput& output : l.law->outputs) names.push_back(output.name);
        return names;
      })
      .def_property_readonly("scale_column", [](const PyLaw& l) { return l.law->scale_column; })
      .def_property_readonly("scale_kind",  // "weights" or "sigma": how scale_column scales the residuals
                             [](const PyLaw& l) { return l.law->scale_kind == ScaleKind::Sigma ? "sigma" : "weights"; })
      .def("spec_json", [](const PyLaw& l) { return law_to_json(*l.law).dump(); });

  m.def("builtin_law_names", &builtin_law_names);
  m.def("cpu_instruction_set", &cpu_instruction_set,
        "The instruction set the CPU backend evaluates laws in ('avx512', 'avx2', 'avx', 'sse4', 'sse2' or "
        "'portable'); results are the same bits in every one.");
  m.def("supported_cpu_instruction_sets", &supported_cpu_instruction_sets, "The sets this CPU runs, best first.");
  m.def("use_cpu_instruction_set", &use_cpu_instruction_set, py::arg("name"),
        "Evaluate in `name` from now on (ValueError when the CPU does not run it); SLFIT_SIMD does the same at start.");
  m.def("fit", &fit, py::arg("law"), py::arg("inputs"), py::arg("target"), py::arg("scale"), py::arg("groups"),
        py::arg("options"), py::arg("threads"), py::arg("backend"), py::arg("group_column"), py::arg("test_inputs"),
        py::arg("test_target"), py::arg("test_groups"), py::arg("progress") = py::none());
  m.def("predict", &predict_rows, py::arg("law"), py::arg("inputs"), py::arg("params"));
  m.def("objective", &objective_at, py::arg("law"), py::arg("inputs"), py::arg("target"), py::arg("scale"),
        py::arg("params"));
  m.def("surface", &surface, py::arg("law"), py::arg("inputs"), py::arg("target"), py::arg("scale"), py::arg("groups"),
        py::arg("options"), py::arg("threads"), py::arg("backend"), py::arg("group_column"), py::arg("axes"),
        py::arg("fixed"), py::arg("profile"), py::arg("level"), py::arg("progress") = py::none());
  m.def("bootstrap", &bootstrap, py::arg("law"), py::arg("inputs"), py::arg("target"), py::arg("scale"),
        py::arg("groups"), py::arg("options"), py::arg("threads"), py::arg("backend"), py::arg("group_column"),
        py::arg("resamples"), py::arg("method"), py::arg("level"), py::arg("search"), py::arg("points"),
        py::arg("strata"), py::arg("progress") = py::none());
  m.def("rescore", &rescore_manifest, py::arg("manifest_json"), py::arg("path"), py::arg("options"),
        py::arg("restarts"), py::arg("threads"), py::arg("backend"), py::arg("progress") = py::none());
}
