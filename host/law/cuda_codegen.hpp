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

#include <string>
#include <vector>

#include "law/program.hpp"
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

struct GeneratedLaw {
  std::string source;               // CUDA C++, namespace slfit_law; needs nothing but CUDA's math
  std::vector<ColumnSpec> columns;  // per-point columns the device reads: the law's, then pow bases,
                                    // then (weighted objectives) the residual scale
  std::vector<double> constants;    // K, the array param_stage(p, K) reads the law's numbers from
  int num_params = 0;
};

// Emits the device code of a compiled law with its objective. The source depends only on the
// law's structure and the objective spec; the law's numbers go to `constants`.
GeneratedLaw generate_cuda_law(const CompiledLaw& law, const ObjectiveSpec& objective);

// The data stage on the host: `columns` of one group, column-major (column c at c * n), with the
// values the CPU program computes (the same operators in the same order), and the objective's
// per-point columns (residual_scales, observed_values).
std::vector<double> device_columns(const CompiledLaw& law, const ObjectiveSpec& objective,
                                   const std::vector<ColumnSpec>& columns, const GroupData& data);

// The launch's observed values: the first term's transform of y (observed_values).
std::vector<double> device_observed(const ObjectiveSpec& objective, const GroupData& data);

// A double as a C++ expression of exactly that value: a hex-float literal, or a bit pattern for
// infinities and NaN.
std::string exact_literal(double value);

}  // namespace slfit
