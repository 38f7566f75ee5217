// The whole of a fit's options checked in one call, for callers that only see slfit/options.hpp
// (the CLI, manifests, the Python package); each stage's checks live with the stage.

#include "optim/differential_evolution.hpp"
#include "optim/lbfgsb.hpp"
#include "slfit/options.hpp"

namespace slfit {

void validate(const FitOptions& options) {
  validate(options.de);
  validate(options.refine);
}

}  // namespace slfit
