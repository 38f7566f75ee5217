#include "slfit/backend.hpp"

#include <algorithm>
#include <ostream>
#include <stdexcept>

#include "engine/batch_guard.hpp"
#include "engine/pipeline.hpp"
#include "engine/separable_splits.hpp"
#include "engine/shared_batch.hpp"
#include "slfit/cpu_simd.hpp"
#include "slfit/error.hpp"
#include "slfit/ranks.hpp"

namespace slfit {

Backend parse_backend(const std::string& text) {
  if (text == "auto") return Backend::Auto;
  if (text == "cpu") return Backend::Cpu;
  if (text == "cuda") return Backend::Cuda;
  throw InputError("--backend: '" + text + "' is not one of: auto, cpu, cuda");
}

const char* to_string(Backend backend) {
  switch (backend) {
    case Backend::Auto: return "auto";
    case Backend::Cpu: return "cpu";
    case Backend::Cuda: return "cuda";
  }
  return "?";
}

namespace {

// The GPU this process takes: under MPI, the local rank's (ranks on a node take its GPUs in turn;
// under Slurm's --gpus-per-task each rank sees its own GPU as device 0).
int device_index() {
  const Ranks* ranks = batch_ranks();
  const int count = cuda_device_count();
  return ranks && count > 0 ? ranks->local_rank() % count : 0;
}

// Under MPI every rank must take the same backend (--backend means the same on every rank, and
// the outputs name one): Auto takes the GPU only when every rank has one, and Cuda fails on every
// rank, naming the first rank without one. Alone: `usable` as it is.
bool agree_on_gpu(bool usable, const std::string& reason, Backend requested) {
  Ranks* ranks = batch_ranks();
  if (!ranks) return usable;
  const std::vector<std::string> reasons = exchange_or_throw(*ranks, usable ? std::string() : reason);
  for (std::size_t r = 0; r < reasons.size(); ++r) {
    if (reasons[r].empty()) continue;
    if (requested == Backend::Cuda) throw std::runtime_error("--backend cuda: rank " + std::to_string(r) + ": " + reasons[r]);
    return false;
  }
  return true;
}

}  // namespace

BackendChoice choose_backend(Backend requested, Pipeline pipeline, std::ostream& note, bool explain) {
  const bool de_pipeline = pipeline == Pipeline::De;
  if (requested == Backend::Cuda && !de_pipeline) throw InputError("--backend cuda runs --pipeline de only");
  cpu_instruction_set();  // a bad SLFIT_SIMD fails before any work, whichever backend runs the DE
  if (requested == Backend::Cpu) return {};
  RunnerProbe cuda = open_cuda_runner(device_index());
  const bool usable = agree_on_gpu(cuda.runner != nullptr, cuda.reason, requested);
  if (requested == Backend::Cuda && !cuda.runner) throw std::runtime_error("--backend cuda: " + cuda.reason);
  if (usable && de_pipeline) {
    note << "slfit: backend cuda (" << cuda.runner->description() << ")\n";
    return {Backend::Cuda, std::move(cuda.runner)};
  }
  note << "slfit: backend cpu ("
       << (usable ? "the GPU runs the de pipeline only"
           : cuda.runner ? "a rank of this job has no usable GPU"
           : explain     ? cuda.reason
                         : "no usable GPU")
       << ")\n";
  return {};
}

namespace {

// fit_batch_on within this process.
std::vector<FitResult> fit_batch_here(const BackendChoice& chosen, std::span<const Problem> problems,
                                      const BatchOptions& batch) {
  if (chosen.backend == Backend::Cpu) return fit_batch(problems, batch);
  if (chosen.backend != Backend::Cuda || !chosen.runner) throw std::logic_error("fit_batch_on: choose_backend first");
  // The device runs the DE it implements (device_runs_de); the others (another pipeline, linear
  // parameters solved exactly, immediate updating) run on the host, so that each problem's result
  // is the CPU backend's whichever backend is chosen.
  const SeparableSplits splits(problems);
  // A problem whose law's split failed goes to the host, whose batch reports the failure as that
  // problem's result.
  const auto device_runs = [&](const Problem& p) {
    try {
      return device_runs_de(p, splits.of(p));
    } catch (...) {
      return false;
    }
  };
  std::vector<std::size_t> on_device, on_host;
  for (std::size_t i = 0; i < problems.size(); ++i) (device_runs(problems[i]) ? on_device : on_host).push_back(i);
  std::vector<FitResult> results(problems.size());
  fit_subset(problems, on_device, batch, results, [&](std::span<const Problem> subset, const BatchOptions& sub) {
    return fit_batch_on_runner(*chosen.runner, subset, sub);
  });
  fit_subset(problems, on_host, batch, results, [](std::span<const Problem> subset, const BatchOptions& sub) {
    return fit_batch(subset, sub);
  });
  return results;
}

}  // namespace

std::vector<FitResult> fit_batch_on(const BackendChoice& chosen, std::span<const Problem> problems,
                                    const BatchOptions& batch) {
  Ranks* ranks = batch_ranks();
  if (!ranks || ranks->size() == 1) return fit_batch_here(chosen, problems, batch);
  const Dealing dealing = chosen.backend == Backend::Cuda ? Dealing::Contiguous : Dealing::Interleaved;
  return fit_batch_shared(*ranks, problems, batch, dealing,
                          [&](std::span<const Problem> share, const BatchOptions& options) {
                            return fit_batch_here(chosen, share, options);
                          });
}

std::vector<FitResult> fit_batch_with_backend(Backend requested, std::span<const Problem> problems,
                                              const BatchOptions& batch, std::string& used, std::ostream& note,
                                              bool explain) {
  const bool any_de =
      std::any_of(problems.begin(), problems.end(), [](const Problem& p) { return p.options.pipeline == Pipeline::De; });
  const Pipeline pipeline = any_de || problems.empty() ? Pipeline::De : problems.front().options.pipeline;
  const BackendChoice chosen = choose_backend(requested, pipeline, note, explain);
  used = to_string(chosen.backend);
  return fit_batch_on(chosen, problems, batch);
}

}  // namespace slfit
