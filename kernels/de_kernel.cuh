// The kernel module: the batched differential evolution (one block per problem, the whole
// generation loop on the device), the plain evaluation kernel of the speed benchmark and the
// objective kernel of slfit surface. Compiled by NVRTC once per architecture as relocatable
// device code after de_steps.hpp, de_params.h, law_interface.h and block_reduce.cuh, and
// linked with each law's module (law_entry.cuh), which evaluates candidates.
//
// It reproduces host/optim/differential_evolution.cpp draw for draw: the per-member steps are
// the same functions (host/optim/de_steps.hpp), every random number comes from the same address, energies are computed in fp64 in the same order (compiled with
// --fmad=false, so no contraction the host does not do), the sum over points runs in point
// order. Only the convergence test's sums are reduced as a tree (block_reduce.cuh): they can
// differ from the host's in the last bits, which changes the stopping generation only when
// std(E) lands within rounding of the threshold.
//
// The kernel's CPU twin (tests/kernel_twin) compiles this file as it is, with CUDA's built-ins
// emulated on threads; the one seam is SLFIT_DYNAMIC_SHARED below.

// The block's dynamic shared memory, as doubles.
#ifndef SLFIT_DYNAMIC_SHARED
#define SLFIT_DYNAMIC_SHARED(name) extern __shared__ double name[]
#endif

namespace slfit_kernel {

// The lowest energy and its member; ties go to the lower index (numpy's argmin, first lowest).
struct FirstLowest {
  __device__ __forceinline__ ValueAndIndex operator()(const ValueAndIndex& a, const ValueAndIndex& b) const {
    return (b.value < a.value || (b.value == a.value && b.index < a.index)) ? b : a;
  }
};
// Sums of values and of counts.
struct Plus {
  __device__ __forceinline__ ValueAndIndex operator()(const ValueAndIndex& a, const ValueAndIndex& b) const {
    return {a.value + b.value, a.index + b.index};
  }
  __device__ __forceinline__ double operator()(double a, double b) const { return a + b; }
};

// de::promote_lowest over the block's threads: the first lowest energy moves to index 0.
__device__ void promote_lowest(double* pop, double* energy, int members, int D) {
  ValueAndIndex mine{infinity(), members};
  for (int i = threadIdx.x; i < members; i += blockDim.x)
    if (energy[i] < mine.value || (energy[i] == mine.value && i < mine.index)) mine = ValueAndIndex{energy[i], i};
  const int k = block_reduce(mine, FirstLowest()).index;  // the same in every thread
  if (k != 0) {
    for (int j = threadIdx.x; j < D; j += blockDim.x) {
      const double t = pop[j];
      pop[j] = pop[k * D + j];
      pop[k * D + j] = t;
    }
    if (threadIdx.x == 0) {
      const double t = energy[0];
      energy[0] = energy[k];
      energy[k] = t;
    }
  }
  __syncthreads();
}

// One generation of immediate updating (scipy's updating='immediate', differential_evolution.cpp's
// loop): member after member, each trial made from the population as updated so far, evaluated,
// replacing its parent when not worse and promoted to index 0 (the first lowest energy, as
// promote_lowest) when not worse than the best. Inherently sequential: one thread's work; the
// block's other threads wait at the caller's barrier. `trial` is one row.
__device__ void immediate_generation(double* pop, double* energy, double* trial, double scale, unsigned g,
                                     unsigned long long stream, const double* lower, const double* upper,
                                     const unsigned char* log_scale, const double* K, const double* cols,
                                     const double* observed, int n, const DeParams& P) {
  const int S = P.members, D = P.num_params;
  for (int i = 0; i < S; ++i) {
    slfit::de::make_trial(pop, S, D, i, scale, P.recombination, P.seed, stream, g, trial);
    const double e = slfit_law_energy(trial, lower, upper, log_scale, K, cols, observed, n);
    if (!(e <= energy[i])) continue;
    energy[i] = e;
    for (int j = 0; j < D; ++j) pop[i * D + j] = trial[j];
    if (e <= energy[0]) slfit::de::promote_lowest(pop, energy, S, D);
  }
}

// has_converged of differential_evolution.cpp: all finite and std(E) <= atol + tol |mean(E)|.
// The same value in every thread.
__device__ bool has_converged(const double* energy, int members, const DeParams& P) {
  ValueAndIndex mine{0.0, 0};  // the sum of energies and the count of non-finite ones
  for (int i = threadIdx.x; i < members; i += blockDim.x) {
    mine.index += !isfinite(energy[i]);
    mine.value += energy[i];
  }
  const ValueAndIndex total = block_reduce(mine, Plus());
  if (total.index != 0) return false;  // uniform: every thread holds the same total
  const double mean = total.value / members;
  double squares = 0.0;
  for (int i = threadIdx.x; i < members; i += blockDim.x) squares += (energy[i] - mean) * (energy[i] - mean);
  const double total_squares = block_reduce(squares, Plus());
  return sqrt(total_squares / members) <= P.atol + P.tol * fabs(mean);
}

__device__ void differential_evolution(const DeParams& P) {
  SLFIT_DYNAMIC_SHARED(dynamic);

  const int problem = blockIdx.x;
  const int S = P.members, D = P.num_params;
  const int n = P.points[problem];
  const unsigned long long stream = P.stream[problem];
  const double* data = P.data + P.data_offset[problem];
  const double* K = P.constants + static_cast<long long>(problem) * P.num_constants;  // this problem's numbers
  const double* lower = P.lower + static_cast<long long>(problem) * D;
  const double* upper = P.upper + static_cast<long long>(problem) * D;
  const unsigned char* log_scale = P.log_scale + static_cast<long long>(problem) * D;
  const long long population_doubles = static_cast<long long>(S) * D + S;

  // Layout: population, energies, trials, trial energies (then the points, when in shared).
  double* pop = P.in_shared ? dynamic : P.scratch + 2 * population_doubles * problem;
  double* energy = pop + S * D;
  double* trial = energy + S;
  double* trial_energy = trial + S * D;
  const double* cols = data;
  if (P.in_shared) {
    double* points = trial_energy + S;
    for (int k = threadIdx.x; k < (P.columns + 1) * n; k += blockDim.x) points[k] = data[k];
    cols = points;
  }
  const double* observed = cols + static_cast<long long>(P.columns) * n;

  // Latin hypercube (initialise_latin_hypercube): the keys go to the trial rows first.
  for (int i = threadIdx.x; i < S; i += blockDim.x) slfit::de::latin_hypercube_keys(trial, D, i, P.seed, stream);
  __syncthreads();
  for (int i = threadIdx.x; i < S; i += blockDim.x)
    for (int j = 0; j < D; ++j)
      pop[i * D + j] = slfit::de::latin_hypercube_coordinate(trial, S, D, i, j, P.seed, stream);
  __syncthreads();
  for (int i = threadIdx.x; i < S; i += blockDim.x)
    energy[i] = slfit_law_energy(pop + i * D, lower, upper, log_scale, K, cols, observed, n);
  __syncthreads();
  promote_lowest(pop, energy, S, D);

  long long evaluations = S;
  int generations = 0;
  bool converged = false;
  for (int generation = 1; generation <= P.maxiter; ++generation) {
    const unsigned g = static_cast<unsigned>(generation);
    const double scale = slfit::de::dither(P.seed, stream, g, P.mutation_min, P.mutation_max);
    if (P.immediate) {
      if (threadIdx.x == 0)
        immediate_generation(pop, energy, trial, scale, g, stream, lower, upper, log_scale, K, cols, observed, n, P);
      __syncthreads();
    } else {
      for (int i = threadIdx.x; i < S; i += blockDim.x) {
        slfit::de::make_trial(pop, S, D, i, scale, P.recombination, P.seed, stream, g, trial + i * D);
        trial_energy[i] = slfit_law_energy(trial + i * D, lower, upper, log_scale, K, cols, observed, n);
      }
      __syncthreads();
      // Deferred selection: every trial was made from the old population; a member only touches
      // its own row now.
      for (int i = threadIdx.x; i < S; i += blockDim.x) {
        if (trial_energy[i] <= energy[i]) {
          energy[i] = trial_energy[i];
          for (int j = 0; j < D; ++j) pop[i * D + j] = trial[i * D + j];
        }
      }
      __syncthreads();
      promote_lowest(pop, energy, S, D);
    }
    evaluations += S;
    generations = generation;
    if (has_converged(energy, S, P)) {
      converged = true;
      break;
    }
  }

  for (int j = threadIdx.x; j < D; j += blockDim.x)
    P.best[static_cast<long long>(problem) * D + j] = slfit::de::unit_to_param(pop[j], lower[j], upper[j], log_scale[j] != 0);
  if (threadIdx.x == 0) {
    // The next best members, where a stalled refinement restarts (de_steps.hpp's runners_up).
    int chosen[slfit::de::kRunnersUp];
    const int count = slfit::de::runners_up(energy, S, chosen);
    double* out = P.runners_up + static_cast<long long>(problem) * slfit::de::kRunnersUp * D;
    for (int r = 0; r < count; ++r)
      for (int j = 0; j < D; ++j)
        out[r * D + j] = slfit::de::unit_to_param(pop[chosen[r] * D + j], lower[j], upper[j], log_scale[j] != 0);
    P.runner_count[problem] = count;
    P.best_energy[problem] = energy[0];
    P.generations[problem] = generations;
    P.evaluations[problem] = evaluations;
    P.converged[problem] = converged ? 1 : 0;
  }
}

// The plain evaluation kernel of the speed benchmark (EvalParams in de_params.h).
__device__ void evaluate_only(const EvalParams& P) {
  const long long thread = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (thread >= static_cast<long long>(P.problems) * P.members) return;
  const int problem = static_cast<int>(thread / P.members);
  const int member = static_cast<int>(thread % P.members);
  const double* cols = P.data + P.data_offset[problem];
  const int n = P.points[problem];
  const long long D = P.num_params;
  double sum = 0.0;
  for (int r = 0; r < P.rounds; ++r) {
    const int candidate = (member + r) % P.members;
    sum += slfit_law_energy(P.units + candidate * D, P.lower + problem * D, P.upper + problem * D,
                            P.log_scale + problem * D, P.constants + static_cast<long long>(problem) * P.num_constants, cols,
                            cols + static_cast<long long>(P.columns) * n, n);
  }
  P.energy_sum[thread] = sum;
}

// The objective kernel (ObjectiveParams in de_params.h).
__device__ void objective_values(const ObjectiveParams& P) {
  const long long k = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (k >= P.count) return;
  P.values[k] = slfit_law_objective(P.params + k * P.num_params, P.constants, P.data,
                                    P.data + static_cast<long long>(P.columns) * P.points, P.points);
}

}  // namespace slfit_kernel

// Entry points. The DE kernel's block is the population rounded up to whole warps, at most
// kMaxBlockThreads (law_program.cpp's de_block_threads); larger populations stride. Under a
// register cap (SLFIT_REGISTER_CAP, from SLFIT_CUDA_MAX_REGISTERS; nvrtc_compiler.cpp) the kernel
// takes it as __maxnreg__, since launch bounds would override --maxrregcount; any cap of 24 or
// more fits kMaxBlockThreads threads in a multiprocessor's registers.
#if defined(SLFIT_REGISTER_CAP)
#define SLFIT_DE_REGISTERS __maxnreg__(SLFIT_REGISTER_CAP)
#else
#define SLFIT_DE_REGISTERS __launch_bounds__(slfit_kernel::kMaxBlockThreads)
#endif
extern "C" __global__ void SLFIT_DE_REGISTERS slfit_de(const slfit_kernel::DeParams P) {
  slfit_kernel::differential_evolution(P);
}
extern "C" __global__ void slfit_evaluate(const slfit_kernel::EvalParams P) { slfit_kernel::evaluate_only(P); }
extern "C" __global__ void slfit_objective(const slfit_kernel::ObjectiveParams P) {
  slfit_kernel::objective_values(P);
}
