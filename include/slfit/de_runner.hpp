#pragma once
// A device that runs the differential evolution of many problems at once: the seam between the
// engine and a backend. A runner only runs DE chunks and evaluates objectives; the engine
// (fit_batch_on_runner) owns the rest: it splits a batch into the runner's launch groups, opens a
// program per group, sizes chunks by the program's capacity (halving a chunk the device has no
// memory for), refines each chunk's outcomes on the host's cores while the device runs the next,
// and sums the timing. host/cuda/ implements it for a GPU (open_cuda_runner); a vectorised CPU
// evaluator or a JIT-LTO CUDA path would be further runners, not further batch loops.

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "slfit/fit.hpp"
#include "slfit/result.hpp"

namespace slfit {

// The DE of one launch group (problems that share a compiled program) on a device, one chunk in
// flight at a time.
class DeProgram {
 public:
  virtual ~DeProgram() = default;

  // How many of these problems one launch should take (from the device's free memory, and small
  // enough that refinement overlaps the next chunk's DE).
  virtual std::size_t capacity(std::span<const Problem> problems) const = 0;
  // Uploads a chunk and starts its DE without waiting. Returns false, with nothing left
  // allocated, when the device is out of memory for it (the engine halves the chunk); throws on
  // any other error.
  virtual bool launch(std::span<const Problem> chunk) = 0;
  // Waits for the chunk in flight and returns its outcomes, in order.
  virtual std::vector<DEOutcome> collect() = 0;
  // Compile, upload, DE and download seconds so far (refine is the engine's).
  virtual BatchTiming timing() const = 0;
};

class DeRunner {
 public:
  virtual ~DeRunner() = default;

  // What the runner runs on, for the backend line: "NVIDIA H200, sm_90".
  virtual std::string description() const = 0;
  // The batch's problems in groups that can share a program, each a list of indices in batch
  // order, the groups in order of their first problem.
  virtual std::vector<std::vector<std::size_t>> launch_groups(std::span<const Problem> problems) const = 0;
  // Called once per batch before its groups are opened, e.g. to compile all their programs
  // concurrently on `threads` cores. Failures are left for open() to report.
  virtual void prepare(std::span<const Problem> problems, std::span<const std::vector<std::size_t>> groups,
                       int threads) = 0;
  // The program of the group `prototype` belongs to; throws std::runtime_error when it cannot be
  // built or loaded.
  virtual std::unique_ptr<DeProgram> open(const Problem& prototype) = 0;
  // points[i] holds k parameter vectors of problems[i], one after another; returns the k
  // objectives (+inf where not finite).
  virtual std::vector<std::vector<double>> objective_values(std::span<const Problem> problems,
                                                            const std::vector<std::vector<double>>& points) = 0;
};

// A runner, or why there is none.
struct RunnerProbe {
  std::unique_ptr<DeRunner> runner;
  std::string reason;  // when runner is null: no driver, no device, too old, not built in
};

// The CUDA runner on the device numbered `device_index`. Never throws; defined by host/cuda/
// (or, in a build without CUDA, by host/cuda/without_cuda.cpp, which gives the reason).
RunnerProbe open_cuda_runner(int device_index = 0);

// How many CUDA devices this process sees (0 without a driver, or in a build without CUDA).
int cuda_device_count();

// Whether this binary holds the CUDA backend (SLFIT_CUDA at build time).
bool cuda_backend_built();

// fit_batch with each problem's DE on the runner, chunk by chunk, and its refinement
// (Pipeline::De's, as fit_problem) on `batch.threads` host cores overlapping the next chunk.
// Every problem must use Pipeline::De, search every parameter and update deferred
// (std::invalid_argument otherwise: fit_batch_on, slfit/backend.hpp, sends the others to the host). A problem that fails gets
// status Failed; when the device fails for a launch group (its program does not build, a launch
// faults), every problem of the group not yet refined does. Progress and timing as BatchOptions
// says.
std::vector<FitResult> fit_batch_on_runner(DeRunner& runner, std::span<const Problem> problems,
                                           const BatchOptions& batch = {});

// The DE alone of every problem on the runner (what the tests compare with the host's DE).
std::vector<DEOutcome> de_on_runner(DeRunner& runner, std::span<const Problem> problems);

}  // namespace slfit
