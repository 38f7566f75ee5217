// A law's module: the entry points of law_interface.h over the law's generated code (namespace
// slfit_law, law/cuda_codegen.cpp), compiled by NVRTC for each distinct law structure and
// objective. Included after de_steps.hpp, law_interface.h and slfit_law.cuh.

namespace slfit_law_entry {

// Not inlined into its two callers, so the law's code is compiled once per module.
__device__ __noinline__ double objective_at(const double* x, const double* K, const double* cols,
                                            const double* observed, int n) {
  const slfit_law::Scalars s = slfit_law::param_stage(x, K);
  const double sum = slfit::loss::sum_over_points_one_at_a_time(n, [&](int i) {
    const double scale = slfit_law::kWeighted ? cols[slfit_law::kScaleColumn * n + i] : 1.0;
    return slfit_law::term(slfit_law::predict(s, cols, n, i), observed[i], scale, cols, n, i);
  });
  const double value = (slfit_law::kMeanReduction ? sum / static_cast<double>(n) : sum) + slfit_law::ridge(x);
  return isfinite(value) ? value : slfit_kernel::infinity();
}

}  // namespace slfit_law_entry

extern "C" __device__ double slfit_law_objective(const double* x, const double* K, const double* cols,
                                                 const double* observed, int n) {
  return slfit_law_entry::objective_at(x, K, cols, observed, n);
}

extern "C" __device__ double slfit_law_energy(const double* unit, const double* lower, const double* upper,
                                              const unsigned char* log_scale, const double* K, const double* cols,
                                              const double* observed, int n) {
  double x[slfit_law::kNumParams];
#pragma unroll
  for (int j = 0; j < slfit_law::kNumParams; ++j)
    x[j] = slfit::de::unit_to_param(unit[j], lower[j], upper[j], log_scale[j] != 0);
  return slfit_law_entry::objective_at(x, K, cols, observed, n);
}
