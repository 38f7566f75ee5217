#pragma once
// The CUDA backend: the DE of many problems at once on the GPU (kernels/de_kernel.cuh, compiled
// per law by NVRTC), in chunks, with the L-BFGS-B refinement of each chunk on the host's cores
// while the GPU runs the next. Uses the CUDA runtime only (statically linked), so the binary
// starts without a driver; the runtime then reports "no driver" or "no device" as errors.

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cuda/cuda_device.hpp"
#include "cuda/law_program.hpp"
#include "cuda/nvrtc_compiler.hpp"
#include "optim/differential_evolution.hpp"
#include "slfit/fit.hpp"

namespace slfit {

// One law structure and objective compiled and loaded on the device, running the DE of problems
// that share them and their DE options and seed (cuda_launch_runs); each problem brings its own
// law's numbers and data.
class CudaDifferentialEvolution {
 public:
  // Compiles (or reads from the cache) and loads the kernel; throws std::runtime_error with the
  // runtime's message when the device cannot be used.
  CudaDifferentialEvolution(const Problem& prototype, const CudaDevice& device,
                            const NvrtcCompiler& compiler = NvrtcCompiler());
  ~CudaDifferentialEvolution();
  CudaDifferentialEvolution(const CudaDifferentialEvolution&) = delete;
  CudaDifferentialEvolution& operator=(const CudaDifferentialEvolution&) = delete;

  const Cubin& cubin() const;

  // How many of these problems one launch should take, from the free device memory.
  std::size_t chunk_capacity(std::span<const Problem> problems) const;

  // Uploads a chunk and starts its DE without waiting. Returns false, with nothing left
  // allocated, when the device is out of memory (the caller halves the chunk); throws on other
  // errors. One chunk in flight at a time.
  bool launch(std::span<const Problem> chunk);
  // Waits for the chunk in flight and returns its outcomes, in order.
  std::vector<DEOutcome> collect();

  // The compile, upload, DE and download seconds so far (refine is the caller's).
  const BatchTiming& timing() const;

  // The speed benchmark's reference: evaluations per second of the plain evaluation kernel on
  // these problems' data (members candidates per problem, `rounds` each).
  double evaluate_only_rate(std::span<const Problem> problems, int rounds);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The batch's problems grouped into runs that can share a launch: the same generated source (law
// structure and objective: laws that differ only in their numbers, as a leaderboard's variants
// of one formula, share it), DE options and seed. Each run lists problem indices in batch order;
// runs are in order of their first problem.
std::vector<std::vector<std::size_t>> cuda_launch_runs(std::span<const Problem> problems);

// The DE of every problem on the GPU, chunked, without refinement (what the tests compare with
// the CPU's differential_evolution). Problems must form one launch run (cuda_launch_runs).
std::vector<DEOutcome> cuda_differential_evolution(std::span<const Problem> problems, const CudaDevice& device);

// fit_batch on the GPU: DE per chunk on the device, refinement (fit_problem_from_de) on
// `batch.threads` cores overlapping the next chunk. Pipeline::De only (std::invalid_argument
// otherwise). A batch may mix laws and options (a leaderboard does): its problems run as
// consecutive launches, one run of cuda_launch_runs each.
std::vector<FitResult> fit_batch_cuda(std::span<const Problem> problems, const BatchOptions& batch,
                                      const CudaDevice& device);

}  // namespace slfit
