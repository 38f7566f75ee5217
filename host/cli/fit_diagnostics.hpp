#pragma once
// Checks that turn fits without meaning into errors: data whose targets are constant (r2 and the
// test metrics divide by the targets' spread, so no score exists), and fits that never saw a
// finite objective.

#include <string>
#include <vector>

#include "slfit/dataset.hpp"
#include "slfit/law.hpp"
#include "slfit/result.hpp"

namespace slfit::cli {

// Throws InputError naming the law file and the data file, group and lines when a fit has status
// no_finite_value: every candidate gave a non-finite objective (a division by zero or a log of a
// non-positive number on every row, an overflow everywhere in the bounds), so its parameters
// mean nothing.
void reject_fits_without_finite_value(const Law& law, const Dataset& train, const std::vector<FitResult>& fits);

// What reject_fits_without_finite_value says of group `group` of `train`.
std::string no_finite_value_message(const Law& law, const Dataset& train, std::size_t group);

// Throws InputError naming the file, group and lines when a training group's target is constant
// (r2_train would be 0/0), or when the test split's targets are all equal (r2, nmse and nmae
// would be 0/0). Called before fitting, so such input costs no work and writes no output.
void reject_constant_targets(const Dataset& train, const Dataset* test);

}  // namespace slfit::cli
