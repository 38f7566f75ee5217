#pragma once
// The de pipeline's refinement stage on its own, for a DE that ran elsewhere (the CUDA backend
// runs the DE of a chunk of problems on the GPU, then refines each here).

#include "law/separable.hpp"
#include "optim/differential_evolution.hpp"
#include "slfit/fit.hpp"

namespace slfit {

// Whether a device runner implements the problem's DE: the de pipeline (deferred or immediate
// updating), searching every parameter or, where the linear ones are solved exactly (`split`,
// the problem's SeparableSplits::of), the others (at least one). fit_batch_on fits the rest on
// the host (another pipeline; a law linear in every parameter needs no search), so every result
// is the CPU backend's.
bool device_runs_de(const Problem& problem, const SeparablePrograms* split);

// fit_problem with the problem's split into linear and nonlinear parameters given (its
// SeparableSplits::of, analysed once per law of a batch).
FitResult fit_problem(const Problem& problem, const SeparablePrograms* split);

// The DE stage of fit_problem's de pipeline alone, as a device runs it (device_runs_de): over
// every parameter, or over the nonlinear ones of the projected objective where separable_search
// splits the law. Its CPU twin: the device's outcome must equal it bit for bit.
DEOutcome de_stage(const Problem& problem);

// As fit_problem with Pipeline::De, from the given DE outcome instead of running DE: over every
// parameter, or over the nonlinear ones where the law splits (`split`, as for fit_problem; the
// outcome's best is then theta). The outcome's best point is re-evaluated on the host, so every
// reported objective comes from one evaluator.
FitResult fit_problem_from_de(const Problem& problem, const SeparablePrograms* split, const DEOutcome& de);

}  // namespace slfit
