#pragma once
// The DE kernel's arguments, shared by the host (host/cuda/cuda_backend.cpp) and the device code
// (kernels/de_kernel.cuh, compiled by NVRTC): plain fixed-size fields, so both compilers lay the
// struct out the same way. One struct per launch, passed by value.

namespace slfit_kernel {

// The DE kernel's largest block; larger populations stride over its threads.
constexpr int kMaxBlockThreads = 256;

struct DeParams {
  // Per problem p: data + data_offset[p] holds the law's `columns` columns (column-major, n
  // points each, n = points[p]) followed by the n observed values (y, or log y).
  const double* data;
  const long long* data_offset;
  const int* points;
  const double* lower;                 // problem * kNumParams
  const double* upper;
  const unsigned char* log_scale;      // problem * kNumParams: 1 where searched in log coordinates
  const unsigned long long* stream;    // Philox stream of each problem
  const double* constants;             // problem * kNumConstants: each problem's law's numbers, K
  // Population, energies, trials and trial energies of each problem in global memory, used when
  // they do not fit in shared memory: 2 * (members * kNumParams + members) doubles per problem.
  double* scratch;
  double* best;                        // out: problem * kNumParams, scaled to the bounds
  double* best_energy;                 // out
  double* runners_up;                  // out: problem * de::kRunnersUp * kNumParams, scaled alike
  int* runner_count;                   // out: how many of them (de::runners_up)
  int* generations;                    // out
  long long* evaluations;              // out
  int* converged;                      // out: 0 or 1
  int problems;
  int num_params;                      // the law's, D
  int columns;                         // the law's columns per point (GeneratedLaw::columns)
  int num_constants;                   // the law's numbers per problem (GeneratedLaw::constants)
  int members;
  int maxiter;
  int in_shared;                       // 1: population and points in dynamic shared memory
  int immediate;                       // 1: immediate updating (one trial at a time), 0: deferred
  unsigned long long seed;
  double tol;
  double atol;
  double mutation_min;
  double mutation_max;
  double recombination;
};

// The plain evaluation kernel of the speed benchmark: every (problem, member) thread evaluates
// `rounds` candidates of the DE kernel's layout, with no DE around them.
struct EvalParams {
  const double* data;
  const long long* data_offset;
  const int* points;
  const double* lower;
  const double* upper;
  const unsigned char* log_scale;      // as in DeParams
  const double* units;                 // members * kNumParams unit-cube candidates, shared by all problems
  const double* constants;             // problem * kNumConstants, as in DeParams
  double* energy_sum;                  // out: per (problem, member), the sum over rounds
  int problems;
  int num_params;
  int columns;
  int num_constants;
  int members;
  int rounds;
};

// The objective kernel (slfit surface): one thread per parameter vector, on one problem's data.
struct ObjectiveParams {
  const double* data;                  // the problem's columns, then its observed values, as above
  int points;
  const double* params;                // count * kNumParams parameter vectors, in the law's units
  const double* constants;             // the law's numbers, K (GeneratedLaw::constants)
  double* values;                      // out: the objective of each; +inf where not finite
  long long count;
  int num_params;
  int columns;
};

}  // namespace slfit_kernel
