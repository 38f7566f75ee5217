#include "slfit/intervals.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "law/vector_math.hpp"

namespace slfit {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Acklam's rational approximation of the normal quantile (relative error below 1.2e-9), the
// start for the Halley steps that take it to full double precision.
double acklam_quantile(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01,  -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549671010434303e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  if (p < p_low || p > 1 - p_low) {
    const double q = std::sqrt(-2 * vmath::log(p < p_low ? p : 1 - p));
    const double x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                     ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    return p < p_low ? x : -x;
  }
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

}  // namespace

double normal_cdf(double x) { return 0.5 * vmath::erfc(-x / std::numbers::sqrt2); }

double normal_quantile(double p) {
  if (std::isnan(p) || p < 0 || p > 1) return kNaN;
  if (p == 0) return -std::numeric_limits<double>::infinity();
  if (p == 1) return std::numeric_limits<double>::infinity();
  double x = acklam_quantile(p);
  // Halley's method on normal_cdf(x) = p converges cubically; two steps reach the rounding floor
  // from Acklam's start. The residual is taken in the tail that erfc resolves accurately.
  for (int step = 0; step < 2; ++step) {
    const double e = x < 0 ? normal_cdf(x) - p : (1 - p) - normal_cdf(-x);
    const double u = e * std::sqrt(2 * std::numbers::pi) * vmath::exp(0.5 * x * x);
    x -= u / (1 + 0.5 * x * u);
  }
  return x;
}

double percentile_linear(std::span<const double> sorted, double q) {
  const std::size_t n = sorted.size();
  if (n == 0 || std::isnan(q)) return kNaN;
  const double virtual_index = static_cast<double>(n - 1) * (q / 100);
  if (virtual_index >= static_cast<double>(n - 1)) return sorted[n - 1];
  if (virtual_index < 0) return sorted[0];
  const double previous = std::floor(virtual_index);
  const auto i = static_cast<std::size_t>(previous);
  const double a = sorted[i], b = sorted[i + 1], t = virtual_index - previous;
  // numpy's _lerp: from the nearer end, so that t = 1 gives b exactly.
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

double percentile_of_score(std::span<const double> replicates, double score) {
  std::size_t below = 0, at_or_below = 0;
  for (double v : replicates) {
    below += v < score;
    at_or_below += v <= score;
  }
  return static_cast<double>(below + at_or_below) / static_cast<double>(2 * replicates.size());
}

double jackknife_acceleration(std::span<const double> jackknife) {
  const double n = static_cast<double>(jackknife.size());
  double mean = 0;
  for (double v : jackknife) mean += v;
  mean /= n;
  double sum2 = 0, sum3 = 0;
  for (double v : jackknife) {
    const double u = (n - 1) * (mean - v);
    sum2 += u * u;
    sum3 += u * u * u;
  }
  const double num = sum3 / (n * n * n), den = sum2 / (n * n);
  return num / (6 * vmath::pow(den, 1.5));
}

Interval bootstrap_interval(IntervalMethod method, double level, double estimate, std::span<const double> replicates,
                            std::span<const double> jackknife) {
  if (replicates.empty()) return {kNaN, kNaN};
  std::vector<double> sorted(replicates.begin(), replicates.end());
  std::sort(sorted.begin(), sorted.end());
  const double alpha = (1 - level) / 2;
  double q_low = alpha, q_high = 1 - alpha;
  if (method == IntervalMethod::Bca) {
    const double z0 = normal_quantile(percentile_of_score(replicates, estimate));
    const double a = jackknife_acceleration(jackknife);
    const double z_alpha = normal_quantile(alpha);
    const double num1 = z0 + z_alpha, num2 = z0 - z_alpha;
    q_low = normal_cdf(z0 + num1 / (1 - a * num1));
    q_high = normal_cdf(z0 + num2 / (1 - a * num2));
  }
  const Interval percentile{percentile_linear(sorted, q_low * 100), percentile_linear(sorted, q_high * 100)};
  if (method == IntervalMethod::Basic) return {2 * estimate - percentile.high, 2 * estimate - percentile.low};
  return percentile;
}

}  // namespace slfit
