#pragma once
// Optimizer options. Defaults are the seed program's settings; each field has a CLI flag of
// the same name (README.md, "slfit fit").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slfit {

// When a DE trial replaces its parent, with scipy's meaning: Deferred makes every trial of a
// generation from the population it started with, then selects (what a batch evaluator and the
// GPU run in parallel); Immediate makes and judges the trials one member after another, each
// from the population as updated so far, a better trial becoming the best at once (scipy's
// default; often fewer generations, but one evaluation at a time, on the GPU too).
enum class Updating { Deferred, Immediate };
const char* to_string(Updating updating);  // "deferred", "immediate"
std::optional<Updating> parse_updating(std::string_view name);

// Differential evolution with scipy.optimize.differential_evolution's semantics: strategy
// best1bin, Latin-hypercube initialisation, dithered mutation, updating as chosen.
struct DEOptions {
  int popsize = 20;              // population = max(5, popsize * number of parameters searched)
  int maxiter = 500;             // generations
  double tol = 1e-11;            // stop when std(E) <= atol + tol * |mean(E)|
  double atol = 1e-11;
  double mutation_min = 0.5;     // F ~ U[mutation_min, mutation_max) once per generation
  double mutation_max = 1.0;
  double recombination = 0.7;    // binomial crossover probability
  Updating updating = Updating::Deferred;
};

// L-BFGS-B refinement (LBFGSpp's bounded solver), with scipy's meaning of each tolerance. A
// failed line search restarts from the best point with fresh memory, as scipy's does.
// The default ftol = 0 refines until no step lowers the objective: scipy's ftol test divides by
// max(|f|, 1), so for typical objectives (MSEs near 1e-5) any positive ftol is an absolute
// threshold that stops far from machine precision; measured on the ParScale groups, ftol = 0
// costs a few hundred gradient evaluations against DE's ~13,000 evaluations.
struct LbfgsbOptions {
  double ftol = 0.0;       // stop when (f_k - f_k+1) / max(|f_k|, |f_k+1|, 1) <= ftol
  double gtol = 1e-12;     // stop when the projected gradient's largest component <= gtol
  int maxiter = 1000;
  int maxcor = 10;         // stored correction pairs (scipy's maxcor)
  int max_linesearch = 20; // trial steps per line search
};

enum class Pipeline {
  De,    // DE, then L-BFGS-B from the DE best; the better point wins
  Seed,  // the seed program's fit_scaling_law, step by step
  Local, // L-BFGS-B alone from the problem's initial point (bootstrap's --search local starts
         // each resample at the full-data optimum)
};

// The name of each pipeline in flags, files and outputs: "de", "seed", "local". One table
// (host/engine/pipeline_names.cpp) for printing and parsing.
const char* to_string(Pipeline pipeline);
// The pipeline a user chooses by name (fit's --pipeline, a manifest's "pipeline"): de or seed.
// Local is not among them (it is bootstrap's --search local); nullopt for any other name.
std::optional<Pipeline> chosen_pipeline(std::string_view name);
// The names chosen_pipeline accepts, for messages: "de, seed".
const std::string& chosen_pipeline_names();

// Whether the de pipeline solves a law's linear parameters exactly for each candidate, searching
// only the others (variable projection; README, "How it works"): Auto does so where the law has
// linear parameters and its objective is one mse term in linear space (law/separable.hpp); Off
// searches every parameter. Both backends implement both (the CUDA kernel solves each
// candidate's linear parameters itself; a law linear in every parameter, which needs no search,
// is fitted on the host under any backend: slfit/backend.hpp).
enum class Separable { Auto, Off };

// The names in flags and outputs: "auto", "off" (host/engine/pipeline_names.cpp).
const char* to_string(Separable separable);
std::optional<Separable> parse_separable(std::string_view name);

struct FitOptions {
  Pipeline pipeline = Pipeline::De;
  Separable separable = Separable::Auto;
  DEOptions de;
  LbfgsbOptions refine;
  std::uint64_t seed = 42;
};

// Throws OptionError (slfit/error.hpp) naming the first field outside its domain: "de.popsize",
// "refine.gtol", ...
void validate(const FitOptions& options);

}  // namespace slfit
