#pragma once
// The CUDA runner's DE program (slfit/de_runner.hpp): one law structure and objective compiled
// by NVRTC (kernels/de_kernel.cuh over the law's generated code) and loaded on the device,
// running the DE of chunks of problems that share them. Uses the CUDA runtime only (statically
// linked), so the binary starts without a driver; the runtime then reports "no driver" or "no
// device" as errors.

#include <memory>
#include <span>
#include <vector>

#include "cuda/cuda_device.hpp"
#include "cuda/law_program.hpp"
#include "cuda/nvrtc_compiler.hpp"
#include "slfit/de_runner.hpp"

namespace slfit {

// Runs the DE of problems that share one launch group (cuda_launch_runs); each problem brings
// its own law's numbers and data.
class CudaDifferentialEvolution final : public DeProgram {
 public:
  // Compiles (or reads from the cache) and loads the kernel; throws std::runtime_error with the
  // runtime's message when the device cannot be used.
  CudaDifferentialEvolution(const Problem& prototype, const CudaDevice& device,
                            const NvrtcCompiler& compiler = NvrtcCompiler());
  ~CudaDifferentialEvolution() override;
  CudaDifferentialEvolution(const CudaDifferentialEvolution&) = delete;
  CudaDifferentialEvolution& operator=(const CudaDifferentialEvolution&) = delete;

  const Cubin& cubin() const;

  // From the free device memory, and at least four chunks for large batches.
  std::size_t capacity(std::span<const Problem> problems) const override;
  // One chunk in flight at a time; problems outside this program's launch group are a
  // std::invalid_argument.
  bool launch(std::span<const Problem> chunk) override;
  std::vector<DEOutcome> collect() override;
  BatchTiming timing() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The batch's problems grouped into runs that can share a launch: the same generated source (law
// structure and objective: laws that differ only in their numbers, as a leaderboard's variants
// of one formula, share it), DE options and seed. Each run lists problem indices in batch order;
// runs are in order of their first problem.
std::vector<std::vector<std::size_t>> cuda_launch_runs(std::span<const Problem> problems);

}  // namespace slfit
