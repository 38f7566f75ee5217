#include "engine/backend.hpp"

#include <algorithm>
#include <ostream>
#include <stdexcept>

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

bool cuda_backend_built() {
#ifdef SLFIT_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

std::vector<FitResult> fit_batch_with_backend(Backend backend, std::span<const Problem> problems,
                                              const BatchOptions& batch, std::string& used, std::ostream& note) {
  const bool de_pipeline =
      std::all_of(problems.begin(), problems.end(), [](const Problem& p) { return p.options.pipeline == Pipeline::De; });
  if (backend == Backend::Cuda && !de_pipeline) throw InputError("--backend cuda runs --pipeline de only");
  used = "cpu";
  if (backend == Backend::Cpu) return fit_batch(problems, batch);
#ifdef SLFIT_HAVE_CUDA
  const CudaDevice device = probe_cuda_device();
  if (backend == Backend::Cuda && !device.usable) throw std::runtime_error("--backend cuda: " + device.reason);
  if (device.usable && de_pipeline) {
    note << "slfit: backend cuda (" << device.name << ", " << device.arch << ")\n";
    used = "cuda";
    return fit_batch_cuda(problems, batch, device);
  }
  note << "slfit: backend cpu (" << (device.usable ? "the GPU runs the de pipeline only" : device.reason) << ")\n";
#else
  if (backend == Backend::Cuda)
    throw std::runtime_error("--backend cuda: this slfit was built without the CUDA backend (SLFIT_CUDA=OFF or no nvcc)");
  note << "slfit: backend cpu (built without the CUDA backend)\n";
#endif
  return fit_batch(problems, batch);
}

}  // namespace slfit
