// The batched differential-evolution kernel: one block per problem, the whole generation loop on
// the device. Compiled at run time by NVRTC after slfit/philox.hpp, de_params.h and the law's
// generated code (namespace slfit_law, law/cuda_codegen.cpp), for one law and objective.
//
// It reproduces host/optim/differential_evolution.cpp draw for draw: every random number comes
// from the same Philox address, energies are computed in fp64 in the same order (compiled with
// --fmad=false, so no contraction the host does not do), the sum over points runs in point
// order. Only the convergence test's sums are reduced as a tree (CUB): they can differ from the
// host's in the last bits, which changes the stopping generation only when std(E) lands within
// rounding of the threshold.

#include <cub/block/block_reduce.cuh>

namespace slfit_kernel {

constexpr int kD = slfit_law::kNumParams;
constexpr int kC = slfit_law::kNumColumns;

__device__ __forceinline__ double infinity() { return __longlong_as_double(0x7ff0000000000000LL); }

// scale_to_bounds of differential_evolution.hpp.
__device__ __forceinline__ double scale_to_bounds(double unit, double lower, double upper) {
  return 0.5 * (lower + upper) + (unit - 0.5) * (upper > lower ? upper - lower : lower - upper);
}

// The objective at a parameter vector: the param stage, the terms summed in point order, the
// mean or sum; +inf where not finite (as Objective::value).
__device__ __forceinline__ double objective_at(const double* x, const double* K, const double* cols,
                                               const double* observed, int n) {
  const slfit_law::Scalars s = slfit_law::param_stage(x, K);
  double sum = 0.0;
  for (int i = 0; i < n; ++i) sum += slfit_law::term(slfit_law::predict(s, cols, n, i), observed[i]);
  const double value = slfit_law::kMeanReduction ? sum / static_cast<double>(n) : sum;
  return isfinite(value) ? value : infinity();
}

// The objective of one unit-cube candidate, scaled to the bounds.
__device__ __forceinline__ double energy_of(const double* unit, const double* lower, const double* upper,
                                            const double* K, const double* cols, const double* observed, int n) {
  double x[kD];
#pragma unroll
  for (int j = 0; j < kD; ++j) x[j] = scale_to_bounds(unit[j], lower[j], upper[j]);
  return objective_at(x, K, cols, observed, n);
}

// The lowest energy and its member; ties go to the lower index (numpy's argmin, first lowest).
struct Lowest {
  double energy;
  int member;
};
struct FirstLowest {
  __device__ __forceinline__ Lowest operator()(const Lowest& a, const Lowest& b) const {
    return (b.energy < a.energy || (b.energy == a.energy && b.member < a.member)) ? b : a;
  }
};

// pick_donors of differential_evolution.cpp.
__device__ __forceinline__ void pick_donors(const slfit::DrawSite& site, int members, int member, int& r1, int& r2) {
  r1 = static_cast<int>(slfit::uniform_below(site, 0, members - 1));
  if (r1 >= member) ++r1;
  r2 = static_cast<int>(slfit::uniform_below(site, 1, members - 2));
  const int low = min(member, r1), high = max(member, r1);
  if (r2 >= low) ++r2;
  if (r2 >= high) ++r2;
}

// make_trial of differential_evolution.cpp: best1bin, repaired into the unit cube.
__device__ __forceinline__ void make_trial(const double* pop, int members, int member, double scale,
                                           const DeParams& P, unsigned long long stream, unsigned generation,
                                           double* trial) {
  const unsigned id = static_cast<unsigned>(member);
  const slfit::DrawSite pick{P.seed, stream, generation, id, slfit::DrawPurpose::Pick};
  const slfit::DrawSite crossover{P.seed, stream, generation, id, slfit::DrawPurpose::Crossover};
  const slfit::DrawSite repair{P.seed, stream, generation, id, slfit::DrawPurpose::Repair};
  int r1 = 0, r2 = 0;
  pick_donors(pick, members, member, r1, r2);
  const int forced = static_cast<int>(slfit::uniform_below(pick, 2, kD));
  const double* best = pop;
  const double* parent = pop + member * kD;
  const double* x1 = pop + r1 * kD;
  const double* x2 = pop + r2 * kD;
  for (int j = 0; j < kD; ++j) {
    const bool from_mutant = slfit::uniform01(crossover, j) < P.recombination || j == forced;
    double v = from_mutant ? best[j] + scale * (x1[j] - x2[j]) : parent[j];
    if (v < 0.0 || v > 1.0) v = slfit::uniform01(repair, j);
    trial[j] = v;
  }
}

template <int kThreads>
struct Block {
  using ReduceLowest = cub::BlockReduce<Lowest, kThreads>;
  using ReduceSum = cub::BlockReduce<double, kThreads>;
  using ReduceCount = cub::BlockReduce<int, kThreads>;
  union Storage {
    typename ReduceLowest::TempStorage lowest;
    typename ReduceSum::TempStorage sum;
    typename ReduceCount::TempStorage count;
  };
};

// promote_lowest of differential_evolution.cpp: the first lowest energy moves to index 0.
template <int kThreads>
__device__ void promote_lowest(double* pop, double* energy, int members,
                               typename Block<kThreads>::Storage& storage, int& shared_member) {
  Lowest mine{infinity(), members};
  for (int i = threadIdx.x; i < members; i += kThreads)
    if (energy[i] < mine.energy || (energy[i] == mine.energy && i < mine.member)) mine = Lowest{energy[i], i};
  const Lowest lowest = typename Block<kThreads>::ReduceLowest(storage.lowest).Reduce(mine, FirstLowest());
  if (threadIdx.x == 0) shared_member = lowest.member;
  __syncthreads();
  const int k = shared_member;
  if (k != 0) {
    for (int j = threadIdx.x; j < kD; j += kThreads) {
      const double t = pop[j];
      pop[j] = pop[k * kD + j];
      pop[k * kD + j] = t;
    }
    if (threadIdx.x == 0) {
      const double t = energy[0];
      energy[0] = energy[k];
      energy[k] = t;
    }
  }
  __syncthreads();
}

// has_converged of differential_evolution.cpp: all finite and std(E) <= atol + tol |mean(E)|.
// The same value in every thread.
template <int kThreads>
__device__ bool has_converged(const double* energy, int members, const DeParams& P,
                              typename Block<kThreads>::Storage& storage, double& shared_value,
                              int& shared_flag) {
  double sum = 0.0;
  int non_finite = 0;
  for (int i = threadIdx.x; i < members; i += kThreads) {
    non_finite += !isfinite(energy[i]);
    sum += energy[i];
  }
  const int bad = typename Block<kThreads>::ReduceCount(storage.count).Sum(non_finite);
  __syncthreads();
  const double total = typename Block<kThreads>::ReduceSum(storage.sum).Sum(sum);
  if (threadIdx.x == 0) {
    shared_flag = bad;
    shared_value = total / members;
  }
  __syncthreads();
  if (shared_flag != 0) return false;  // uniform: every thread reads the same flag
  const double mean = shared_value;
  double squares = 0.0;
  for (int i = threadIdx.x; i < members; i += kThreads) squares += (energy[i] - mean) * (energy[i] - mean);
  const double total_squares = typename Block<kThreads>::ReduceSum(storage.sum).Sum(squares);
  __syncthreads();  // everyone has read shared_value and left the reduction before it is reused
  if (threadIdx.x == 0) shared_flag = sqrt(total_squares / members) <= P.atol + P.tol * fabs(mean);
  __syncthreads();
  const bool converged = shared_flag != 0;
  __syncthreads();  // shared_flag is written again by the next call
  return converged;
}

template <int kThreads>
__device__ void differential_evolution(const DeParams& P) {
  __shared__ typename Block<kThreads>::Storage storage;
  __shared__ double lower[kD], upper[kD];
  __shared__ double shared_value;
  __shared__ int shared_member, shared_flag;
  extern __shared__ double dynamic[];

  const int problem = blockIdx.x;
  const int S = P.members;
  const int n = P.points[problem];
  const unsigned long long stream = P.stream[problem];
  const double* data = P.data + P.data_offset[problem];
  const double* K = P.constants + problem * slfit_law::kNumConstants;  // this problem's law's numbers
  const long long population_doubles = static_cast<long long>(S) * kD + S;

  // Layout: population, energies, trials, trial energies (then the points, when in shared).
  double* pop = P.in_shared ? dynamic : P.scratch + 2 * population_doubles * problem;
  double* energy = pop + S * kD;
  double* trial = energy + S;
  double* trial_energy = trial + S * kD;
  const double* cols = data;
  if (P.in_shared) {
    double* points = trial_energy + S;
    for (int k = threadIdx.x; k < (kC + 1) * n; k += kThreads) points[k] = data[k];
    cols = points;
  }
  const double* observed = cols + kC * n;
  for (int j = threadIdx.x; j < kD; j += kThreads) {
    lower[j] = P.lower[problem * kD + j];
    upper[j] = P.upper[problem * kD + j];
  }

  // Latin hypercube (initialise_latin_hypercube): the keys go to the trial rows first.
  for (int i = threadIdx.x; i < S; i += kThreads) {
    const slfit::DrawSite site{P.seed, stream, 0, static_cast<unsigned>(i), slfit::DrawPurpose::InitRank};
    for (int j = 0; j < kD; ++j) trial[i * kD + j] = slfit::uniform01(site, j);
  }
  __syncthreads();
  for (int i = threadIdx.x; i < S; i += kThreads) {
    const slfit::DrawSite offsets{P.seed, stream, 0, static_cast<unsigned>(i), slfit::DrawPurpose::InitOffset};
    for (int j = 0; j < kD; ++j) {
      const double key = trial[i * kD + j];
      int rank = 0;
      for (int m = 0; m < S; ++m) {
        const double other = trial[m * kD + j];
        rank += other < key || (other == key && m < i);
      }
      pop[i * kD + j] = (rank + slfit::uniform01(offsets, j)) / S;
    }
  }
  __syncthreads();
  for (int i = threadIdx.x; i < S; i += kThreads)
    energy[i] = energy_of(pop + i * kD, lower, upper, K, cols, observed, n);
  __syncthreads();
  promote_lowest<kThreads>(pop, energy, S, storage, shared_member);

  long long evaluations = S;
  int generations = 0;
  bool converged = false;
  for (int generation = 1; generation <= P.maxiter; ++generation) {
    const unsigned g = static_cast<unsigned>(generation);
    const double scale = P.mutation_min + (P.mutation_max - P.mutation_min) *
                                              slfit::uniform01({P.seed, stream, g, 0, slfit::DrawPurpose::Dither}, 0);
    for (int i = threadIdx.x; i < S; i += kThreads) {
      make_trial(pop, S, i, scale, P, stream, g, trial + i * kD);
      trial_energy[i] = energy_of(trial + i * kD, lower, upper, K, cols, observed, n);
    }
    __syncthreads();
    // Deferred selection: every trial was made from the old population; a member only touches
    // its own row now.
    for (int i = threadIdx.x; i < S; i += kThreads) {
      if (trial_energy[i] <= energy[i]) {
        energy[i] = trial_energy[i];
        for (int j = 0; j < kD; ++j) pop[i * kD + j] = trial[i * kD + j];
      }
    }
    __syncthreads();
    promote_lowest<kThreads>(pop, energy, S, storage, shared_member);
    evaluations += S;
    generations = generation;
    if (has_converged<kThreads>(energy, S, P, storage, shared_value, shared_flag)) {
      converged = true;
      break;
    }
  }

  for (int j = threadIdx.x; j < kD; j += kThreads)
    P.best[problem * kD + j] = scale_to_bounds(pop[j], lower[j], upper[j]);
  if (threadIdx.x == 0) {
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
  double sum = 0.0;
  for (int r = 0; r < P.rounds; ++r) {
    const int candidate = (member + r) % P.members;
    sum += energy_of(P.units + candidate * kD, P.lower + problem * kD, P.upper + problem * kD,
                     P.constants + problem * slfit_law::kNumConstants, cols, cols + kC * n, n);
  }
  P.energy_sum[thread] = sum;
}

// The objective kernel (ObjectiveParams in de_params.h).
__device__ void objective_values(const ObjectiveParams& P) {
  const long long k = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (k >= P.count) return;
  double x[kD];
#pragma unroll
  for (int j = 0; j < kD; ++j) x[j] = P.params[k * kD + j];
  P.values[k] = objective_at(x, P.constants, P.data, P.data + static_cast<long long>(kC) * P.points, P.points);
}

}  // namespace slfit_kernel

// Entry points. The DE kernel is instantiated once, for the block size the host compiled the
// program for (law_program.cpp: the population rounded up to whole warps, at most 256).
#ifndef SLFIT_DE_THREADS
#error "SLFIT_DE_THREADS, the DE kernel's block size, must be defined by the host"
#endif
extern "C" __global__ void __launch_bounds__(SLFIT_DE_THREADS) slfit_de(const slfit_kernel::DeParams P) {
  slfit_kernel::differential_evolution<SLFIT_DE_THREADS>(P);
}
extern "C" __global__ void slfit_evaluate(const slfit_kernel::EvalParams P) { slfit_kernel::evaluate_only(P); }
extern "C" __global__ void slfit_objective(const slfit_kernel::ObjectiveParams P) {
  slfit_kernel::objective_values(P);
}
