#pragma once
// The CUDA runner's objective_values (slfit/de_runner.hpp), slfit surface's GPU half: the
// objective of each problem at many parameter vectors, with the DE's own device code (the
// slfit_objective kernel of kernels/de_kernel.cuh).

#include <span>
#include <vector>

#include "cuda/cuda_device.hpp"
#include "slfit/fit.hpp"

namespace slfit {

// points[i] holds k vectors of problems[i]'s parameters; returns the k objectives (+inf where not
// finite). Problems of one law and objective share one compiled program. Throws
// std::runtime_error when the device cannot be used.
std::vector<std::vector<double>> cuda_objective_values(const CudaDevice& device, std::span<const Problem> problems,
                                                       const std::vector<std::vector<double>>& points);

}  // namespace slfit
