#include "engine/backend.hpp"

#include <algorithm>
#include <ostream>
#include <stdexcept>

#include "engine/batch_guard.hpp"
#include "slfit/error.hpp"
#ifdef SLFIT_HAVE_CUDA
#include "cuda/cuda_backend.hpp"
#endif

namespace slfit {

Backend parse_backend(const std::string& text) {
  if (text == "auto") return Backend::Auto;
  if (text == "cpu") return Backend::Cpu;
  if (text == "cuda") return Backend::Cuda;
  throw InputError("--backend: '" + text + "' is not one of: auto, cpu, cuda");
}

const char* backend_name(Backend backend) {
  switch (backend) {
    case Backend::Auto: return "auto";
    case Backend::Cpu: return "cpu";
    case Backend::Cuda: return "cuda";
  }
  return "?";
}

bool cuda_backend_built() {
#ifdef SLFIT_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

Backend choose_backend(Backend requested, Pipeline pipeline, std::ostream& note) {
  const bool de_pipeline = pipeline == Pipeline::De;
  if (requested == Backend::Cuda && !de_pipeline) throw InputError("--backend cuda runs --pipeline de only");
  if (requested == Backend::Cpu) return Backend::Cpu;
#ifdef SLFIT_HAVE_CUDA
  const CudaDevice device = probe_cuda_device();
  if (requested == Backend::Cuda && !device.usable) throw std::runtime_error("--backend cuda: " + device.reason);
  if (device.usable && de_pipeline) {
    note << "slfit: backend cuda (" << device.name << ", " << device.arch << ")\n";
    return Backend::Cuda;
  }
  note << "slfit: backend cpu (" << (device.usable ? "the GPU runs the de pipeline only" : device.reason) << ")\n";
#else
  if (requested == Backend::Cuda)
    throw std::runtime_error("--backend cuda: this slfit was built without the CUDA backend (SLFIT_CUDA=OFF or no nvcc)");
  note << "slfit: backend cpu (built without the CUDA backend)\n";
#endif
  return Backend::Cpu;
}

std::vector<FitResult> fit_batch_on(Backend chosen, std::span<const Problem> problems, const BatchOptions& batch) {
  if (chosen == Backend::Auto) throw std::logic_error("fit_batch_on: choose_backend first");
  if (chosen == Backend::Cpu) return fit_batch(problems, batch);
#ifdef SLFIT_HAVE_CUDA
  const CudaDevice device = probe_cuda_device();
  if (!device.usable) throw std::runtime_error("--backend cuda: " + device.reason);
  // The GPU runs the DE; problems of other pipelines have none and run on the host.
  std::vector<std::size_t> on_gpu, on_host;
  for (std::size_t i = 0; i < problems.size(); ++i)
    (problems[i].options.pipeline == Pipeline::De ? on_gpu : on_host).push_back(i);
  std::vector<FitResult> results(problems.size());
  if (batch.failures) batch.failures->assign(problems.size(), nullptr);
  fit_subset(problems, on_gpu, batch, results, [&](std::span<const Problem> subset, const BatchOptions& sub) {
    return fit_batch_cuda(subset, sub, device);
  });
  fit_subset(problems, on_host, batch, results, [](std::span<const Problem> subset, const BatchOptions& sub) {
    return fit_batch(subset, sub);
  });
  return results;
#else
  throw std::runtime_error("--backend cuda: this slfit was built without the CUDA backend (SLFIT_CUDA=OFF or no nvcc)");
#endif
}

std::vector<FitResult> fit_batch_with_backend(Backend requested, std::span<const Problem> problems,
                                              const BatchOptions& batch, std::string& used, std::ostream& note) {
  const bool any_de =
      std::any_of(problems.begin(), problems.end(), [](const Problem& p) { return p.options.pipeline == Pipeline::De; });
  const Pipeline pipeline = any_de || problems.empty() ? Pipeline::De : problems.front().options.pipeline;
  const Backend chosen = choose_backend(requested, pipeline, note);
  used = backend_name(chosen);
  return fit_batch_on(chosen, problems, batch);
}

}  // namespace slfit
