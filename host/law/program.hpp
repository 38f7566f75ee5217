#pragma once
// The evaluation program of a law: its AST compiled once into three stages, so that the work
// done per objective evaluation is only the work that depends on the parameters.
//
//   data stage    nodes that depend on data only (Var, Const) are computed once per bound group
//                 into derived columns: the values the tape reads, and log(x) for every x^e
//                 whose base x is data-only and exponent e is not;
//   param stage   nodes that depend on parameters only (Param, Const) are computed once per
//                 evaluation as scalars, in topological order;
//   tape          nodes that depend on both run once per evaluation over all points, one
//                 instruction at a time, each a simple loop over arrays whose operands are
//                 per-point arrays or broadcast scalars (so the loops auto-vectorise).
//
// Constant subtrees are folded at compile time. The gradient runs the tape backwards (exact
// reverse mode): every instruction's per-point values are kept from the forward pass, adjoints
// flow from the prediction to the operands, and a parameter-only operand receives the sum of its
// per-point adjoints before the param stage is run backwards to the Param leaves.
//
// x^e with a data-only base is computed as exp(e * log x) from the precomputed log column: one
// exp per point instead of a pow (and, for a scalar e, one per distinct x where the data repeat
// values, as grids like P in {1, 2, 4} do). Where x is not positive and finite (decided per point
// from the data) the tape falls back to pow(x, e), so pow's semantics are kept. The derivative
// rules of every operator are in program.cpp (adjoint_lhs, adjoint_rhs).
//
// The tape's exp, log, pow, ... run over whole arrays in the vector math's SIMD functions
// (law/vector_math.hpp), whose results do not depend on the instruction set.
//
// The CUDA code generator emits the same three stages from this structure.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "slfit/dataset.hpp"
#include "slfit/expr.hpp"
#include "slfit/law.hpp"
#include "law/distinct_values.hpp"
#include "law/vector_math.hpp"

namespace slfit {

// What a node's value depends on, which decides the stage that computes it. The values are bit
// sets (1: data, 2: parameters), so an operator's class is the bitwise or of its operands'.
enum class NodeClass : std::uint8_t {
  Constant = 0,  // nothing: folded at compile time
  Data = 1,      // data only: a derived column, computed once per bound group
  Param = 2,     // parameters only: a scalar, once per evaluation
  Mixed = 3,     // both: a tape instruction, per point
};

// An operand of a tape instruction, located by its node's class: Constant and Param operands are
// scalars in a per-node vector (the folded constants, then the param stage's values), Data
// operands are derived columns, Mixed operands are the values of an earlier instruction.
struct Operand {
  NodeClass cls = NodeClass::Constant;
  int node = -1;   // AST node
  int slot = -1;   // Data: column index; Mixed: instruction index; scalars: node index
};

// A derived column: the per-point values of a data-only node, or their natural log.
struct ColumnSpec {
  int node = -1;
  bool log = false;
};

// One mixed node, run over all points; its values are the tape's array number (its position in
// CompiledLaw::tape).
struct Instruction {
  Op op = Op::Const;
  int node = -1;
  Operand lhs;
  Operand rhs;            // cls Constant and node -1 for unary ops
  // A Pow whose base is data-only: lhs.slot is the column of log(base), and the values are
  // exp(rhs * log(base)), with std::pow at the points where the base is not positive and finite.
  bool exp_log = false;
};

// The scalar semantics of every operator, shared by all stages (and by the CUDA generator's
// reference): IEEE arithmetic, and the vector math's functions (law/vector_math.hpp), which
// give one value the bits the tape's arrays give it. min and max propagate NaN (as
// numpy's minimum and maximum, which the seed program used) and pick the first operand on ties.
template <Op op>
inline double apply(double a, double b) {
  if constexpr (op == Op::Neg) return -a;
  else if constexpr (op == Op::Add) return a + b;
  else if constexpr (op == Op::Sub) return a - b;
  else if constexpr (op == Op::Mul) return a * b;
  else if constexpr (op == Op::Div) return a / b;
  else if constexpr (op == Op::Pow) return vmath::pow(a, b);
#define SLFIT_VALUE(o, name, value, adjoint, cuda, array) else if constexpr (op == Op::o) return value;
  SLFIT_LAW_FUNCTIONS(SLFIT_VALUE)
#undef SLFIT_VALUE
  else if constexpr (op == Op::Min) return (a <= b || std::isnan(a)) ? a : b;
  else if constexpr (op == Op::Max) return (a >= b || std::isnan(a)) ? a : b;
  else static_assert(op != op, "leaves have no scalar operation");
}

// The same, dispatched at run time (Const, Var and Param are not operations: NaN).
double apply(Op op, double a, double b);

class CompiledLaw {
 public:
  explicit CompiledLaw(const Law& law);

  Expr expr;                          // the law's AST, unchanged
  int num_variables = 0;              // GroupData::inputs needed, in the law's variable order
  int num_params = 0;
  std::vector<NodeClass> classes;     // per AST node
  std::vector<double> constants;      // per AST node: folded value of Constant nodes, else 0
  std::vector<int> param_program;     // Param-class nodes the prediction needs, topological
  std::vector<ColumnSpec> columns;    // derived columns the tape (or the result) reads
  std::vector<Instruction> tape;      // Mixed nodes the prediction needs, topological
  Operand result;                     // the prediction (the root)
};

// The data stage: the value of every data-only node on each of the group's rows (empty for other
// nodes), in node order. BoundProgram's columns and the CUDA backend's uploaded columns
// (law/cuda_codegen.hpp) both come from it. Runs once per group, so it favours simplicity.
// Throws std::invalid_argument when the group lacks the law's input columns.
std::vector<std::vector<double>> data_stage_values(const CompiledLaw& law, const GroupData& data);

// The batch for a program over `points` points that evaluates a population (Objective::values,
// ProjectedObjective::values): about 256 points per forward pass (at least one parameter vector,
// at most 64), enough to pay the dispatch once for many points and fill the exp's vectors, little
// enough to stay in the L1 cache.
inline std::size_t batch_for_points(std::size_t points) {
  constexpr std::size_t kBatchPoints = 256, kMaxBatch = 64;
  const std::size_t members = (kBatchPoints + points - 1) / (points > 0 ? points : 1);
  return members < 1 ? 1 : members > kMaxBatch ? kMaxBatch : members;
}

// A CompiledLaw bound to one group's rows: the derived columns, and scratch space for the
// forward and backward passes (allocated here, never during an evaluation). One thread at a time.
//
// The forward pass takes up to `batch` parameter vectors at once (a DE generation's members):
// each tape instruction then runs over all of their points, so that its dispatch is paid once
// per batch and its exp, log, ... fill whole vectors. Each member's values are exactly those
// of its own forward pass.
class BoundProgram {
 public:
  BoundProgram(const CompiledLaw& law, const GroupData& data, std::size_t batch = 1);

  std::size_t size() const { return n_; }
  std::size_t batch() const { return batch_; }

  // Runs the param stage and the tape for `count` (1 to batch()) parameter vectors, one after
  // another in `params` (law.num_params entries each); returns their predictions, size() per
  // vector in the same order, valid until the next call.
  std::span<const double> forward(std::span<const double> params, std::size_t count);
  std::span<const double> forward(std::span<const double> params) { return forward(params, 1); }

  // After forward() of one parameter vector: writes into `grad` the gradient of
  // sum_i adjoint[i] * prediction[i] with respect to the parameters. `adjoint` has size()
  // entries, `grad` law.num_params.
  void backward(std::span<const double> adjoint, std::span<double> grad);

 private:
  // A tape operand's values at run time: a per-point array, or a broadcast scalar.
  struct View {
    const double* array = nullptr;
    double scalar = 0.0;
    double at(std::size_t i) const { return array ? array[i] : scalar; }
  };
  // A point where a data-only base is not positive and finite, so x^e must use std::pow.
  struct PowFallback {
    std::size_t point;
    double base;
  };
  // An operand's values for the batch's member `member` (the backward pass: member 0).
  View view(const Operand& operand, std::size_t member = 0) const;
  // Whether an operand's values are the same kind of thing for every member and lie one member
  // after another (tape values and constants), so that one loop can run over the whole batch.
  static bool spans_batch(const Operand& operand) {
    return operand.cls == NodeClass::Mixed || operand.cls == NodeClass::Constant;
  }
  double* values(int instruction) { return tape_values_.data() + instruction * n_ * batch_; }
  double* adjoints(int instruction) { return tape_adjoints_.data() + instruction * n_; }
  const double* column(int index) const { return columns_.data() + index * n_; }

  // The columns of the data stage (logs where the column is one), their pow fallbacks, and the
  // distinct values of each log column that keep_if_repeated keeps.
  void compute_columns(const GroupData& data);
  void keep_if_repeated(std::size_t column, DistinctValues distinct);
  void run_param_stage(std::span<const double> params, std::size_t member);
  void run_instruction(const Instruction& ins, double* out, std::size_t count);
  void run_pow_from_log(const Instruction& ins, double* out, std::size_t count);
  void run_pow(const View& base, const View& exponent, double* out);
  void backward_instruction(int k);
  void backward_param_stage(std::span<double> grad);
  template <class Contribution>
  void deposit(const Operand& operand, Contribution contribution);

  const CompiledLaw& law_;
  std::size_t n_ = 0;
  std::size_t batch_ = 1;
  std::size_t nodes_ = 0;
  std::vector<double> columns_;                     // column-major, one block of n_ per column
  std::vector<std::vector<PowFallback>> fallbacks_; // per column (only log columns have any)
  // Per log column where the data repeat its values enough (keep_if_repeated): x^e with a
  // scalar e then costs one exp per distinct x. Empty otherwise.
  std::vector<DistinctValues> distinct_;
  std::vector<double> distinct_powers_;             // scratch: x^e per distinct x and member
  std::vector<double> scalars_;                     // per member, per AST node
  std::vector<double> scalar_adjoints_;             // per AST node
  std::vector<double> tape_values_;                 // per instruction, n_ per member
  std::vector<double> tape_adjoints_;               // one block of n_ per instruction
  // Per instruction: whether backward() has written its block yet. A block's first deposit
  // writes 0 + its contribution instead of adding to a zeroed block: the same bits, without
  // clearing every block on every call (that clearing was a tenth of a refit's instructions).
  std::vector<unsigned char> adjoint_written_;
  std::vector<double> prediction_;                  // used when the result is not on the tape
};

}  // namespace slfit
