#pragma once
// Bootstrap confidence intervals with the definitions of scipy.stats.bootstrap (scipy 1.10):
// percentile, basic (reverse percentile) and BCa with jackknife acceleration (Efron & Tibshirani,
// "An Introduction to the Bootstrap", 14.3 and 15.4), including numpy's linear percentile and
// scipy's "mean" percentile-of-score. tests/test_bootstrap_intervals.cpp checks every function
// against scipy itself (tests/bootstrap_intervals_reference.py).

#include <span>

namespace slfit {

enum class IntervalMethod { Percentile, Basic, Bca };

struct Interval {
  double low = 0.0;
  double high = 0.0;
};

// The standard normal CDF (scipy.special.ndtr) and its inverse (scipy.special.ndtri);
// ndtri(0) = -inf, ndtri(1) = +inf, NaN outside [0, 1].
double normal_cdf(double x);
double normal_quantile(double p);

// np.percentile(values, q) with the default linear method; q in percent. `sorted` ascending.
double percentile_linear(std::span<const double> sorted, double q);

// The fraction of replicates below `score`, ties counted half ((#< + #<=) / 2B).
double percentile_of_score(std::span<const double> replicates, double score);

// BCa's acceleration from the leave-one-out values: sum U^3 / (6 (sum U^2)^1.5) with
// U_i = (n - 1)(mean - theta_i). NaN when every jackknife value is the same.
double jackknife_acceleration(std::span<const double> jackknife);

// The interval at confidence `level` (0 < level < 1) from the bootstrap replicates of a statistic
// whose full-data value is `estimate`; `jackknife` is read by BCa only. NaN bounds where the
// interval is undefined (no replicates; BCa on a degenerate distribution), as scipy.
Interval bootstrap_interval(IntervalMethod method, double level, double estimate, std::span<const double> replicates,
                            std::span<const double> jackknife);

}  // namespace slfit
