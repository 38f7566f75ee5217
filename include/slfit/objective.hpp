#pragma once
// A law compiled once into an evaluation program, and that program bound to one group's data:
// the objective and its exact gradient (reverse mode over the AST, no finite differences).

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "slfit/dataset.hpp"
#include "slfit/law.hpp"

namespace slfit {

class CompiledLaw;  // the law's evaluation program (host/law/program.hpp)

// Compiles the law's AST. Compile once per law; share the result across groups and threads.
std::shared_ptr<const CompiledLaw> compile_law(const Law& law);

// Predictions of a compiled law for every row of `data` (rows read for the law's variables).
// Non-finite predictions are returned as they are.
std::vector<double> predict(const CompiledLaw& law, const GroupData& data,
                            std::span<const double> params);

// Throws InputError naming the data file, line, group and term when a term of the law that
// depends on the data alone (log(N), sqrt(D - 1), ...) is NaN at some row of `group` in a place
// where NaN must reach the prediction: no parameter values can then give that row a finite
// prediction, so no fit of the group can succeed. Cheap; run before fitting.
void require_defined_data_terms(const Law& law, const CompiledLaw& compiled, const Dataset& data,
                                const GroupData& group);

// What a term in `space` compares each prediction with: y (linear, relative), log(y) (log),
// log(-y) (neglog). Computed once per group, on the host, for both backends.
std::vector<double> observed_values(ResidualSpace space, std::span<const double> target);

// What each point's residual is multiplied by: its row's weight (or 1 / sigma) where the
// objective is weighted, times 1 / the standard deviation (numpy's std) of its output's targets
// in `data` where it normalizes outputs; all ones when neither.
std::vector<double> residual_scales(const ObjectiveSpec& objective, const GroupData& data);

// The objective's ridge penalty at `params`: ridge * the sum of the squares of ridge_params.
double ridge_penalty(const ObjectiveSpec& objective, std::span<const double> params);

// The objective of one law on one group. Holds scratch space: use one instance per thread.
class Objective {
 public:
  Objective(std::shared_ptr<const CompiledLaw> law, const GroupData& data, const ObjectiveSpec& spec);
  ~Objective();
  Objective(Objective&&) noexcept;
  Objective& operator=(Objective&&) noexcept;

  int num_params() const;
  std::size_t num_points() const;

  // The objective; +inf when any prediction (or, in log space, any log) is not finite.
  double value(std::span<const double> params);
  // The objective at values.size() parameter vectors stored one after another in `params`: the
  // batch form a DE generation calls.
  void values(std::span<const double> params, std::span<double> values);
  // The same value, and its gradient into `grad` (left unspecified when the value is +inf).
  double value_and_gradient(std::span<const double> params, std::span<double> grad);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slfit
