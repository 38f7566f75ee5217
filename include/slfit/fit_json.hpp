#pragma once
// The JSON form of one fit, shared by every command that reports fits (README.md, "Output").

#include <nlohmann/json.hpp>

#include "slfit/dataset.hpp"
#include "slfit/law.hpp"
#include "slfit/objective.hpp"
#include "slfit/result.hpp"
#include "slfit/uncertainty.hpp"

namespace slfit {

// {"group", "n", "params", "objective", "r2_train", "status", "de", "lbfgsb", "newton", "seconds"}:
// the fit's values as the engine computed them, mapped to JSON and nothing recomputed. r2_train
// is null where it is not finite (constant targets). With `statistics`, "at_bound" and
// "uncertainty" (statistics_to_json) follow "params".
nlohmann::ordered_json fit_to_json(const Law& law, const GroupData& group, const FitResult& fit,
                                   const FitStatistics* statistics = nullptr);

// {"standard_errors": {name: se}, "correlation": [[...]] (law's parameter order), "aic", "bic",
// "sum_squares", "dof" (points - free parameters), "note" (only where the covariance is missing
// or a pseudo-inverse)}: NaN entries (fixed parameters, no covariance) are null.
nlohmann::ordered_json statistics_to_json(const Law& law, const FitStatistics& statistics);

}  // namespace slfit
