#include "cuda/cuda_device.hpp"

#include <cuda_runtime.h>

#include <algorithm>
#include <exception>
#include <vector>

#include "cuda/cuda_check.hpp"
#include "cuda/nvrtc_compiler.hpp"
#include "slfit/de_runner.hpp"

namespace slfit {

using cuda::describe;

namespace {

// cudaGetDeviceCount, its error cleared from the runtime's state (the count is then 0).
cudaError_t count_devices(int& count) {
  count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();
    count = 0;
  }
  return e;
}

}  // namespace

int cuda_device_count() {
  int count = 0;
  count_devices(count);  // an error is probe_cuda_device's to report, in words
  return count;
}

CudaDevice probe_cuda_device(int index) {
  CudaDevice d;
  d.index = index;
  int count = 0;
  if (const cudaError_t e = count_devices(count); e != cudaSuccess) {
    d.reason = e == cudaErrorNoDevice             ? "no CUDA device is visible"
               : e == cudaErrorInsufficientDriver ? "no CUDA driver, or one too old for CUDA " +
                                                        std::to_string(CUDART_VERSION / 1000) + " (" + describe(e) + ")"
                                                  : describe(e);
    return d;
  }
  if (count == 0) {
    d.reason = "no CUDA device is visible";
    return d;
  }
  if (index < 0 || index >= count) {
    d.reason = "there is no CUDA device " + std::to_string(index) + " (" + std::to_string(count) + " visible)";
    return d;
  }
  cudaDeviceProp prop{};
  if (const cudaError_t e = cudaGetDeviceProperties(&prop, index); e != cudaSuccess) {
    d.reason = describe(e);
    return d;
  }
  d.name = prop.name;
  d.arch = "sm_" + std::to_string(prop.major * 10 + prop.minor);
  d.multiprocessors = prop.multiProcessorCount;
  d.shared_per_block = prop.sharedMemPerBlockOptin;
  try {
    const std::vector<std::string> archs = nvrtc_supported_architectures();
    if (std::find(archs.begin(), archs.end(), d.arch) == archs.end()) {
      d.reason = d.name + " (" + d.arch + ") is not a target this NVRTC can compile for (too old or too new)";
      return d;
    }
  } catch (const std::exception& e) {
    d.reason = e.what();
    return d;
  }
  d.usable = true;
  return d;
}

}  // namespace slfit
