#pragma once
// What a law's module (kernels/law_entry.cuh over the law's generated code) gives the kernel
// module (kernels/de_kernel.cuh). The two are compiled apart, as relocatable device code, and
// linked by nvJitLink (host/cuda/jit_link.cpp): the kernels are compiled once per architecture
// and each law costs only its own code. One call per candidate crosses the seam; the loop over
// the points runs inside the law's module.

// The objective at x, in the law's units: the param stage once, each point's terms summed in
// point order, the mean or the sum, plus the ridge penalty; +inf where not finite (as
// Objective::value on the host). K: the law's numbers; cols: its columns, column-major, n points
// each; observed: the first term's transform of y (y, log y or log -y).
extern "C" __device__ double slfit_law_objective(const double* x, const double* K, const double* cols,
                                                 const double* observed, int n);

// The objective of a unit-cube point in the parameters' units (de_steps.hpp's unit_to_param: over
// [lower, upper], in log coordinates where log_scale says so).
extern "C" __device__ double slfit_law_energy(const double* unit, const double* lower, const double* upper,
                                              const unsigned char* log_scale, const double* K, const double* cols,
                                              const double* observed, int n);

namespace slfit_kernel {

__device__ __forceinline__ double infinity() { return __longlong_as_double(0x7ff0000000000000LL); }

}  // namespace slfit_kernel
