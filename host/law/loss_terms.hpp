#pragma once
// The per-point loss terms of the objectives (slfit/law.hpp's ObjectiveKind), written once for
// host and device code: Objective (law/objective.cpp) sums them on the host, and the law's
// generated CUDA code (law/cuda_codegen.cpp, with this header embedded for NVRTC) calls the same
// functions, so both backends compute every term with the same operations. A new objective is a
// pair of functions here and a case in each of the two callers.

#include "slfit/host_device.hpp"

#if !defined(__CUDACC_RTC__)
#include <math.h>  // fabs and copysign in the global namespace, as device code calls them
#endif

namespace slfit::loss {

// mse: r^2.
SLFIT_HOST_DEVICE inline double squared(double r) { return r * r; }
SLFIT_HOST_DEVICE inline double squared_derivative(double r) { return 2.0 * r; }

// huber: scipy.special.huber(delta, r), quadratic within delta of zero and linear beyond.
SLFIT_HOST_DEVICE inline double huber(double r, double delta) {
  const double size = fabs(r);
  return size <= delta ? 0.5 * r * r : delta * (size - 0.5 * delta);
}
SLFIT_HOST_DEVICE inline double huber_derivative(double r, double delta) {
  return fabs(r) <= delta ? r : copysign(delta, r);
}

}  // namespace slfit::loss
