// A separable law's module: the entry points of law_interface.h over the law's generated parts
// (namespace slfit_law, law/cuda_codegen.cpp's generate_cuda_separable_law), compiled by NVRTC
// in place of law_entry.cuh when the DE searches the law's nonlinear parameters theta and solves
// the linear ones c exactly for each candidate (variable projection). It computes what the host's
// ProjectedObjective::project computes (engine/projected_objective.cpp), with the same operations
// in the same order, every sum over the points in loss::sum_over_points' chains: the normal
// equations, their minimum over the linear parameters' box (optim/bounded_quadratic.hpp, the
// host's own code), then the objective from the residuals at (theta, c).
// Included after de_steps.hpp, law_interface.h, loss_terms.hpp, bounded_quadratic.hpp and
// slfit_law.cuh.

namespace slfit_projected {

// The sums over the points: the finiteness check (base plus every basis function), the normal
// equations' right-hand side (kNumLinear) and their lower triangle, row after row.
constexpr int kNumSums = 1 + slfit_law::kNumLinear + slfit_law::kNumLinear * (slfit_law::kNumLinear + 1) / 2;

__device__ __forceinline__ double coefficient(int n) {
  return slfit_law::kCoefficient / (slfit_law::kMeanReduction ? static_cast<double>(n) : 1.0);
}

// The objective at the full parameter vector x, whose linear parameters are c, from the parts:
// coefficient * sum_i (scale_i (base_i + sum_k c_k g_k,i - y_i))^2 plus the ridge; +inf where not
// finite. s: the parts' param stages at x. Not inlined into its two callers, so the parts are
// compiled once more, not twice.
__device__ __noinline__ double objective_from_parts(const double* x, const double* c, const slfit_law::Stages& s,
                                                    const double* cols, const double* observed, int n) {
  const double sum = slfit::loss::sum_over_points_one_at_a_time(n, [&](int i) {
    double g[slfit_law::kNumLinear];
    double p = slfit_law::parts(s, cols, n, i, g);
#pragma unroll
    for (int k = 0; k < slfit_law::kNumLinear; ++k) p += c[k] * g[k];
    const double scale = slfit_law::kWeighted ? cols[slfit_law::kScaleColumn * n + i] : 1.0;
    const double r = scale * (p - observed[i]);
    return r * r;
  });
  const double value = coefficient(n) * sum + slfit_law::ridge(x);
  return isfinite(value) ? value : slfit_kernel::infinity();
}

// F(theta): the linear parameters solved over their box (K's last 2 kNumLinear numbers), then
// the objective there; +inf where a part or the normal equations are not finite.
__device__ double projected_objective(const double* theta, const double* K, const double* cols,
                                      const double* observed, int n) {
  double x[slfit_law::kNumParams];
  double c[slfit_law::kNumLinear] = {};
  slfit_law::assemble(theta, c, x);  // the parts read theta only
  const slfit_law::Stages s = slfit_law::param_stages(x, K);
  slfit::loss::PointSums<kNumSums> sums;
#pragma unroll 1
  for (int i = 0; i < n; ++i) {
    double g[slfit_law::kNumLinear];
    const double base = slfit_law::parts(s, cols, n, i, g);
    const double scale = slfit_law::kWeighted ? cols[slfit_law::kScaleColumn * n + i] : 1.0;
    const double weight = scale * scale;
    double terms[kNumSums];
    double check = base;
#pragma unroll
    for (int k = 0; k < slfit_law::kNumLinear; ++k) check += g[k];
    terms[0] = check;
    int e = 1;
#pragma unroll
    for (int a = 0; a < slfit_law::kNumLinear; ++a) terms[e++] = weight * g[a] * (observed[i] - base);
#pragma unroll
    for (int a = 0; a < slfit_law::kNumLinear; ++a)
#pragma unroll
      for (int b = 0; b <= a; ++b) terms[e++] = weight * g[a] * g[b];
    sums.add(terms);
  }
  const double scaled = coefficient(n);
  double normal[slfit_law::kNumLinear * slfit_law::kNumLinear], right[slfit_law::kNumLinear];
  int e = 1;
#pragma unroll
  for (int a = 0; a < slfit_law::kNumLinear; ++a) right[a] = scaled * sums.total(e++);
#pragma unroll
  for (int a = 0; a < slfit_law::kNumLinear; ++a)
#pragma unroll
    for (int b = 0; b <= a; ++b) {
      double entry = scaled * sums.total(e++);
      if (a == b) entry = slfit_law::with_ridge(a, entry);
      normal[a * slfit_law::kNumLinear + b] = entry;
      normal[b * slfit_law::kNumLinear + a] = entry;
    }
  if (!isfinite(sums.total(0))) return slfit_kernel::infinity();
  const double* linear_lower = K + slfit_law::kNumConstants;
  const double* linear_upper = linear_lower + slfit_law::kNumLinear;
  slfit::quadratic::BoundedQuadratic<slfit_law::kNumLinear> solver;
  if (!solver.minimise(normal, right, linear_lower, linear_upper, slfit_law::kNumLinear, c))
    return slfit_kernel::infinity();
  slfit_law::assemble(theta, c, x);
  return objective_from_parts(x, c, s, cols, observed, n);
}

}  // namespace slfit_projected

// The law's objective at a full parameter vector, from its parts.
extern "C" __device__ double slfit_law_objective(const double* x, const double* K, const double* cols,
                                                 const double* observed, int n) {
  double theta[slfit_law::kNumSearched], c[slfit_law::kNumLinear];
  slfit_law::split(x, theta, c);
  return slfit_projected::objective_from_parts(x, c, slfit_law::param_stages(x, K), cols, observed, n);
}

// The projected objective of a unit-cube point of the searched parameters.
extern "C" __device__ double slfit_law_energy(const double* unit, const double* lower, const double* upper,
                                              const unsigned char* log_scale, const double* K, const double* cols,
                                              const double* observed, int n) {
  double theta[slfit_law::kNumSearched];
#pragma unroll
  for (int j = 0; j < slfit_law::kNumSearched; ++j)
    theta[j] = slfit::de::unit_to_param(unit[j], lower[j], upper[j], log_scale[j] != 0);
  return slfit_projected::projected_objective(theta, K, cols, observed, n);
}
