#pragma once
// The speed benchmark's reference for the DE kernel: the plain evaluation kernel
// (slfit_evaluate in kernels/de_kernel.cuh), which evaluates every member of every problem's
// first population `rounds` times with nothing else: the rate the DE kernel's evaluations are
// measured against.

#include <span>

#include "cuda/cuda_device.hpp"
#include "slfit/fit.hpp"

namespace slfit {

// Evaluations per second of the plain evaluation kernel on these problems' data (one launch
// group, cuda_launch_runs); compiles its program (or reads it from the NVRTC cache).
double cuda_evaluation_rate(std::span<const Problem> problems, const CudaDevice& device, int rounds);

}  // namespace slfit
