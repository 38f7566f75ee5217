#pragma once
// CUDA C++ for a compiled law: the same three stages as the CPU program (law/program.hpp),
// emitted as device code that NVRTC compiles at run time.
//
//   data stage    computed on the host, once per group (device_columns below), and uploaded:
//                 the CompiledLaw's derived columns (data-only values and log(base) columns),
//                 plus the raw base of every x^e computed from a log column, which the device
//                 needs at the points where the base is not positive and finite (pow fallback);
//   param stage   slfit_law::param_stage(p, K): the parameter-only scalars, once per candidate,
//                 and the law's numbers, read from K (GeneratedLaw::constants);
//   point stage   slfit_law::predict(s, cols, n, i): one point's prediction, straight-line code
//                 in the tape's order; slfit_law::term(prediction, observed, scale, cols, n, i):
//                 the sum of its objective terms (scale: the point's residual scale, column
//                 kScaleColumn, when kWeighted); slfit_law::ridge(p): the ridge penalty.
//
// The source is injection-proof by construction: every token comes from the AST's structure.
// Variables, parameters, columns and scalars get generated names (p0, c0, s0, t0); the law's
// numbers are not in it at all (they are uploaded as K), the objective's numbers (coefficients,
// delta, f_scale, ridge) are hex-float literals (exact); no name, formula text or other user string reaches the source.

#include <span>
#include <string>
#include <vector>

#include "law/program.hpp"
#include "law/separable.hpp"
#include "slfit/dataset.hpp"
#include "slfit/law.hpp"

namespace slfit {

// The nodes of the columns that are no node of the law: the residual scale of a weighted
// objective, and the transforms of y (observed_values) that terms compare with when the first
// term's (the launch's observed values) is not theirs.
inline constexpr int kResidualScaleNode = -1;
inline constexpr int kObservedLogNode = -2;
inline constexpr int kObservedNegLogNode = -3;
inline constexpr int kObservedYNode = -4;

// A per-point column the device reads: a derived column (ColumnSpec) of the data stage of
// program `program` (0: the law's own; a separable law's parts, in separable_programs' order), or
// one of the objective's columns (spec.node one of the negative nodes above).
struct DeviceColumn {
  int program = 0;
  ColumnSpec spec;
};

struct GeneratedLaw {
  std::string source;                 // CUDA C++, namespace slfit_law; needs nothing but CUDA's math
  std::vector<DeviceColumn> columns;  // per-point columns the device reads: the law's, then pow
                                      // bases (per part of a separable law), then the residual
                                      // scale (objectives that scale residuals), then transforms of y
  std::vector<double> constants;      // K, the array param_stage(p, K) reads the law's numbers from
  int num_params = 0;                 // the law's
  int searched_params = 0;            // the DE's dimensions: num_params, or a separable law's nonlinear ones
  bool separable = false;             // its energy is the projected objective (kernels/projected_energy.cuh)

  // The numbers of K per problem: `constants`, and a separable law's linear parameters' bounds.
  std::size_t constants_per_problem() const {
    return constants.size() + (separable ? 2 * static_cast<std::size_t>(num_params - searched_params) : 0);
  }
};

// Emits the device code of a compiled law with its objective. The source depends only on the
// law's structure and the objective spec; the law's numbers go to `constants`.
GeneratedLaw generate_cuda_law(const CompiledLaw& law, const ObjectiveSpec& objective);

// Emits the device code of a separable law (law/separable.hpp) under a linear-space mse
// objective: its base and basis functions, each as a law's prediction (part0, part1, ... in
// separable_programs' order), how the full parameter vector is made of the searched and the
// linear ones, and the objective's scale column, coefficient and ridge; kernels/projected_energy.cuh
// turns them into the projected objective. Each problem's K is `constants` followed by its linear
// parameters' lower and then upper bounds (pack_de_chunk adds them).
GeneratedLaw generate_cuda_separable_law(const SeparablePrograms& programs, const ObjectiveSpec& objective);

// The data stage on the host: `columns` of one group, column-major (column c at c * n), with the
// values the CPU programs compute (the same operators in the same order), and the objective's
// per-point columns (residual_scales, observed_values). programs[k] is DeviceColumn::program k.
std::vector<double> device_columns(std::span<const CompiledLaw* const> programs, const ObjectiveSpec& objective,
                                   const std::vector<DeviceColumn>& columns, const GroupData& data);
// The same for a law's own columns (generate_cuda_law).
std::vector<double> device_columns(const CompiledLaw& law, const ObjectiveSpec& objective,
                                   const std::vector<DeviceColumn>& columns, const GroupData& data);

// The launch's observed values: the first term's transform of y (observed_values).
std::vector<double> device_observed(const ObjectiveSpec& objective, const GroupData& data);

// A double as a C++ expression of exactly that value: a hex-float literal, or a bit pattern for
// infinities and NaN.
std::string exact_literal(double value);

}  // namespace slfit
