#pragma once
// What a fit returns. Every field is written to the JSON output (README.md, "Output").

#include <exception>
#include <span>
#include <string>
#include <vector>

namespace slfit {

enum class FitStatus {
  // What the local search that returned (or confirmed) the final point says of it; whether the
  // DE met its own tolerance is DEReport::converged.
  Converged,      // the point is a local minimum to the search's tolerance: L-BFGS-B stopped on
                  // gtol or ftol or found no further decrease, or the Newton polish met gtol
  MaxIter,        // the search ran out of iterations (or never ran); the point is the best found
  NoFiniteValue,  // every candidate evaluated gave a non-finite objective
  Failed,         // the fit threw: FitResult::error says why; the other fields mean nothing
};
const char* to_string(FitStatus status);

// What a differential evolution run returns, on whichever backend ran it (optim/ on the host, a
// DeRunner on a device): the best member scaled to the bounds, its energy, the next best members
// (de::runners_up, best first, scaled alike: where a stalled refinement restarts), and the run's
// length.
struct DEOutcome {
  std::vector<double> best;
  double best_energy = 0.0;
  std::vector<std::vector<double>> runners_up;
  int generations = 0;
  long long evaluations = 0;
  bool converged = false;
};

struct DEReport {
  bool ran = false;
  int generations = 0;
  long long evaluations = 0;
  bool converged = false;
  double best = 0.0;             // the DE's own best energy, before refinement
};

struct LbfgsbReport {
  bool ran = false;
  int runs = 0;                  // L-BFGS-B runs (the seed pipeline runs up to three)
  int iterations = 0;            // summed over runs
  long long evaluations = 0;     // objective+gradient evaluations, summed over runs
  std::string status;            // of the last run: "converged: ftol", "max iterations", ...
  // The de pipeline's second refinement, in coordinates scaled by the point the first reached:
  // how much it lowered the objective (0 where it found nothing lower).
  double rescaled_gain = 0.0;
};

// The de pipeline's last remedy: when its refinement stalls (L-BFGS-B stopped short of gtol and
// the Newton polish could take no step), it refines again from the DE's runners-up.
struct RestartReport {
  bool ran = false;
  int starts = 0;                // refinements from runners-up
  double gain = 0.0;             // how much they lowered the objective (0: nothing lower found)
};

struct NewtonReport {
  bool ran = false;              // after an L-BFGS-B run that stopped short of gtol
  int iterations = 0;            // accepted Newton steps
  long long evaluations = 0;     // objective+gradient evaluations, the difference Hessians' included
  std::string status;            // "converged: gtol", "no further decrease", ...
  double gain = 0.0;             // how much it lowered the objective after L-BFGS-B
};

struct FitResult {
  std::vector<double> params;
  // The parameters the de pipeline solved exactly for each candidate (indices, ascending), the
  // global search running over the others (Separable::Auto); empty where it searched them all.
  std::vector<int> separable;
  double objective = 0.0;
  // SLDBench's r2 of the fitted law on the rows it was fitted to (slfit/metrics.hpp): NaN where
  // their targets are constant, not finite where a prediction is not.
  double r2_train = 0.0;
  FitStatus status = FitStatus::Converged;
  DEReport de;
  LbfgsbReport lbfgsb;
  NewtonReport newton;
  RestartReport restarts;
  double seconds = 0.0;
  std::string error;            // what the fit threw, when status is Failed
  std::exception_ptr failure;   // the exception itself, for a caller that rethrows it (the CLI's
                                // exit codes tell bad input from other failures)
};

// Rethrows the exception of the first result whose status is Failed, if any: for callers that
// treat any failed fit as the whole command's failure.
void rethrow_first_failure(std::span<const FitResult> results);

// Rethrows the first failure that is an InputError (bad input found only while fitting, such as
// an option out of its domain for this law), if any: a caller that reports other failures as
// status rows still treats bad input as its own error.
void rethrow_first_input_error(std::span<const FitResult> results);

}  // namespace slfit
