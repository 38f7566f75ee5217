#pragma once
// The JSON form of one fit, shared by every command that reports fits (README.md, "Output").

#include <nlohmann/json.hpp>

#include "slfit/dataset.hpp"
#include "slfit/law.hpp"
#include "slfit/objective.hpp"
#include "slfit/result.hpp"

namespace slfit {

// {"group", "n", "params", "objective", "r2_train", "status", "de", "lbfgsb", "newton", "seconds"}:
// the fit's values as the engine computed them, mapped to JSON and nothing recomputed. r2_train
// is null where it is not finite (constant targets).
nlohmann::ordered_json fit_to_json(const Law& law, const GroupData& group, const FitResult& fit);

}  // namespace slfit
