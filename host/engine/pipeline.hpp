#pragma once
// The de pipeline's refinement stage on its own, for a DE that ran elsewhere (the CUDA backend
// runs the DE of a chunk of problems on the GPU, then refines each here).

#include "optim/differential_evolution.hpp"
#include "slfit/fit.hpp"

namespace slfit {

// Whether fit_problem solves the problem's linear parameters exactly for each candidate and
// searches the others (Pipeline::De with Separable::Auto, a linear-space mse objective and a law
// with linear parameters: engine/projected_objective.hpp).
bool searches_separably(const Problem& problem);

// Whether a device runner implements the problem's DE: the de pipeline searching every parameter
// with deferred updating. fit_batch_on fits the others on the host (a device does not implement
// separable solving or immediate updating, which evaluates one trial at a time, yet), so every
// result is the CPU backend's.
bool device_runs_de(const Problem& problem);

// As fit_problem with Pipeline::De, from the given DE outcome instead of running DE. The outcome's
// best point is re-evaluated on the host, so every reported objective comes from one evaluator.
FitResult fit_problem_from_de(const Problem& problem, const DEOutcome& de);

}  // namespace slfit
