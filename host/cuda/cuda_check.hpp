#pragma once
// Every CUDA runtime call of the backend goes through check(): a failure becomes an exception
// whose message says what was being done and the runtime's name and text for the error, and,
// for calls about a kernel launch, what was launched.

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "cuda/launch_context.hpp"

namespace slfit::cuda {

inline std::string describe(cudaError_t e) {
  return std::string(cudaGetErrorName(e)) + ": " + cudaGetErrorString(e);
}

inline void check(cudaError_t e, const std::string& what) {
  if (e != cudaSuccess) throw std::runtime_error("CUDA: " + what + " failed: " + describe(e));
}

// "CUDA: <what> failed: <error>; launch: grid=... block=... ..."
inline void check(cudaError_t e, const std::string& what, const LaunchContext& launch) {
  if (e != cudaSuccess)
    throw std::runtime_error("CUDA: " + what + " failed: " + describe(e) + "; launch: " + launch.to_string());
}

}  // namespace slfit::cuda
