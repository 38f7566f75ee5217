#pragma once
// The outputs of `slfit bootstrap`: the JSON document (README.md, "slfit bootstrap"), the
// compact table for the terminal, and the --save-replicates CSV.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/predict_points.hpp"
#include "slfit/bootstrap_summary.hpp"

namespace slfit::cli {

struct BootstrapReport {
  const Law* law = nullptr;
  const CompiledLaw* compiled = nullptr;
  const Dataset* data = nullptr;
  const PredictPoints* points = nullptr;
  std::vector<FitResult> full_fits;                // per group
  std::vector<std::vector<TaskFit>> replicates;    // per group, by replicate
  std::vector<GroupSummary> summaries;             // per group
  std::string method;                              // percentile, basic or bca
  double level = 0.95;
  std::uint32_t resamples = 0;
  std::string search;                              // global or local
  std::string stratify;                            // empty: none
  std::string pipeline;                            // the full-data (and global) fits' pipeline
  std::string separable;                           // their --separable
  std::string updating;                            // their --updating
  std::string backend;                             // cpu or cuda: what ran the full-data and global fits
  std::uint64_t seed = 0;
  double seconds = 0.0;
};

std::string bootstrap_json(const BootstrapReport& report);
std::string bootstrap_table(const BootstrapReport& report);
// group,replicate,status,objective,<param>...,prediction_1...: one row per replicate fit.
std::string replicates_csv(const BootstrapReport& report);

}  // namespace slfit::cli
