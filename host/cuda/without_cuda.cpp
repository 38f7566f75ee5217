// The CUDA runner's entry points in a build without the CUDA backend (SLFIT_CUDA=OFF, or no nvcc
// found): CMake compiles this file instead of the rest of host/cuda/, so that the engine asks
// the same question either way and the user gets the reason.

#include "slfit/de_runner.hpp"

namespace slfit {

RunnerProbe open_cuda_runner(int) {
  return {nullptr, "this slfit was built without the CUDA backend: SLFIT_CUDA=OFF or no nvcc"};
}

int cuda_device_count() { return 0; }

bool cuda_backend_built() { return false; }

}  // namespace slfit
