#pragma once
// What a fitted point says about its parameters, as scipy's curve_fit and lmfit report it: the
// covariance of the estimates from the residuals' exact Jacobian (Gauss-Newton), their standard
// errors and correlations, the information criteria, and which parameters sit on a bound.

#include <span>
#include <string>
#include <vector>

#include "slfit/dataset.hpp"
#include "slfit/fit.hpp"
#include "slfit/law.hpp"
#include "slfit/law_io.hpp"

namespace slfit {

enum class BoundSide { None, Lower, Upper };
const char* to_string(BoundSide side);  // "", "lower", "upper"

// Parameter vectors are in the law's parameter order; matrices are row-major, p x p.
struct FitStatistics {
  // Residuals r_i in the objective's space (prediction - y, or log prediction - log y, times the
  // row's residual scale for a weighted objective: curve_fit's (f - y) / sigma) and
  // J = dr/dtheta over the free parameters (those with lower < upper), exact (reverse mode).
  // covariance = pinv(J^T J) * SSR / (n - free) with curve_fit's pseudo-inverse (singular values
  // below eps * max(n, free) * s_max discarded); a parameter at a bound is treated as free, as
  // curve_fit does. Entries of fixed parameters are NaN, and all of them are NaN where the
  // objective is not squared residuals (huber), where n <= free, or where the Jacobian is not
  // finite: `note` then says why.
  std::vector<double> covariance;
  std::vector<double> standard_errors;  // sqrt of the covariance's diagonal
  std::vector<double> correlation;      // covariance_ij / (se_i se_j)
  std::string note;                     // empty when the covariance exists

  double sum_squares = 0.0;  // SSR: the squared residuals summed, in the objective's space
  int points = 0;            // n
  int free_params = 0;       // the parameters with lower < upper
  // Gaussian information criteria as lmfit defines them: n log(SSR / n) + 2 free, and
  // n log(SSR / n) + log(n) free.
  double aic = 0.0;
  double bic = 0.0;

  std::vector<BoundSide> at_bound;  // per parameter: on (within 1e-9 of the bounds' width) a bound
};

// The statistics of `params` fitted to `data` by the law's objective within `bounds`. Throws
// std::invalid_argument when params does not have one value per parameter.
FitStatistics fit_statistics(const CompiledLaw& law, const GroupData& data, const ObjectiveSpec& objective,
                             const ResolvedBounds& bounds, std::span<const double> params);

}  // namespace slfit

namespace slfit {

// The statistics of each problem's fit, on `threads` threads (thread_count): an empty
// FitStatistics (no at_bound entries) for a fit that failed or found no finite value.
std::vector<FitStatistics> fit_statistics(std::span<const Problem> problems, std::span<const FitResult> fits,
                                          int threads = 0);

}  // namespace slfit
