#pragma once
// Optimizer options. Defaults are the seed program's settings; each field has a CLI flag of
// the same name (README.md, "slfit fit").

#include <cstdint>

namespace slfit {

// Differential evolution with scipy.optimize.differential_evolution's semantics: strategy
// best1bin, updating='deferred', Latin-hypercube initialisation, dithered mutation.
struct DEOptions {
  int popsize = 20;              // population = max(5, popsize * number of parameters)
  int maxiter = 500;             // generations
  double tol = 1e-11;            // stop when std(E) <= atol + tol * |mean(E)|
  double atol = 1e-11;
  double mutation_min = 0.5;     // F ~ U[mutation_min, mutation_max) once per generation
  double mutation_max = 1.0;
  double recombination = 0.7;    // binomial crossover probability
};

// L-BFGS-B refinement (LBFGSpp's bounded solver), with scipy's meaning of each tolerance.
// The defaults are far tighter than scipy's polish (ftol 2.2e-9, gtol 1e-5): scipy's ftol test
// is absolute for objectives below 1 (typical MSEs are ~1e-5), and refinement costs a few dozen
// evaluations against DE's ~10^4, so stopping early would only lose digits.
struct LbfgsbOptions {
  double ftol = 1e-15;     // stop when (f_k - f_k+1) / max(|f_k|, |f_k+1|, 1) <= ftol
  double gtol = 1e-12;     // stop when the projected gradient's largest component <= gtol
  int maxiter = 1000;
  int maxcor = 10;         // stored correction pairs (scipy's maxcor)
  int max_linesearch = 20; // trial steps per line search
};

enum class Pipeline {
  De,    // DE, then L-BFGS-B from the DE best; the better point wins
  Seed,  // the seed program's fit_scaling_law, step by step
};

struct FitOptions {
  Pipeline pipeline = Pipeline::De;
  DEOptions de;
  LbfgsbOptions refine;
  std::uint64_t seed = 42;
};

}  // namespace slfit
