#include "slfit/rescore.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "law/vector_math.hpp"
#include "slfit/csv.hpp"
#include "slfit/error.hpp"
#include "slfit/law_io.hpp"
#include "slfit/text.hpp"

namespace slfit {

const char* to_string(EntryStatus status) {
  switch (status) {
    case EntryStatus::Converged: return "converged";
    case EntryStatus::MaxIter: return "maxiter";
    case EntryStatus::InvalidEntry: return "invalid_entry";
    case EntryStatus::FitFailed: return "fit_failed";
    case EntryStatus::InvalidPrediction: return "invalid_prediction";
  }
  return "unknown";
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Data sets shared by the entries that read the same columns of the same file: a leaderboard
// has many laws per task, and most read the same columns.
class DatasetCache {
 public:
  std::shared_ptr<const Dataset> get(const std::string& path, const ColumnSelection& columns, std::size_t min_rows) {
    const std::string key = path + '\n' + columns.group + '\n' + columns.target + '\n' + join(columns.outputs, ",") +
                            '\n' + join(columns.inputs, "\n") +
                            '\n' + columns.scale + '\n' + (columns.scale_kind == ScaleKind::Sigma ? "sigma" : "weight") +
                            '\n' + std::to_string(min_rows);
    auto& slot = loaded_[key];
    if (!slot) slot = std::make_shared<const Dataset>(read_dataset(path, columns, min_rows));
    return slot;
  }

 private:
  std::map<std::string, std::shared_ptr<const Dataset>> loaded_;
};

// Each distinct law compiled once. The program depends on the formula's tree and on the order of
// its variables and parameters, which the canonical text plus both name lists pin down.
class LawCompiler {
 public:
  std::shared_ptr<const CompiledLaw> get(const Law& law) {
    const std::vector<std::string> params = law.param_names();
    const std::string key =
        to_string(law.expr, law.point_variable_names(), params) + '\n' + join(law.variables, ",") + '\n' + join(params, ",");
    auto& slot = compiled_[key];
    if (!slot) slot = compile_law(law);
    return slot;
  }

 private:
  std::map<std::string, std::shared_ptr<const CompiledLaw>> compiled_;
};

// An entry made ready to fit: its law, data and problems (one per group and restart, restart
// fastest), or its status and error when it cannot be fitted.
struct PreparedEntry {
  std::shared_ptr<const Dataset> test;
  std::vector<Problem> problems;
};

PreparedEntry prepare(const Manifest& manifest, const ManifestEntry& entry, const RescoreOptions& options,
                      DatasetCache& datasets, LawCompiler& compiler, EntryScore& score) {
  score.law_name = entry.law;
  if (!entry.error.empty()) throw InputError(entry.error);
  const auto task = manifest.tasks.find(entry.task);
  if (task == manifest.tasks.end()) {
    std::vector<std::string> names;
    for (const auto& [name, spec] : manifest.tasks) names.push_back(name);
    throw InputError(manifest.path + ": entry '" + entry.id + "': no task '" + entry.task +
                     "' (tasks: " + join(names, " ") + ")");
  }
  auto law = std::make_shared<Law>(load_entry_law(manifest, entry, task->second));
  score.law_name = law->name;
  score.law = law;
  score.options = entry_fit_options(entry, options.fit);

  const ColumnSelection columns = law_columns(*law, task->second.group);
  score.train = datasets.get(task->second.train, columns, law->params.size());
  PreparedEntry prepared;
  ColumnSelection test_columns = columns;  // the test metrics are unweighted: no scale column needed
  test_columns.scale.clear();
  prepared.test = datasets.get(task->second.test, test_columns, 1);
  require_test_groups_in_training(*prepared.test, *score.train);
  score.compiled = compiler.get(*law);

  // Validates per group (bounds that cannot hold, log-space targets) before anything is batched.
  const std::vector<Problem> per_group = make_group_problems(law, score.compiled, score.train, score.options);
  for (std::size_t g = 0; g < per_group.size(); ++g) {
    for (int r = 0; r < options.restarts; ++r) {
      Problem problem = per_group[g];
      problem.stream = (static_cast<std::uint64_t>(r) << 32) | g;  // see rescore.hpp, "Random streams"
      prepared.problems.push_back(std::move(problem));
    }
  }
  return prepared;
}

// Keeps the restart with the lowest objective per group (the first of equals), or records why
// the entry has no usable fit.
void keep_best_restarts(EntryScore& score, std::span<const FitResult> results, int restarts) {
  for (std::size_t i = 0; i < results.size(); ++i) {
    score.seconds += results[i].seconds;
    if (results[i].status == FitStatus::Failed && score.error.empty()) {
      const GroupData& group = score.train->groups[i / restarts];
      score.status = EntryStatus::FitFailed;
      score.error = "group '" + group.name + "', restart " + std::to_string(i % restarts) + ": " + results[i].error;
    }
  }
  if (!score.error.empty()) return;
  score.status = EntryStatus::Converged;
  score.train_objective = 0.0;
  for (std::size_t g = 0; g < score.train->groups.size(); ++g) {
    GroupFit kept{&score.train->groups[g], {}, 0, {}};
    for (int r = 0; r < restarts; ++r) {
      const FitResult& fit = results[g * restarts + r];
      kept.restart_objectives.push_back(fit.objective);
      if (r == 0 || fit.objective < kept.fit.objective) {
        kept.fit = fit;
        kept.restart = r;
      }
    }
    if (kept.fit.status == FitStatus::NoFiniteValue) {
      score.status = EntryStatus::FitFailed;
      score.error = "group '" + kept.group->name + "': no parameter values within the bounds give a finite objective";
      return;
    }
    if (kept.fit.status == FitStatus::MaxIter) score.status = EntryStatus::MaxIter;
    score.train_objective += kept.fit.objective;
    score.fits.push_back(std::move(kept));
  }
}

// SLDBench's metrics over all test groups' predictions concatenated, each test group predicted
// by the fit of the training group of the same name.
void score_test_split(EntryScore& score, const Dataset& test) {
  std::vector<std::vector<double>> params;  // score.fits holds one fit per training group, in order
  for (const GroupFit& f : score.fits) params.push_back(f.fit.params);
  const SplitScores split = score_split(test, *score.train, *score.compiled, params);
  if (!split.error.empty()) {
    score.status = EntryStatus::InvalidPrediction;
    score.error = split.error;
    return;
  }
  score.test = split.scores;
  score.test_outputs = split.outputs;
}

}  // namespace

RescorePlan plan_rescore(const Manifest& manifest, const RescoreOptions& options) {
  const std::size_t n = manifest.entries.size();
  RescorePlan plan;
  plan.restarts = options.restarts;
  plan.entries.resize(n);
  plan.tests.resize(n);
  plan.first.assign(n + 1, 0);
  DatasetCache datasets;
  LawCompiler compiler;
  for (std::size_t e = 0; e < n; ++e) {
    EntryScore& s = plan.entries[e];
    s.entry = &manifest.entries[e];
    s.test = Scores{kFailedR2, kNaN, kNaN, 0};
    s.train_objective = kNaN;
    plan.first[e] = plan.problems.size();
    try {
      PreparedEntry prepared = prepare(manifest, manifest.entries[e], options, datasets, compiler, s);
      plan.tests[e] = std::move(prepared.test);
      plan.problems.insert(plan.problems.end(), prepared.problems.begin(), prepared.problems.end());
    } catch (const std::exception& error) {  // anything one entry's input can cause stays its own
      s.status = EntryStatus::InvalidEntry;
      s.error = error.what();
    }
  }
  plan.first[n] = plan.problems.size();
  return plan;
}

std::vector<EntryScore> score_rescore(const RescorePlan& plan, std::span<const FitResult> results) {
  if (results.size() != plan.problems.size())
    throw std::invalid_argument("score_rescore: one result per problem of the plan");
  std::vector<EntryScore> scores = plan.entries;
  for (std::size_t e = 0; e < scores.size(); ++e) {
    const std::size_t count = plan.first[e + 1] - plan.first[e];
    if (!plan.tests[e] || count == 0) continue;
    keep_best_restarts(scores[e], results.subspan(plan.first[e], count), plan.restarts);
    if (scores[e].error.empty()) score_test_split(scores[e], *plan.tests[e]);
    if (!scores[e].error.empty()) scores[e].test = Scores{kFailedR2, kNaN, kNaN, 0};
  }
  return scores;
}

Rescored rescore(const Manifest& manifest, const RescoreOptions& options) {
  const RescorePlan plan = plan_rescore(manifest, options);
  const std::size_t n = plan.entries.size();

  // Progress per entry: an entry is done when its last fit is (at once when it has none).
  std::size_t done = 0;
  std::vector<std::size_t> remaining(n), owner;
  for (std::size_t e = 0; e < n; ++e) {
    remaining[e] = plan.first[e + 1] - plan.first[e];
    owner.insert(owner.end(), remaining[e], e);
    if (remaining[e] == 0) ++done;
  }
  if (options.on_entries_done && done > 0) options.on_entries_done(done, n);
  BatchOptions batch;
  batch.threads = options.threads;
  batch.stop = options.stop;
  if (options.on_entries_done)
    batch.on_problem_done = [&](std::size_t i) {
      if (--remaining[owner[i]] == 0) options.on_entries_done(++done, n);
    };

  Rescored rescored;
  std::ostringstream unused_note;
  const std::vector<FitResult> results =
      fit_batch_with_backend(options.backend, plan.problems, batch, rescored.backend,
                             options.backend_note ? *options.backend_note : unused_note, options.explain_backend);
  rescored.entries = score_rescore(plan, results);
  return rescored;
}

namespace {

// r2 to kRankDigits significant digits, NaN lowest. Entries that reach one optimum (a law and its
// reparameterisation, one law under other normalisations) differ past that only by rounding,
// which another backend, thread count or MPI split changes: they must tie, not trade places.
constexpr int kRankDigits = 10;

double rank_key(double r2) {
  if (std::isnan(r2)) return -std::numeric_limits<double>::infinity();
  if (r2 == 0 || !std::isfinite(r2)) return r2;
  const double scale = vmath::pow(10.0, kRankDigits - 1 - std::floor(vmath::log10(std::abs(r2))));
  return std::isfinite(scale) && std::isfinite(r2 * scale) ? std::round(r2 * scale) / scale : r2;
}

}  // namespace

std::vector<std::size_t> ranking(const std::vector<EntryScore>& scores) {
  std::vector<double> key(scores.size());
  for (std::size_t e = 0; e < scores.size(); ++e) key[e] = rank_key(scores[e].test.r2);
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key[a] > key[b]; });
  return order;
}

}  // namespace slfit
