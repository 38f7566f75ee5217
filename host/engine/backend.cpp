#include "slfit/backend.hpp"

#include <algorithm>
#include <ostream>
#include <stdexcept>

#include "engine/batch_guard.hpp"
#include "engine/pipeline.hpp"
#include "slfit/error.hpp"

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

BackendChoice choose_backend(Backend requested, Pipeline pipeline, std::ostream& note, bool explain) {
  const bool de_pipeline = pipeline == Pipeline::De;
  if (requested == Backend::Cuda && !de_pipeline) throw InputError("--backend cuda runs --pipeline de only");
  if (requested == Backend::Cpu) return {};
  RunnerProbe cuda = open_cuda_runner();
  if (requested == Backend::Cuda && !cuda.runner) throw std::runtime_error("--backend cuda: " + cuda.reason);
  if (cuda.runner && de_pipeline) {
    note << "slfit: backend cuda (" << cuda.runner->description() << ")\n";
    return {Backend::Cuda, std::move(cuda.runner)};
  }
  note << "slfit: backend cpu ("
       << (cuda.runner ? "the GPU runs the de pipeline only" : explain ? cuda.reason : "no usable GPU") << ")\n";
  return {};
}

std::vector<FitResult> fit_batch_on(const BackendChoice& chosen, std::span<const Problem> problems,
                                    const BatchOptions& batch) {
  if (chosen.backend == Backend::Cpu) return fit_batch(problems, batch);
  if (chosen.backend != Backend::Cuda || !chosen.runner) throw std::logic_error("fit_batch_on: choose_backend first");
  // The device runs the DE it implements (device_runs_de); the others (another pipeline, linear
  // parameters solved exactly, immediate updating) run on the host, so that each problem's result
  // is the CPU backend's whichever backend is chosen.
  std::vector<std::size_t> on_device, on_host;
  for (std::size_t i = 0; i < problems.size(); ++i) (device_runs_de(problems[i]) ? on_device : on_host).push_back(i);
  std::vector<FitResult> results(problems.size());
  fit_subset(problems, on_device, batch, results, [&](std::span<const Problem> subset, const BatchOptions& sub) {
    return fit_batch_on_runner(*chosen.runner, subset, sub);
  });
  fit_subset(problems, on_host, batch, results, [](std::span<const Problem> subset, const BatchOptions& sub) {
    return fit_batch(subset, sub);
  });
  return results;
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
