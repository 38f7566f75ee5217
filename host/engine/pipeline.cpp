// The two fitting pipelines over one problem. Both work on the problem's Objective and return
// the best point any stage reached; no stage can make the result worse.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "engine/pipeline.hpp"
#include "engine/projected_objective.hpp"
#include "engine/separable_splits.hpp"
#include "law/separable.hpp"
#include "optim/differential_evolution.hpp"
#include "optim/lbfgsb.hpp"
#include "optim/newton_polish.hpp"
#include "optim/refinement_coordinates.hpp"
#include "slfit/fit.hpp"
#include "slfit/metrics.hpp"

namespace slfit {
namespace {

// scipy.optimize.minimize's L-BFGS-B defaults, which differential_evolution's polish uses.
constexpr LbfgsbOptions kScipyPolish{2.220446049250313e-09, 1e-5, 15000, 10, 20};
// The seed program's local searches.
constexpr LbfgsbOptions kSeedLocal{1e-11, 1e-9, 1000, 10, 20};
constexpr LbfgsbOptions kSeedFineTune{1e-12, 1e-10, 1000, 10, 20};
// The seed only runs its global search when the local fit's MSE is above this.
constexpr double kSeedGlobalThreshold = 0.005;

// Tracks the best point over the stages of a pipeline and what each stage reported.
class Stages {
 public:
  explicit Stages(Objective& objective) : objective_(objective) {}

  DEOutcome run_de(const Problem& p, const DEOptions& options) {
    const PopulationEnergy energy = [this](std::span<const double> points, std::span<double> energies) {
      objective_.values(points, energies);
    };
    DEOutcome de = differential_evolution(energy, p.bounds.lower, p.bounds.upper, options, p.options.seed, p.stream,
                                          p.bounds.log_scale);
    record_de(de);
    return de;
  }

  void record_de(const DEOutcome& de) { result_.de = {true, de.generations, de.evaluations, de.converged, de.best_energy}; }

  LbfgsbOutcome run_lbfgsb(const Problem& p, std::span<const double> x0, const LbfgsbOptions& options) {
    const GradientFunction f = [this](std::span<const double> x, std::span<double> g) {
      return objective_.value_and_gradient(x, g);
    };
    return record(minimize_lbfgsb(f, x0, p.bounds.lower, p.bounds.upper, options));
  }

  // Refinement over the unit box that DE searches (unit_box).
  LbfgsbOutcome refine_unit_box(const Problem& p, std::span<const double> x0, const LbfgsbOptions& options) {
    return refine_in(p, x0, unit_box(p.bounds.lower, p.bounds.upper, p.bounds.log_scale), options);
  }

  // Refinement in coordinates scaled by the start point (start_scaled): bootstrap's local
  // search, ~2x fewer iterations on Chinchilla's law than in the unit box.
  LbfgsbOutcome refine_start_scaled(const Problem& p, std::span<const double> x0, const LbfgsbOptions& options) {
    return refine_in(p, x0, start_scaled(x0, p.bounds.lower, p.bounds.upper), options);
  }

  // Counts a refinement run outside this class (the projected one) in the L-BFGS-B report.
  void count_lbfgsb(const LbfgsbOutcome& local) { record(local); }

  // Takes x when it is strictly better than the best so far. `settled` is what the search that
  // returned x says of it (LbfgsbOutcome::settled); a search that returns no lower point than
  // the best, which it started from, speaks for that point.
  void offer(std::span<const double> x, double f, bool settled) {
    if (f < best_ || result_.params.empty()) {
      best_ = f;
      result_.params.assign(x.begin(), x.end());
      settled_ = settled;
    } else if (f == best_ && settled) {
      settled_ = true;
    }
  }

  // The status of the best point: converged when the local search that returned (or confirmed)
  // it settled, maxiter otherwise.
  FitStatus status() const { return settled_ ? FitStatus::Converged : FitStatus::MaxIter; }

  double best() const { return best_; }
  FitResult& result() { return result_; }
  // Whether the last refinement stalled: L-BFGS-B stopped short of gtol and the Newton polish
  // took no step without finding the point a minimum.
  bool stalled() const { return stalled_; }

 private:
  // L-BFGS-B in coordinates c (the bounds mapped to them, x clamped to the bounds against
  // rounding), then, when it stopped short of gtol, the Newton polish (optim/newton_polish.hpp)
  // from its point in the same coordinates; returns x-space results.
  LbfgsbOutcome refine_in(const Problem& p, std::span<const double> x0, const Coordinates& c,
                          const LbfgsbOptions& options) {
    const GradientFunction objective = [this](std::span<const double> x, std::span<double> g) {
      return objective_.value_and_gradient(x, g);
    };
    InCoordinates in(objective, c, p.bounds.lower, p.bounds.upper);
    const GradientFunction f = in.function();
    LbfgsbOutcome local = minimize_lbfgsb(f, in.v_of(x0), in.v_lower, in.v_upper, options);
    bool newton_settled = false;
    stalled_ = false;
    if (local.stop != LbfgsbStop::Gtol && std::isfinite(local.f)) {
      const NewtonOutcome newton =
          newton_polish(f, local.x, in.v_lower, in.v_upper, NewtonOptions{.gtol = options.gtol});
      NewtonReport& report = result_.newton;
      report.ran = true;
      report.iterations += newton.iterations;
      report.evaluations += newton.evaluations;
      report.status = newton.status;
      report.gain = local.f - newton.f;
      if (newton.f < local.f) local.x = newton.x;
      newton_settled = newton.status.starts_with("converged");
      stalled_ = newton.iterations == 0 && !newton_settled;
    }
    local.x = in.x_of(local.x);
    // Mapping back rounds: report the objective of the point actually returned.
    local.f = objective_.value(local.x);
    local.settled = local.settled || newton_settled;
    return record(std::move(local));
  }

  LbfgsbOutcome record(LbfgsbOutcome local) {
    result_.lbfgsb.ran = true;
    ++result_.lbfgsb.runs;
    result_.lbfgsb.iterations += local.iterations;
    result_.lbfgsb.evaluations += local.evaluations;
    result_.lbfgsb.status = local.status;
    return local;
  }

  Objective& objective_;
  FitResult result_;
  double best_ = std::numeric_limits<double>::infinity();
  bool settled_ = false;
  bool stalled_ = false;
};

// The de pipeline's refinement of the best point so far, over every parameter; the better wins.
// When it stalls (Stages::stalled: the last refinement's L-BFGS-B and Newton polish could go no
// further from a point it cannot call a minimum: a kink, a local minimum too ill-conditioned for
// the polish, a rounding plateau), the unit-box refinement runs again from each of the DE's
// runners-up (full parameter vectors), the rescaled one from the lowest point they reach when it
// is a new best, and the lowest point wins.
FitResult refine_best(const Problem& p, Stages& stages, const std::vector<std::vector<double>>& runners_up) {
  if (std::isfinite(stages.best())) {
    const LbfgsbOutcome local = stages.refine_unit_box(p, stages.result().params, p.options.refine);
    stages.offer(local.x, local.f, local.settled);
    // The unit box gives a parameter whose optimum lies a millionth of its box's width from a
    // bound (Dl = 0.5 in [0, 1e7]) steps of the box's scale, and L-BFGS-B can stop there with no
    // further decrease: refine again with each parameter's steps relative to its own size, from
    // the point reached, and keep what is lower.
    const double reached = stages.best();
    const LbfgsbOutcome rescaled = stages.refine_start_scaled(p, stages.result().params, p.options.refine);
    stages.offer(rescaled.x, rescaled.f, rescaled.settled);
    stages.result().lbfgsb.rescaled_gain = reached - stages.best();
    if (stages.stalled() && !runners_up.empty()) {
      RestartReport& restarts = stages.result().restarts;
      const double stalled_at = stages.best();
      restarts.ran = true;
      for (const std::vector<double>& from : runners_up) {
        const LbfgsbOutcome restarted = stages.refine_unit_box(p, from, p.options.refine);
        stages.offer(restarted.x, restarted.f, restarted.settled);
        ++restarts.starts;
      }
      if (stages.best() < stalled_at) {  // a new best: refined once more, as the first was
        const LbfgsbOutcome polished = stages.refine_start_scaled(p, stages.result().params, p.options.refine);
        stages.offer(polished.x, polished.f, polished.settled);
      }
      restarts.gain = stalled_at - stages.best();
    }
  }
  FitResult& r = stages.result();
  r.status = stages.status();
  return r;
}

// The de pipeline after its DE stage (which ran here or on the GPU).
FitResult refine_de(const Problem& p, Stages& stages, const DEOutcome& de) {
  stages.offer(de.best, de.best_energy, false);
  return refine_best(p, stages, de.runners_up);
}

FitResult run_de_pipeline(const Problem& p, Stages& stages) { return refine_de(p, stages, stages.run_de(p, p.options.de)); }

// L-BFGS-B over the nonlinear parameters on the projected objective, in coordinates c, counted
// in the L-BFGS-B report; the full parameter vector of the point it reaches is offered (unsettled:
// the whole refinement that follows gives the status).
void refine_projected(const Problem& p, Stages& stages, Objective& objective, ProjectedObjective& projected,
                      std::span<const double> theta0, const Coordinates& c) {
  const GradientFunction f = [&](std::span<const double> theta, std::span<double> g) {
    return projected.value_and_gradient(theta, g);
  };
  const LbfgsbOutcome local = minimize_in(f, c, theta0, projected.lower(), projected.upper(), p.options.refine);
  stages.count_lbfgsb(local);
  const std::vector<double> reached = projected.full_params(local.x);
  stages.offer(reached, objective.value(reached), false);
}

// The de pipeline with the law's linear parameters solved for each candidate (variable
// projection, engine/projected_objective.hpp), after its DE over the nonlinear parameters (which
// ran here or on a device; `theta` is its best, empty where every parameter is linear and the
// linear solve alone is the global optimum): L-BFGS-B over theta, then the whole refinement over
// every parameter from the point reached, which polishes the linear ones too and gives the status.
FitResult refine_separable(const Problem& p, Stages& stages, Objective& objective, ProjectedObjective& projected,
                           const DEOutcome& de) {
  const std::vector<double>& theta = de.best;
  stages.result().separable = projected.linear_params();
  const std::vector<double> start = projected.full_params(theta);
  stages.offer(start, objective.value(start), false);
  if (projected.num_params() > 0 && std::isfinite(stages.best()))
    refine_projected(p, stages, objective, projected, theta,
                     unit_box(projected.lower(), projected.upper(), projected.log_scale()));
  std::vector<std::vector<double>> runners_up;  // the DE's, as full parameter vectors
  for (const std::vector<double>& other : de.runners_up) runners_up.push_back(projected.full_params(other));
  return refine_best(p, stages, runners_up);
}

// The DE over the nonlinear parameters of the projected objective.
DEOutcome search_nonlinear_params(const Problem& p, ProjectedObjective& projected) {
  const PopulationEnergy energy = [&](std::span<const double> points, std::span<double> energies) {
    projected.values(points, energies);
  };
  return differential_evolution(energy, projected.lower(), projected.upper(), p.options.de, p.options.seed, p.stream,
                                projected.log_scale());
}

FitResult run_separable_pipeline(const Problem& p, Stages& stages, Objective& objective,
                                 const SeparablePrograms& programs) {
  ProjectedObjective projected(programs, *p.data, p.objective, p.bounds, objective);
  DEOutcome de;  // none where every parameter is linear
  if (projected.num_params() > 0) {
    de = search_nonlinear_params(p, projected);
    stages.record_de(de);
  }
  return refine_separable(p, stages, objective, projected, de);
}

// The seed program's fit_scaling_law: a local search from the data-driven start; a global search
// (scipy DE with its default polish, then a local polish) only when that local fit is poor;
// otherwise a finer local search. Each later stage is kept only when strictly better.
FitResult run_seed_pipeline(const Problem& p, Stages& stages, Objective& objective) {
  const LbfgsbOutcome first = stages.run_lbfgsb(p, p.bounds.init, kSeedLocal);
  const std::vector<double>& start = first.converged ? first.x : p.bounds.init;
  stages.offer(start, objective.value(start), first.converged);

  if (stages.best() > kSeedGlobalThreshold) {
    const DEOutcome de = stages.run_de(p, p.options.de);
    std::vector<double> global = de.best;
    double global_f = de.best_energy;
    bool global_settled = false;
    if (std::isfinite(de.best_energy)) {
      const LbfgsbOutcome polish = stages.run_lbfgsb(p, de.best, kScipyPolish);
      if (polish.f < global_f) {
        global = polish.x;
        global_f = polish.f;
        global_settled = polish.settled;
      }
    }
    if (global_f < stages.best()) {
      stages.offer(global, global_f, global_settled);
      const LbfgsbOutcome refined = stages.run_lbfgsb(p, global, kSeedLocal);
      stages.offer(refined.x, refined.f, refined.settled);
    }
  } else {
    const LbfgsbOutcome fine = stages.run_lbfgsb(p, stages.result().params, kSeedFineTune);
    stages.offer(fine.x, fine.f, fine.settled);
  }
  FitResult& r = stages.result();
  r.status = stages.status();
  return r;
}

// L-BFGS-B alone from the problem's initial point, which is offered first, so the result is
// never worse than the start. A separable law (separable_search) is first refined over its
// nonlinear parameters on the projected objective, in coordinates scaled by the start's, and the
// whole refinement then runs from the point reached: the projection takes the linear parameters'
// share of the valley's ill-conditioning out of the search (Chinchilla's five dimensions become
// two), which is most of the search's iterations.
FitResult run_local_pipeline(const Problem& p, Stages& stages, Objective& objective, const SeparablePrograms* split) {
  stages.offer(p.bounds.init, objective.value(p.bounds.init), false);
  if (split && !split->form.nonlinear.empty() && std::isfinite(stages.best())) {
    ProjectedObjective projected(*split, *p.data, p.objective, p.bounds, objective);
    stages.result().separable = projected.linear_params();
    std::vector<double> theta0;
    for (int j : split->form.nonlinear) theta0.push_back(p.bounds.init[static_cast<std::size_t>(j)]);
    refine_projected(p, stages, objective, projected, theta0,
                     start_scaled(theta0, projected.lower(), projected.upper()));
  }
  if (std::isfinite(stages.best())) {
    const LbfgsbOutcome local = stages.refine_start_scaled(p, stages.result().params, p.options.refine);
    stages.offer(local.x, local.f, local.settled);
  }
  FitResult& r = stages.result();
  r.status = stages.status();
  return r;
}

// What every pipeline's result ends with: the best objective, the status when no finite value
// was seen, r2 on the fitted rows, the time.
void finish(FitResult& result, const Stages& stages, const Problem& problem,
            std::chrono::steady_clock::time_point start) {
  result.objective = stages.best();
  if (!std::isfinite(result.objective)) result.status = FitStatus::NoFiniteValue;
  result.r2_train = std::numeric_limits<double>::quiet_NaN();
  if (!result.params.empty()) {
    const std::vector<double> predictions = predict(*problem.compiled, *problem.data, result.params);
    result.r2_train = score_outputs(problem.data->target, predictions, problem.data->outputs).r2;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

bool device_runs_de(const Problem& problem, const SeparablePrograms* split) {
  return problem.options.pipeline == Pipeline::De && (!split || !split->form.nonlinear.empty());
}

FitResult fit_problem(const Problem& problem, const SeparablePrograms* split) {
  const auto start = std::chrono::steady_clock::now();
  Objective objective(problem.compiled, *problem.data, problem.objective);
  Stages stages(objective);
  FitResult result;
  if (problem.options.pipeline == Pipeline::Seed) {
    result = run_seed_pipeline(problem, stages, objective);
  } else if (problem.options.pipeline == Pipeline::Local) {
    result = run_local_pipeline(problem, stages, objective, split);
  } else if (split) {
    result = run_separable_pipeline(problem, stages, objective, *split);
  } else {
    result = run_de_pipeline(problem, stages);
  }
  finish(result, stages, problem, start);
  return result;
}

FitResult fit_problem(const Problem& problem) {
  const SeparableSplits splits({&problem, 1});
  return fit_problem(problem, splits.of(problem));
}

DEOutcome de_stage(const Problem& problem) {
  Objective objective(problem.compiled, *problem.data, problem.objective);
  const SeparableSplits splits({&problem, 1});
  if (const SeparablePrograms* split = splits.of(problem)) {
    ProjectedObjective projected(*split, *problem.data, problem.objective, problem.bounds, objective);
    return search_nonlinear_params(problem, projected);
  }
  Stages stages(objective);
  return stages.run_de(problem, problem.options.de);
}

FitResult fit_problem_from_de(const Problem& problem, const SeparablePrograms* split, const DEOutcome& device_de) {
  const auto start = std::chrono::steady_clock::now();
  Objective objective(problem.compiled, *problem.data, problem.objective);
  Stages stages(objective);
  // The DE's best is re-evaluated here, so that reported objectives come from one evaluator
  // whichever backend ran the DE.
  DEOutcome de = device_de;
  FitResult result;
  if (split) {  // the DE searched theta
    ProjectedObjective projected(*split, *problem.data, problem.objective, problem.bounds, objective);
    if (de.best.size() != static_cast<std::size_t>(projected.num_params()))
      throw std::logic_error("slfit: a device's DE of a separable law returned a point of another size");
    de.best_energy = projected.value(de.best);
    stages.record_de(de);
    result = refine_separable(problem, stages, objective, projected, de);
  } else {
    if (!de.best.empty()) de.best_energy = objective.value(de.best);
    stages.record_de(de);
    result = refine_de(problem, stages, de);
  }
  finish(result, stages, problem, start);
  return result;
}

}  // namespace slfit
