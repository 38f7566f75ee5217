#pragma once
// The three forms of fit's report (README.md, "fit"): JSON (everything), CSV (one row per group)
// and a table for people, the default on a terminal.

#include <string>
#include <vector>

#include "slfit/dataset.hpp"
#include "slfit/fit.hpp"
#include "slfit/law.hpp"
#include "slfit/metrics.hpp"
#include "slfit/result.hpp"
#include "slfit/uncertainty.hpp"

namespace slfit::cli {

// What fit reports: per group of `train`, its fit and the statistics at the fitted point.
struct FitReport {
  const Law* law = nullptr;
  const Dataset* train = nullptr;
  std::vector<FitResult> fits;
  std::vector<FitStatistics> statistics;  // empty entries for failed fits
  const SplitScores* test = nullptr;      // with --test
  FitOptions options;
  std::string backend;                    // the backend that ran the fits
  BatchTiming timing;                     // the CUDA backend's time split
  double seconds = 0.0;
};

// The CSV's fixed columns, which no parameter may be named (the parameters' values and
// standard errors come between them: README.md, "fit, CSV").
std::vector<std::string> fit_csv_fixed_columns();

std::string format_fit_json(const FitReport& report);
std::string format_fit_csv(const FitReport& report);
std::string format_fit_table(const FitReport& report);

}  // namespace slfit::cli
