#pragma once
// Every CUDA runtime call of the backend goes through check(): a failure becomes an exception
// whose message says what was being done and the runtime's name and text for the error.

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace slfit::cuda {

inline std::string describe(cudaError_t e) {
  return std::string(cudaGetErrorName(e)) + ": " + cudaGetErrorString(e);
}

inline void check(cudaError_t e, const std::string& what) {
  if (e != cudaSuccess) throw std::runtime_error("CUDA: " + what + " failed: " + describe(e));
}

}  // namespace slfit::cuda
