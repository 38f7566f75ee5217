#include "law/program.hpp"

#include <algorithm>
#include <numbers>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "law/loss_terms.hpp"
#include "law/vector_math.hpp"

namespace slfit {
namespace {

bool is_leaf(Op op) { return op == Op::Const || op == Op::Var || op == Op::Param; }

constexpr bool is_unary(Op op) { return op == Op::Neg || is_function1(op); }

// Calls f.template operator()<op>() for a run-time operator, so that each operator gets its own
// instantiation of the loops below (a switch per point would stop them vectorising).
template <class F>
decltype(auto) visit_operator(Op op, F&& f) {
  switch (op) {
    case Op::Neg: return f.template operator()<Op::Neg>();
    case Op::Add: return f.template operator()<Op::Add>();
    case Op::Sub: return f.template operator()<Op::Sub>();
    case Op::Mul: return f.template operator()<Op::Mul>();
    case Op::Div: return f.template operator()<Op::Div>();
    case Op::Pow: return f.template operator()<Op::Pow>();
#define SLFIT_CASE(op, name, value, adjoint, cuda, array) \
  case Op::op:                                     \
    return f.template operator()<Op::op>();
    SLFIT_LAW_FUNCTIONS(SLFIT_CASE)
#undef SLFIT_CASE
    case Op::Min: return f.template operator()<Op::Min>();
    case Op::Max: return f.template operator()<Op::Max>();
    case Op::Const: case Op::Var: case Op::Param: break;
  }
  throw std::logic_error("slfit: not an operator");
}

// The array form of a one-argument function (slfit/law_functions.hpp), or nullptr (of type
// std::nullptr_t) where its value's own loop serves: told apart by type, as comparing a function's
// address with nullptr is not a constant expression under the sanitizers.
constexpr std::nullptr_t array_form(std::nullptr_t) { return nullptr; }
constexpr vmath::ArrayFunction array_form(vmath::ArrayFunction f) { return f; }
template <Op op>
constexpr auto array_function = nullptr;
#define SLFIT_ARRAY_FUNCTION(o, name, value, adjoint, cuda, array) \
  template <>                                                      \
  constexpr auto array_function<Op::o> = array_form(array);
SLFIT_LAW_FUNCTIONS(SLFIT_ARRAY_FUNCTION)
#undef SLFIT_ARRAY_FUNCTION
template <Op op>
constexpr bool has_array_function = !std::is_null_pointer_v<std::remove_cv_t<decltype(array_function<op>)>>;

// --- Derivatives ------------------------------------------------------------------------------
// adjoint_lhs / adjoint_rhs: the adjoint an operand receives from its node, given the node's
// adjoint g, the operand values a and b and the node's value v (reused where it saves a call).

// d(a^b)/db = a^b log(a), taken as 0 where a^b is 0: then a is 0 (or a^b underflowed), and 0^b
// is constant in b for b > 0, where log(0) = -inf would otherwise give NaN.
inline double pow_exponent_adjoint(double g, double v, double log_base) {
  return g * (v == 0.0 ? 0.0 : v * log_base);
}

// d(a^b)/da = b a^(b-1): from the value where a != 0; a^0 is constant, even at a = 0.
inline double pow_base_derivative(double a, double b, double v) {
  if (b == 0.0) return 0.0;
  return a != 0.0 ? b * v / a : b * vmath::pow(a, b - 1.0);
}

// Whether min/max selects its first operand: the same test as apply<>, so the gradient follows
// the value (ties and NaN in the first operand go to the first).
template <Op op>
inline bool selects_first(double a, double b) {
  if constexpr (op == Op::Min) return a <= b || std::isnan(a);
  else return a >= b || std::isnan(a);
}

template <Op op>
inline double adjoint_lhs(double g, double a, double b, double v) {
  if constexpr (op == Op::Neg) return -g;
  else if constexpr (op == Op::Add || op == Op::Sub) return g;
  else if constexpr (op == Op::Mul) return g * b;
  else if constexpr (op == Op::Div) return g / b;
  else if constexpr (op == Op::Pow) return g * pow_base_derivative(a, b, v);
#define SLFIT_ADJOINT(o, name, value, adjoint, cuda, array) else if constexpr (op == Op::o) return adjoint;
  SLFIT_LAW_FUNCTIONS(SLFIT_ADJOINT)
#undef SLFIT_ADJOINT
  else return selects_first<op>(a, b) ? g : 0.0;  // Min, Max
}

template <Op op>
inline double adjoint_rhs(double g, double a, double b, double v) {
  if constexpr (op == Op::Add) return g;
  else if constexpr (op == Op::Sub) return -g;
  else if constexpr (op == Op::Mul) return g * a;
  else if constexpr (op == Op::Div) return -g * v / b;
  else if constexpr (op == Op::Pow) return pow_exponent_adjoint(g, v, vmath::log(a));
  else return selects_first<op>(a, b) ? 0.0 : g;  // Min, Max
}

// Calls f(i, a_i, b_i) for every point, with one loop per combination of array and broadcast
// scalar operands, so that each loop body is straight-line code over arrays.
template <class View, class F>
inline void for_each_point(const View& a, const View& b, std::size_t n, F&& f) {
  if (a.array && b.array) {
    for (std::size_t i = 0; i < n; ++i) f(i, a.array[i], b.array[i]);
  } else if (a.array) {
    const double bs = b.scalar;
    for (std::size_t i = 0; i < n; ++i) f(i, a.array[i], bs);
  } else if (b.array) {
    const double as = a.scalar;
    for (std::size_t i = 0; i < n; ++i) f(i, as, b.array[i]);
  } else {
    for (std::size_t i = 0; i < n; ++i) f(i, a.scalar, b.scalar);
  }
}

void check_structure(const Law& law) {
  const auto& nodes = law.expr.nodes;
  if (nodes.empty()) throw std::invalid_argument("slfit: law '" + law.name + "' has an empty formula");
  auto fail = [&](std::size_t i, const char* what) {
    throw std::invalid_argument("slfit: law '" + law.name + "': node " + std::to_string(i) + " " + what);
  };
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Node& node = nodes[i];
    const int operands = is_leaf(node.op) ? 0 : (is_unary(node.op) ? 1 : 2);
    auto valid = [&](int operand) { return operand >= 0 && static_cast<std::size_t>(operand) < i; };
    if ((operands >= 1 && !valid(node.lhs)) || (operands == 2 && !valid(node.rhs)))
      fail(i, "has an operand that is not an earlier node");
    if (node.op == Op::Var && (node.index < 0 || node.index >= static_cast<int>(law.num_point_variables())))
      fail(i, "reads an unknown variable");
    if (node.op == Op::Param && (node.index < 0 || node.index >= static_cast<int>(law.params.size())))
      fail(i, "reads an unknown parameter");
  }
}

NodeClass leaf_class(Op op) {
  if (op == Op::Var) return NodeClass::Data;
  if (op == Op::Param) return NodeClass::Param;
  return NodeClass::Constant;
}

NodeClass combine(NodeClass a, NodeClass b) {
  return static_cast<NodeClass>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}

// Nodes the root depends on; others (if the parser left any) are not scheduled.
std::vector<bool> live_nodes(const Expr& expr) {
  std::vector<bool> live(expr.nodes.size(), false);
  live[expr.root()] = true;
  for (int i = expr.root(); i >= 0; --i) {
    if (!live[i]) continue;
    if (expr.nodes[i].lhs >= 0) live[expr.nodes[i].lhs] = true;
    if (expr.nodes[i].rhs >= 0) live[expr.nodes[i].rhs] = true;
  }
  return live;
}

}  // namespace

double apply(Op op, double a, double b) {
  if (is_leaf(op)) return std::nan("");
  return visit_operator(op, [&]<Op o>() { return apply<o>(a, b); });
}

// --- Compilation ------------------------------------------------------------------------------

CompiledLaw::CompiledLaw(const Law& law)
    : expr(law.expr),
      num_variables(static_cast<int>(law.num_point_variables())),
      num_params(static_cast<int>(law.params.size())) {
  check_structure(law);
  const auto& nodes = expr.nodes;
  classes.resize(nodes.size());
  constants.assign(nodes.size(), 0.0);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Node& node = nodes[i];
    if (is_leaf(node.op)) {
      classes[i] = leaf_class(node.op);
      if (node.op == Op::Const) constants[i] = node.value;
      continue;
    }
    const bool unary = is_unary(node.op);
    classes[i] = unary ? classes[node.lhs] : combine(classes[node.lhs], classes[node.rhs]);
    if (classes[i] == NodeClass::Constant)
      constants[i] = apply(node.op, constants[node.lhs], unary ? 0.0 : constants[node.rhs]);
  }

  auto column_of = [&](int node, bool log) {
    for (std::size_t c = 0; c < columns.size(); ++c)
      if (columns[c].node == node && columns[c].log == log) return static_cast<int>(c);
    columns.push_back({node, log});
    return static_cast<int>(columns.size()) - 1;
  };
  std::vector<int> instruction_of(nodes.size(), -1);
  auto operand_of = [&](int node) {
    Operand operand{classes[node], node, node};
    if (operand.cls == NodeClass::Data) operand.slot = column_of(node, false);
    if (operand.cls == NodeClass::Mixed) operand.slot = instruction_of[node];
    return operand;
  };

  const std::vector<bool> live = live_nodes(expr);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!live[i]) continue;
    if (classes[i] == NodeClass::Param) param_program.push_back(static_cast<int>(i));
    if (classes[i] != NodeClass::Mixed) continue;
    const Node& node = nodes[i];
    Instruction ins{node.op, static_cast<int>(i), {}, {}, false};
    ins.exp_log = node.op == Op::Pow && classes[node.lhs] == NodeClass::Data;
    ins.lhs = ins.exp_log ? Operand{NodeClass::Data, node.lhs, column_of(node.lhs, true)}
                          : operand_of(node.lhs);
    if (!is_unary(node.op)) ins.rhs = operand_of(node.rhs);
    instruction_of[i] = static_cast<int>(tape.size());
    tape.push_back(ins);
  }
  result = operand_of(expr.root());
}

// --- Binding to data --------------------------------------------------------------------------

BoundProgram::BoundProgram(const CompiledLaw& law, const GroupData& data, std::size_t batch)
    : law_(law),
      n_(data.size()),
      batch_(std::max<std::size_t>(batch, 1)),
      nodes_(law.expr.nodes.size()),
      scalar_adjoints_(nodes_),
      tape_values_(law.tape.size() * n_ * batch_),
      tape_adjoints_(law.tape.size() * n_),
      adjoint_written_(law.tape.size()),
      prediction_(law.result.cls == NodeClass::Mixed ? 0 : n_ * batch_) {
  for (std::size_t m = 0; m < batch_; ++m) scalars_.insert(scalars_.end(), law.constants.begin(), law.constants.end());
  compute_columns(data);
}

std::vector<std::vector<double>> data_stage_values(const CompiledLaw& law, const GroupData& data) {
  const auto& nodes = law.expr.nodes;
  const std::size_t n = data.size();
  if (data.inputs.size() < static_cast<std::size_t>(law.num_variables))
    throw std::invalid_argument("slfit: group '" + data.name +
                                "' has fewer input columns than the law's variables");
  for (int k = 0; k < law.num_variables; ++k)
    if (data.inputs[k].size() != n)
      throw std::invalid_argument("slfit: group '" + data.name + "': input column " + std::to_string(k) +
                                  " and the target differ in length");
  std::vector<std::vector<double>> data_values(nodes.size());
  auto value_at = [&](int node, std::size_t i) {
    return law.classes[node] == NodeClass::Constant ? law.constants[node] : data_values[node][i];
  };
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    if (law.classes[k] != NodeClass::Data) continue;
    const Node& node = nodes[k];
    auto& values = data_values[k];
    values.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      values[i] = node.op == Op::Var
                      ? data.inputs[node.index][i]
                      : apply(node.op, value_at(node.lhs, i), is_unary(node.op) ? 0.0 : value_at(node.rhs, i));
    }
  }
  return data_values;
}

void BoundProgram::compute_columns(const GroupData& data) {
  // Only the columns are kept.
  const std::vector<std::vector<double>> data_values = data_stage_values(law_, data);
  columns_.resize(law_.columns.size() * n_);
  fallbacks_.resize(law_.columns.size());
  distinct_.resize(law_.columns.size());
  for (std::size_t c = 0; c < law_.columns.size(); ++c) {
    const ColumnSpec& spec = law_.columns[c];
    const std::vector<double>& x = data_values[spec.node];
    double* out = columns_.data() + c * n_;
    if (!spec.log) {
      std::copy(x.begin(), x.end(), out);
      continue;
    }
    // One log per distinct value: the data repeat theirs (grids, resampled rows).
    DistinctValues by_x = distinct_values(x);
    std::vector<double> logs(by_x.values.size());
    vmath::log(by_x.values.data(), logs.data(), logs.size());
    for (std::size_t i = 0; i < n_; ++i) {
      out[i] = logs[by_x.index[i]];
      if (!(x[i] > 0.0 && std::isfinite(x[i]))) fallbacks_[c].push_back({i, x[i]});
    }
    // The log column's own distinct values, from x's: x's entries whose logs have the same bits
    // merge. x's entries are in order of first appearance, so their logs' are too: the same
    // DistinctValues as distinct_values(column), for a pass over the entries instead of the rows.
    DistinctValues by_log = distinct_values(logs);
    for (std::uint32_t& entry : by_x.index) entry = by_log.index[entry];
    by_log.index = std::move(by_x.index);
    keep_if_repeated(c, std::move(by_log));
  }
}

void BoundProgram::keep_if_repeated(std::size_t column, DistinctValues distinct) {
  // The gather costs about as much as a multiply; an exp saved on a quarter of the points pays.
  if (4 * distinct.values.size() > 3 * n_) return;
  distinct_powers_.resize(std::max(distinct_powers_.size(), distinct.values.size() * batch_));
  distinct_[column] = std::move(distinct);
}

// --- Forward ----------------------------------------------------------------------------------

BoundProgram::View BoundProgram::view(const Operand& operand, std::size_t member) const {
  switch (operand.cls) {
    case NodeClass::Data: return {column(operand.slot), 0.0};
    case NodeClass::Mixed: return {tape_values_.data() + (operand.slot * batch_ + member) * n_, 0.0};
    default: return {nullptr, operand.node >= 0 ? scalars_[member * nodes_ + operand.node] : 0.0};
  }
}

std::span<const double> BoundProgram::forward(std::span<const double> params, std::size_t count) {
  const auto p = static_cast<std::size_t>(law_.num_params);
  if (count < 1 || count > batch_ || params.size() != count * p)
    throw std::invalid_argument("slfit: a forward pass of " + std::to_string(count) + " parameter vectors (batch " +
                                std::to_string(batch_) + ") given " + std::to_string(params.size()) + " values");
  for (std::size_t m = 0; m < count; ++m) run_param_stage(params.subspan(m * p, p), m);
  for (std::size_t k = 0; k < law_.tape.size(); ++k)
    run_instruction(law_.tape[k], values(static_cast<int>(k)), count);
  if (law_.result.cls == NodeClass::Mixed) return {values(law_.result.slot), count * n_};
  for (std::size_t m = 0; m < count; ++m) {
    const View result = view(law_.result, m);
    for (std::size_t i = 0; i < n_; ++i) prediction_[m * n_ + i] = result.at(i);
  }
  return {prediction_.data(), count * n_};
}

void BoundProgram::run_param_stage(std::span<const double> params, std::size_t member) {
  const auto& nodes = law_.expr.nodes;
  double* scalars = scalars_.data() + member * nodes_;
  for (const int k : law_.param_program) {
    const Node& node = nodes[k];
    scalars[k] = node.op == Op::Param
                     ? params[node.index]
                     : apply(node.op, scalars[node.lhs], node.rhs >= 0 ? scalars[node.rhs] : 0.0);
  }
}

void BoundProgram::run_instruction(const Instruction& ins, double* out, std::size_t count) {
  if (ins.exp_log) return run_pow_from_log(ins, out, count);
  visit_operator(ins.op, [&]<Op op>() {
    if constexpr (op == Op::Pow) {
      for (std::size_t m = 0; m < count; ++m) run_pow(view(ins.lhs, m), view(ins.rhs, m), out + m * n_);
    } else if constexpr (has_array_function<op>) {
      // A Mixed node's one operand is Mixed: the members' values, one after another.
      array_function<op>(view(ins.lhs).array, out, count * n_);
    } else if (spans_batch(ins.lhs) && spans_batch(ins.rhs)) {
      for_each_point(view(ins.lhs), view(ins.rhs), count * n_,
                     [out](std::size_t i, double x, double y) { out[i] = apply<op>(x, y); });
    } else {
      for (std::size_t m = 0; m < count; ++m) {
        double* member_out = out + m * n_;
        for_each_point(view(ins.lhs, m), view(ins.rhs, m), n_,
                       [member_out](std::size_t i, double x, double y) { member_out[i] = apply<op>(x, y); });
      }
    }
  });
}

void BoundProgram::run_pow(const View& base, const View& exponent, double* out) {
  if (base.array && exponent.array) vmath::pow(base.array, exponent.array, out, n_);
  else if (base.array) vmath::pow(base.array, exponent.scalar, out, n_);
  else vmath::pow(base.scalar, exponent.array, out, n_);
}

// x^e = exp(e * log x): the products of every member first, then one exp over all of them.
void BoundProgram::run_pow_from_log(const Instruction& ins, double* out, std::size_t count) {
  const double* log_base = column(ins.lhs.slot);
  const DistinctValues& distinct = distinct_[ins.lhs.slot];
  if (ins.rhs.cls == NodeClass::Param || ins.rhs.cls == NodeClass::Constant) {
    if (!distinct.values.empty()) {
      const std::size_t d = distinct.values.size();
      double* powers = distinct_powers_.data();
      for (std::size_t m = 0; m < count; ++m) {
        const double e = view(ins.rhs, m).scalar;
        for (std::size_t u = 0; u < d; ++u) powers[m * d + u] = e * distinct.values[u];
      }
      vmath::exp(powers, powers, count * d);
      for (std::size_t m = 0; m < count; ++m)
        for (std::size_t i = 0; i < n_; ++i) out[m * n_ + i] = powers[m * d + distinct.index[i]];
    } else {
      for (std::size_t m = 0; m < count; ++m) {
        const double e = view(ins.rhs, m).scalar;
        for (std::size_t i = 0; i < n_; ++i) out[m * n_ + i] = e * log_base[i];
      }
      vmath::exp(out, out, count * n_);
    }
  } else {
    for (std::size_t m = 0; m < count; ++m) {
      const double* e = view(ins.rhs, m).array;
      for (std::size_t i = 0; i < n_; ++i) out[m * n_ + i] = e[i] * log_base[i];
    }
    vmath::exp(out, out, count * n_);
  }
  for (std::size_t m = 0; m < count; ++m) {
    const View exponent = view(ins.rhs, m);
    for (const PowFallback& f : fallbacks_[ins.lhs.slot])
      out[m * n_ + f.point] = vmath::pow(f.base, exponent.at(f.point));
  }
}

// --- Backward ---------------------------------------------------------------------------------

void BoundProgram::backward(std::span<const double> adjoint, std::span<double> grad) {
  std::fill(adjoint_written_.begin(), adjoint_written_.end(), 0);
  std::fill(scalar_adjoints_.begin(), scalar_adjoints_.end(), 0.0);
  deposit(law_.result, [&](std::size_t i) { return adjoint[i]; });
  for (int k = static_cast<int>(law_.tape.size()) - 1; k >= 0; --k) backward_instruction(k);
  backward_param_stage(grad);
}

// Adds an operand's per-point adjoints where its node keeps them: a Mixed operand's tape array,
// or (summed over the points) a Param operand's scalar. Data and constants need none.
template <class Contribution>
void BoundProgram::deposit(const Operand& operand, Contribution contribution) {
  if (operand.cls == NodeClass::Mixed) {
    double* target = adjoints(operand.slot);
    if (adjoint_written_[operand.slot]) {
      for (std::size_t i = 0; i < n_; ++i) target[i] += contribution(i);
    } else {
      for (std::size_t i = 0; i < n_; ++i) target[i] = 0.0 + contribution(i);
      adjoint_written_[operand.slot] = 1;
    }
  } else if (operand.cls == NodeClass::Param) {
    scalar_adjoints_[operand.node] += loss::sum_over_points(n_, contribution);
  }
}

void BoundProgram::backward_instruction(int k) {
  const Instruction& ins = law_.tape[k];
  if (!adjoint_written_[k]) {  // no later instruction reads it: its adjoint is 0
    std::fill_n(adjoints(k), n_, 0.0);
    adjoint_written_[k] = 1;
  }
  const double* g = adjoints(k);
  const double* v = values(k);
  if (ins.exp_log) {
    const double* log_base = column(ins.lhs.slot);
    deposit(ins.rhs, [&](std::size_t i) { return pow_exponent_adjoint(g[i], v[i], log_base[i]); });
    return;
  }
  const View a = view(ins.lhs);
  const View b = view(ins.rhs);
  visit_operator(ins.op, [&]<Op op>() {
    deposit(ins.lhs, [&](std::size_t i) { return adjoint_lhs<op>(g[i], a.at(i), b.at(i), v[i]); });
    if constexpr (!is_unary(op))
      deposit(ins.rhs, [&](std::size_t i) { return adjoint_rhs<op>(g[i], a.at(i), b.at(i), v[i]); });
  });
}

void BoundProgram::backward_param_stage(std::span<double> grad) {
  std::fill(grad.begin(), grad.end(), 0.0);
  const auto& nodes = law_.expr.nodes;
  for (auto it = law_.param_program.rbegin(); it != law_.param_program.rend(); ++it) {
    const int k = *it;
    const Node& node = nodes[k];
    const double g = scalar_adjoints_[k];
    if (node.op == Op::Param) {
      grad[node.index] += g;
      continue;
    }
    const double a = scalars_[node.lhs];
    const double b = node.rhs >= 0 ? scalars_[node.rhs] : 0.0;
    const double v = scalars_[k];
    visit_operator(node.op, [&]<Op op>() {
      if (law_.classes[node.lhs] == NodeClass::Param) scalar_adjoints_[node.lhs] += adjoint_lhs<op>(g, a, b, v);
      if constexpr (!is_unary(op))
        if (law_.classes[node.rhs] == NodeClass::Param) scalar_adjoints_[node.rhs] += adjoint_rhs<op>(g, a, b, v);
    });
  }
}

}  // namespace slfit
