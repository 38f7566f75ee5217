#pragma once
// The points of `--predict "num_params=7e10,parallel_size=8"`: one value per law input, named by
// its CSV column (or by the formula's variable), as one data set of one row per point.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "slfit/dataset.hpp"
#include "slfit/law.hpp"

namespace slfit::cli {

struct PredictPoints {
  std::vector<nlohmann::ordered_json> labels;  // each point as written: {"num_params": 7e10, ...}
  std::vector<std::string> texts;              // each point's --predict text, for the table
  GroupData data;                              // one row per point, inputs in the law's order; for a
                                               // multi-output law, stacked (one point per output)
};

// Throws InputError naming the --predict value, and the name or value at fault.
PredictPoints parse_predict_points(const std::vector<std::string>& specs, const Law& law);

}  // namespace slfit::cli
