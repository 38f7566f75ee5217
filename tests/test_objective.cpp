// The evaluator (host/law/program.*, host/law/objective.cpp) against a naive recursive
// evaluation, and its exact gradient against central finite differences.

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "law/loss_terms.hpp"
#include "law/program.hpp"
#include "slfit/law_io.hpp"
#include "slfit/objective.hpp"

namespace slfit {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// --- Building formulas by hand, independently of the parser ---------------------------------

class Builder;

// A node of the formula under construction; operators append nodes in topological order.
struct H {
  Builder* builder;
  int node;
};

class Builder {
 public:
  H constant(double value) { return push({Op::Const, value, -1, -1, -1, 0}); }
  H var(int index) { return push({Op::Var, 0.0, index, -1, -1, 0}); }
  H param(int index) { return push({Op::Param, 0.0, index, -1, -1, 0}); }
  H unary(Op op, H a) { return push({op, 0.0, -1, a.node, -1, 0}); }
  H binary(Op op, H a, H b) { return push({op, 0.0, -1, a.node, b.node, 0}); }
  Expr expr;

 private:
  H push(const Node& node) {
    expr.nodes.push_back(node);
    return {this, static_cast<int>(expr.nodes.size()) - 1};
  }
};

H lift(H like, double value) { return like.builder->constant(value); }
H operator+(H a, H b) { return a.builder->binary(Op::Add, a, b); }
H operator-(H a, H b) { return a.builder->binary(Op::Sub, a, b); }
H operator*(H a, H b) { return a.builder->binary(Op::Mul, a, b); }
H operator/(H a, H b) { return a.builder->binary(Op::Div, a, b); }
H operator-(H a) { return a.builder->unary(Op::Neg, a); }
H operator+(H a, double b) { return a + lift(a, b); }
H operator*(double a, H b) { return lift(b, a) * b; }
H pow(H a, H b) { return a.builder->binary(Op::Pow, a, b); }
H pow(H a, double b) { return pow(a, lift(a, b)); }
H min(H a, H b) { return a.builder->binary(Op::Min, a, b); }
H max(H a, H b) { return a.builder->binary(Op::Max, a, b); }
H max(H a, double b) { return max(a, lift(a, b)); }
H fn(Op op, H a) { return a.builder->unary(op, a); }

// A formula over variables x, z and parameters a, b, c, written with the helpers above.
struct TestFormula {
  std::string name;
  std::function<H(H x, H z, H a, H b, H c)> build;
};

Law make_law(const std::string& name, Expr expr, int num_variables, int num_params) {
  Law law;
  law.name = name;
  law.expr = std::move(expr);
  for (int k = 0; k < num_variables; ++k) law.variables.push_back("v" + std::to_string(k));
  law.columns = law.variables;
  for (int j = 0; j < num_params; ++j) law.params.push_back({"p" + std::to_string(j), {}, {}, {}});
  return law;
}

Law make_law(const TestFormula& formula) {
  Builder b;
  // Leaves first, each used wherever the formula names it (so nodes are shared, as in a DAG).
  const H x = b.var(0), z = b.var(1), pa = b.param(0), pb = b.param(1), pc = b.param(2);
  formula.build(x, z, pa, pb, pc);
  return make_law(formula.name, std::move(b.expr), 2, 3);
}

// --- The naive reference ----------------------------------------------------------------------
// Recursive evaluation straight from the AST, in double (to compare values) or long double (for
// the finite differences that check the gradient).

template <class T>
T naive(const Expr& expr, int k, const std::vector<T>& vars, const std::vector<T>& params) {
  const Node& n = expr.nodes[k];
  auto l = [&] { return naive(expr, n.lhs, vars, params); };
  auto r = [&] { return naive(expr, n.rhs, vars, params); };
  const T nan = std::numeric_limits<T>::quiet_NaN();
  switch (n.op) {
    case Op::Const: return n.value;
    case Op::Var: return vars[n.index];
    case Op::Param: return params[n.index];
    case Op::Neg: return -l();
    case Op::Add: return l() + r();
    case Op::Sub: return l() - r();
    case Op::Mul: return l() * r();
    case Op::Div: return l() / r();
    case Op::Pow: return std::pow(l(), r());
    case Op::Exp: return std::exp(l());
    case Op::Log: return std::log(l());
    case Op::Log2: return std::log2(l());
    case Op::Log10: return std::log10(l());
    case Op::Log1p: return std::log1p(l());
    case Op::Sqrt: return std::sqrt(l());
    case Op::Abs: return std::abs(l());
    case Op::Tanh: return std::tanh(l());
    case Op::Sinh: return std::sinh(l());
    case Op::Min: {
      const T a = l(), b = r();
      return std::isnan(a) || std::isnan(b) ? nan : (b < a ? b : a);
    }
    case Op::Max: {
      const T a = l(), b = r();
      return std::isnan(a) || std::isnan(b) ? nan : (b > a ? b : a);
    }
  }
  return nan;
}

template <class T>
std::vector<T> naive_predictions(const Law& law, const GroupData& data, const std::vector<T>& params) {
  std::vector<T> out(data.size());
  std::vector<T> vars(data.inputs.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    for (std::size_t k = 0; k < vars.size(); ++k) vars[k] = data.inputs[k][i];
    out[i] = naive(law.expr, law.expr.root(), vars, params);
  }
  return out;
}

// Each objective from its definition (README, "Objective"), written apart from loss_terms.hpp.
template <class T>
T naive_residual(ResidualSpace space, T p, double y) {
  switch (space) {
    case ResidualSpace::Linear: return p - y;
    case ResidualSpace::Log: return std::log(p) - std::log(T(y));
    case ResidualSpace::NegLog: return std::log(-p) - std::log(T(-y));
    case ResidualSpace::Relative: return (p - y) / y;
  }
  return T(NAN);
}

template <class T>
T naive_loss(const ObjectiveTerm& term, T r) {
  const T c = term.scale, z = (r / c) * (r / c);
  switch (term.loss) {
    case Loss::Mse: return r * r;
    case Loss::Mae: return std::abs(r);
    case Loss::Huber: return std::abs(r) <= c ? r * r / 2 : c * (std::abs(r) - c / 2);
    case Loss::SoftL1: return c * c * 2 * (std::sqrt(1 + z) - 1);
    case Loss::Cauchy: return c * c * std::log(1 + z);
    case Loss::Arctan: return c * c * std::atan(z);
  }
  return T(NAN);
}

template <class T>
T naive_objective(const std::vector<T>& pred, const std::vector<double>& y, const ObjectiveSpec& spec,
                  const std::vector<T>& params) {
  T value = 0.0;
  for (const ObjectiveTerm& term : spec.terms) {
    T sum = 0.0;
    for (std::size_t i = 0; i < pred.size(); ++i) sum += naive_loss(term, naive_residual(term.space, pred[i], y[i]));
    value += term.coefficient * (spec.reduce == Reduction::Mean ? sum / static_cast<T>(pred.size()) : sum);
  }
  for (const int k : spec.ridge_params) value += spec.ridge * params[static_cast<std::size_t>(k)] * params[static_cast<std::size_t>(k)];
  return std::isfinite(value) ? value : std::numeric_limits<T>::infinity();
}

// --- Data and random numbers ------------------------------------------------------------------

class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  double uniform(double lo, double hi) { return lo + (hi - lo) * static_cast<double>(next() >> 11) * 0x1p-53; }
  double log_uniform(double lo, double hi) { return std::exp(uniform(std::log(lo), std::log(hi))); }

 private:
  std::uint64_t next() {  // splitmix64: portable, so the test data is the same everywhere
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t state_;
};

// x in [0.5, 3] (all distinct), z on a grid in [1, 5] (repeated, as P is in ParScale data).
GroupData small_data(Random& rng, std::size_t n) {
  const double grid[] = {1.0, 2.0, 3.5, 5.0};
  GroupData data;
  data.name = "small";
  data.inputs.assign(2, std::vector<double>(n));
  for (std::size_t i = 0; i < n; ++i) {
    data.inputs[0][i] = rng.uniform(0.5, 3.0);
    data.inputs[1][i] = grid[i % 4];
    data.target.push_back(rng.uniform(0.5, 4.0));
  }
  return data;
}

// Every loss in the linear, log and relative spaces (neglog has its own test, on negative data),
// each reduced both ways; then sums of terms across spaces, with and without a ridge. `scale` is
// every term's delta or f_scale.
ObjectiveSpec spec_of(std::vector<ObjectiveTerm> terms, Reduction reduce, double ridge = 0.0,
                      std::vector<int> ridge_params = {}) {
  ObjectiveSpec spec;
  spec.terms = std::move(terms);
  spec.reduce = reduce;
  spec.ridge = ridge;
  spec.ridge_params = std::move(ridge_params);
  return spec;
}

std::vector<ObjectiveSpec> all_specs(double scale) {
  std::vector<ObjectiveSpec> specs;
  for (const auto loss : {Loss::Mse, Loss::Mae, Loss::Huber, Loss::SoftL1, Loss::Cauchy, Loss::Arctan})
    for (const auto space : {ResidualSpace::Linear, ResidualSpace::Log, ResidualSpace::Relative})
      for (const auto reduce : {Reduction::Mean, Reduction::Sum})
        specs.push_back(spec_of({{loss, space, scale, 1.0}}, reduce));
  for (const auto reduce : {Reduction::Mean, Reduction::Sum}) {
    specs.push_back(spec_of({{Loss::Mse, ResidualSpace::Linear, 1.0, 1.0}, {Loss::Mae, ResidualSpace::Linear, 1.0, 0.1}}, reduce));
    specs.push_back(spec_of({{Loss::Mse, ResidualSpace::Linear, 1.0, 1.0}, {Loss::Mse, ResidualSpace::Log, 1.0, 0.5}},
                            reduce, 1e-3, {0, 2}));
    specs.push_back(spec_of({{Loss::SoftL1, ResidualSpace::Relative, scale, 2.0}, {Loss::Huber, ResidualSpace::Log, scale, 0.25}},
                            reduce, 0.5, {1}));
  }
  return specs;
}

std::string describe(const ObjectiveSpec& spec) {
  std::string text;
  for (const ObjectiveTerm& term : spec.terms)
    text += std::to_string(term.coefficient) + " " + loss_name(term.loss) + "/" + residual_space_name(term.space) + " + ";
  return text + (spec.reduce == Reduction::Mean ? "mean" : "sum") + " + ridge " + std::to_string(spec.ridge);
}

// Formulas covering every operator and function, every stage (data-only, param-only and mixed
// subexpressions, folded constants) and every form of pow. Parameters are drawn in [0.3, 1.2]
// and data as in small_data, where all of them are finite.
std::vector<TestFormula> test_formulas() {
  return {
      {"linear", [](H x, H, H a, H b, H) { return a * x + b; }},
      {"sub_div", [](H x, H z, H a, H b, H) { return a - x / b + z / (a * x); }},
      {"neg", [](H x, H z, H a, H, H c) { return -(a * x) + z * c; }},
      {"data_base_param_exponent", [](H x, H, H a, H, H) { return pow(x, a); }},
      {"data_base_mixed_exponent", [](H x, H z, H a, H, H) { return pow(x, a * z); }},
      {"repeated_data_base", [](H x, H z, H a, H b, H) { return pow(z, -a) * x + pow(z, b); }},
      {"compound_data_base", [](H x, H z, H a, H b, H) { return pow(max(x * z, 1e-10) + 1.0, -a) * b; }},
      {"mixed_base_param_exponent", [](H x, H, H a, H b, H) { return pow(x + a, b); }},
      {"mixed_base_data_exponent", [](H x, H z, H a, H, H) { return pow(a * x, z); }},
      {"mixed_base_mixed_exponent", [](H x, H, H a, H b, H) { return pow(x + b, a * x); }},
      {"param_base_data_exponent", [](H x, H, H a, H, H) { return pow(a + 1.0, x); }},
      {"exp_log", [](H x, H, H a, H b, H) { return fn(Op::Exp, a * x) + fn(Op::Log, x + b); }},
      {"log2_log10_log1p",
       [](H x, H z, H a, H b, H c) {
         return fn(Op::Log2, a * x) * c + fn(Op::Log10, x * z + b) + fn(Op::Log1p, a * z);
       }},
      {"sqrt_abs_tanh",
       [](H x, H z, H a, H b, H c) {
         return fn(Op::Sqrt, x + a) + fn(Op::Abs, x - 2.0 * b) * c + fn(Op::Tanh, a * z - b);
       }},
      // sinh was added to the language as one row of slfit/law_functions.hpp and nothing else.
      {"sinh", [](H x, H z, H a, H b, H c) { return fn(Op::Sinh, a * x - b) * c + fn(Op::Sinh, z); }},
      {"min_max", [](H x, H z, H a, H b, H c) { return min(a * x, z) + max(b * z, c * x) * min(x, a + b); }},
      {"data_only_subexpressions",
       [](H x, H z, H a, H b, H) { return fn(Op::Log, x) * a + fn(Op::Sqrt, z * x) * b + fn(Op::Tanh, z - x); }},
      {"param_only_subexpressions",
       [](H x, H z, H a, H b, H c) {
         return fn(Op::Exp, -b) * x + pow(b * c, a) * z + (a + b) / c - fn(Op::Log, a) * fn(Op::Sqrt, c) +
                fn(Op::Abs, b - c) * fn(Op::Tanh, a) + min(a, b) * max(b, c) + fn(Op::Log2, c) * fn(Op::Log10, a) +
                fn(Op::Log1p, c) * x;
       }},
      {"folded_constants",
       [](H x, H, H a, H, H) { return (lift(x, 2.0) + lift(x, 3.0)) * x * a + pow(lift(x, 2.0), 0.5); }},
      {"shared_nodes",
       [](H x, H, H a, H b, H) {
         const H t = a * x + b;
         return t * t + t / (t + 1.0);
       }},
      {"right_associative_pow", [](H x, H, H a, H b, H) { return pow(x, pow(a, b)); }},
      {"param_only_result", [](H, H, H a, H b, H c) { return a * b + c; }},
      {"data_only_result", [](H x, H z, H, H, H) { return x * z + 1.0; }},
  };
}

std::vector<double> random_params(Random& rng) {
  return {rng.uniform(0.3, 1.2), rng.uniform(0.3, 1.2), rng.uniform(0.3, 1.2)};
}

// |got - want| relative to want; 0 when both are the same non-finite value.
double relative_error(double got, double want) {
  if (!std::isfinite(want) || !std::isfinite(got))
    return (std::isnan(got) && std::isnan(want)) || got == want ? 0.0 : kInf;
  return want == 0.0 ? std::abs(got) : std::abs(got - want) / std::abs(want);
}

// --- Finite differences -----------------------------------------------------------------------

struct GradientCheck {
  double worst = 0.0;  // the largest error over the components checked, in units of its tolerance
  std::string where;
};

// Compares the exact gradient, component by component, with fourth-order central differences
// of the naive objective in long double. A component passes within 1e-6 relative to the larger
// of the two derivatives, plus the differences' own rounding noise (100 long-double epsilons of
// the objective per step): a component whose step changes the objective by less than that
// cannot be resolved by any difference quotient.
void check_gradient(Objective& objective, const Law& law, const GroupData& data, const ObjectiveSpec& spec,
                    const std::vector<double>& params, GradientCheck& check, const std::string& label) {
  std::vector<double> grad(params.size());
  const double f = objective.value_and_gradient(params, grad);
  ASSERT_TRUE(std::isfinite(f)) << label;
  EXPECT_EQ(f, objective.value(params)) << label;
  using Long = long double;
  auto objective_at = [&](std::size_t j, Long offset) {
    std::vector<Long> p(params.begin(), params.end());
    p[j] += offset;
    return naive_objective(naive_predictions(law, data, p), data.target, spec, p);
  };
  for (std::size_t j = 0; j < params.size(); ++j) {
    // Relative to the parameter, so that a tiny coefficient is not stepped across its own scale.
    const Long h = 1e-5L * std::max(std::abs(params[j]), 1e-2);
    const Long near = objective_at(j, h) - objective_at(j, -h);
    const Long far = objective_at(j, 2 * h) - objective_at(j, -2 * h);
    const Long fd = (8 * near - far) / (12 * h);
    const double difference = static_cast<double>(fd);
    const double tolerance =
        1e-6 * std::max(std::abs(grad[j]), std::abs(difference)) + 1e-17 * std::abs(f) / static_cast<double>(h);
    const double error = std::abs(grad[j] - difference) / tolerance;
    // A NaN gradient is the worst there is, and stays so.
    if (!std::isnan(check.worst) && (std::isnan(error) || error > check.worst)) {
      char buffer[200];
      std::snprintf(buffer, sizeof buffer, " d/dp%zu: exact %.17g, differences %.17g (f %.17g, p %.17g)", j,
                    grad[j], difference, f, params[j]);
      check.worst = error;
      check.where = label + buffer;
    }
  }
}

// --- Realistic data for the built-in laws -----------------------------------------------------

GroupData parscale_like(Random& rng) {
  GroupData data;
  data.name = "parscale";
  data.inputs.resize(2);
  for (const double p : {1.0, 2.0, 4.0})
    for (int k = 0; k < 6; ++k) {
      const double n = rng.log_uniform(5e8, 4e9);
      data.inputs[0].push_back(n);
      data.inputs[1].push_back(p);
      data.target.push_back(1.3 + 44.5 * std::pow(n, -0.2) / std::pow(p, 0.057) + rng.uniform(-0.01, 0.01));
    }
  return data;
}

GroupData chinchilla_like(Random& rng) {
  GroupData data;
  data.name = "chinchilla";
  data.inputs.resize(2);
  for (int k = 0; k < 240; ++k) {
    const double n = rng.log_uniform(1e8, 1e10), d = rng.log_uniform(1e9, 1e11);
    data.inputs[0].push_back(n);
    data.inputs[1].push_back(d);
    data.target.push_back(1.69 + 406.4 / std::pow(n, 0.34) + 410.7 / std::pow(d, 0.28) + rng.uniform(-0.02, 0.02));
  }
  return data;
}

// A random point in a law's parameter box (log-uniform for the wide positive ranges).
struct ParamBox {
  std::vector<double> lower, upper;
  std::vector<bool> log_scale;
  std::vector<double> draw(Random& rng) const {
    std::vector<double> p;
    for (std::size_t j = 0; j < lower.size(); ++j)
      p.push_back(log_scale[j] ? rng.log_uniform(lower[j], upper[j]) : rng.uniform(lower[j], upper[j]));
    return p;
  }
};

struct BuiltinCase {
  std::string law;
  GroupData data;
  ParamBox box;
};

std::vector<BuiltinCase> builtin_cases() {
  Random rng(7);
  GroupData parscale_data = parscale_like(rng);
  const double y_min = *std::min_element(parscale_data.target.begin(), parscale_data.target.end());
  return {
      {"parallel_power", parscale_data,
       {{1e-6, -0.2, 0.0, y_min - 0.5}, {1e3, 0.2, 0.5, y_min + 0.5}, {true, false, false, false}}},
      {"parscale", parscale_data, {{0.0, 1e-4, 0.0, 0.01}, {y_min, 1e4, 10.0, 2.0}, {false, true, false, false}}},
      {"chinchilla", chinchilla_like(rng),
       {{0.0, 1e-3, 0.0, 1e-3, 0.0}, {1.6, 1e6, 2.0, 1e6, 2.0}, {false, true, false, true, false}}},
  };
}

// --- Tests ------------------------------------------------------------------------------------

TEST(Objective, PredictionsMatchNaiveEvaluation) {
  Random rng(1);
  const GroupData data = small_data(rng, 37);
  for (const TestFormula& formula : test_formulas()) {
    const Law law = make_law(formula);
    const auto compiled = compile_law(law);
    for (int trial = 0; trial < 5; ++trial) {
      const std::vector<double> params = random_params(rng);
      const std::vector<double> got = predict(*compiled, data, params);
      const std::vector<double> want = naive_predictions(law, data, params);
      ASSERT_EQ(got.size(), want.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        ASSERT_TRUE(std::isfinite(want[i])) << formula.name;
        EXPECT_LE(relative_error(got[i], want[i]), 1e-12) << formula.name << " point " << i << ": " << got[i]
                                                           << " vs " << want[i];
      }
    }
  }
}

TEST(Objective, ValuesMatchNaiveEvaluationForEveryObjectiveKind) {
  Random rng(2);
  const GroupData data = small_data(rng, 23);
  for (const TestFormula& formula : test_formulas()) {
    const Law law = make_law(formula);
    const auto compiled = compile_law(law);
    for (const ObjectiveSpec& spec : all_specs(0.3)) {
      Objective objective(compiled, data, spec);
      EXPECT_EQ(objective.num_params(), 3);
      EXPECT_EQ(objective.num_points(), data.size());
      for (int trial = 0; trial < 3; ++trial) {
        const std::vector<double> params = random_params(rng);
        const double want = naive_objective(naive_predictions(law, data, params), data.target, spec, params);
        EXPECT_LE(relative_error(objective.value(params), want), 1e-12) << formula.name << " " << describe(spec);
      }
    }
  }
}

TEST(Objective, PowWithDataBaseKeepsPowSemanticsWhereTheBaseIsNotPositive) {
  Builder b;
  const H x = b.var(0);
  pow(x, b.param(0));
  const Law law = make_law("x^a", std::move(b.expr), 1, 1);
  const auto compiled = compile_law(law);
  ASSERT_EQ(compiled->tape.size(), 1u);
  EXPECT_TRUE(compiled->tape[0].exp_log);

  const std::vector<double> bases = {-2.0, 0.0, 3.0, kInf, 1.0, -kInf, 0.5, std::nan("")};
  // Once each (one exp per point), and each twice (one exp per distinct base).
  for (const int copies : {1, 2}) {
    GroupData data;
    data.inputs.resize(1);
    for (int copy = 0; copy < copies; ++copy)
      data.inputs[0].insert(data.inputs[0].end(), bases.begin(), bases.end());
    data.target.assign(data.inputs[0].size(), 1.0);
    for (const double a : {2.0, 3.0, 0.5, 0.0, -1.0, -2.0}) {
      const std::vector<double> got = predict(*compiled, data, std::vector<double>{a});
      for (std::size_t i = 0; i < got.size(); ++i) {
        const double want = std::pow(data.inputs[0][i], a);
        EXPECT_LE(relative_error(got[i], want), 1e-14) << data.inputs[0][i] << "^" << a << ": " << got[i];
      }
    }
  }
}

TEST(Objective, ExactGradientsMatchFiniteDifferencesOnTestFormulas) {
  Random rng(3);
  const GroupData data = small_data(rng, 19);
  GradientCheck check;
  for (const TestFormula& formula : test_formulas()) {
    const Law law = make_law(formula);
    const auto compiled = compile_law(law);
    for (const ObjectiveSpec& spec : all_specs(0.5)) {
      Objective objective(compiled, data, spec);
      for (int trial = 0; trial < 3; ++trial) {
        const std::vector<double> params = random_params(rng);
        if (!std::isfinite(objective.value(params))) continue;  // a negative prediction in log space
        check_gradient(objective, law, data, spec, params, check, formula.name + " " + describe(spec));
      }
    }
  }
  EXPECT_LT(check.worst, 1.0) << check.where;
}

TEST(Objective, ExactGradientsMatchFiniteDifferencesOnBuiltinLaws) {
  Random rng(4);
  for (const BuiltinCase& c : builtin_cases()) {
    const Law law = load_law(c.law);
    const auto compiled = compile_law(law);
    GradientCheck check;
    int checked = 0;
    for (const ObjectiveSpec& spec : all_specs(0.0)) {
      for (int trial = 0; trial < 6; ++trial) {
        const std::vector<double> params = c.box.draw(rng);
        std::vector<double> residuals = naive_predictions(law, c.data, params);
        for (std::size_t i = 0; i < residuals.size(); ++i) {
          const double p = residuals[i], y = c.data.target[i];
          residuals[i] = std::abs(naive_residual(spec.terms[0].space, p, y));
        }
        // A negative prediction in log space: nothing to differentiate.
        if (!std::all_of(residuals.begin(), residuals.end(), [](double r) { return std::isfinite(r); })) continue;
        // Scales at a fraction of the median residual, so that both of Huber's branches are used
        // and the robust losses are far from quadratic.
        std::nth_element(residuals.begin(), residuals.begin() + residuals.size() / 2, residuals.end());
        ObjectiveSpec with_delta = spec;
        for (ObjectiveTerm& term : with_delta.terms)
          if (term.scale == 0.0) term.scale = 0.7 * residuals[residuals.size() / 2];
        Objective objective(compiled, c.data, with_delta);
        check_gradient(objective, law, c.data, with_delta, params, check, c.law + " " + describe(spec));
        ++checked;
      }
    }
    EXPECT_GE(checked, 40) << c.law;
    EXPECT_LT(check.worst, 1.0) << check.where;
  }
}

// 0^e is constant in e (for e > 0), so where a base is 0 the exponent's derivative is 0, not
// 0 * log(0); and d(b^e)/db at b = 0 is e * 0^(e-1), not e * 0^e / 0.
TEST(Objective, ExactGradientsAtZeroBases) {
  const Law law = make_law({"zero_bases", [](H x, H, H a, H b, H) { return pow(x, a) + pow(a * x, b + 1.0); }});
  GroupData data;
  data.inputs = {{0.0, 0.5, 2.0, 0.0, 3.0}, {1.0, 1.0, 1.0, 1.0, 1.0}};
  data.target = {0.1, 1.0, 2.0, 0.2, 4.0};
  const auto compiled = compile_law(law);
  GradientCheck check;
  for (const ObjectiveSpec& spec : all_specs(0.5)) {
    // The prediction at x = 0 is 0: no log of it, and no relative residual of a zero target.
    if (spec.terms[0].space == ResidualSpace::Log || spec.terms.size() > 1) continue;
    Objective objective(compiled, data, spec);
    check_gradient(objective, law, data, spec, {1.5, 0.7, 1.0}, check, describe(spec));
  }
  EXPECT_LT(check.worst, 1.0) << check.where;
}

// Where an operator has no derivative the gradient follows a convention: abs has slope 0 at 0,
// and a min or max tie sends the adjoint to the first operand.
TEST(Objective, GradientConventionsAtKinks) {
  GroupData data;
  data.inputs = {{1.0}};
  data.target = {3.0};
  const std::vector<double> a = {1.0};  // equal to x
  struct Case {
    std::string name;
    std::function<H(H x, H a)> build;
    double gradient;  // of (prediction - 3)^2 at a = x = 1
  };
  const std::vector<Case> cases = {
      {"abs(x - a)", [](H x, H pa) { return fn(Op::Abs, x - pa); }, 0.0},
      {"min(a, x)", [](H x, H pa) { return min(pa, x); }, 2.0 * (1.0 - 3.0)},
      {"min(x, a)", [](H x, H pa) { return min(x, pa); }, 0.0},
      {"max(a, x)", [](H x, H pa) { return max(pa, x); }, 2.0 * (1.0 - 3.0)},
      {"max(x, a)", [](H x, H pa) { return max(x, pa); }, 0.0},
  };
  for (const Case& c : cases) {
    Builder b;
    const H x = b.var(0), pa = b.param(0);
    c.build(x, pa);
    Objective objective(compile_law(make_law(c.name, std::move(b.expr), 1, 1)), data, ObjectiveSpec{});
    std::vector<double> grad(1);
    objective.value_and_gradient(a, grad);
    EXPECT_EQ(grad[0], c.gradient) << c.name;
  }
}

TEST(Objective, NonFinitePredictionsGiveInfinity) {
  Random rng(5);
  const GroupData data = small_data(rng, 11);  // x in [0.5, 3], z in [1, 5]
  const std::vector<TestFormula> formulas = {
      {"log_of_negative", [](H x, H, H a, H, H) { return fn(Op::Log, x - a); }},
      {"division_by_zero", [](H x, H, H a, H b, H) { return x / (a - b); }},
      {"sqrt_of_negative", [](H x, H, H a, H, H) { return fn(Op::Sqrt, x - a); }},
      {"overflow", [](H x, H, H a, H, H) { return fn(Op::Exp, a * x); }},
      {"negative_base_fractional_exponent", [](H x, H, H a, H b, H) { return pow(x - a, b); }},
  };
  const std::vector<double> params = {1000.0, 1000.0, 0.5};
  std::vector<double> grad(3);
  for (const TestFormula& formula : formulas) {
    const auto compiled = compile_law(make_law(formula));
    for (const ObjectiveSpec& spec : all_specs(1.0)) {
      Objective objective(compiled, data, spec);
      EXPECT_EQ(objective.value(params), kInf) << formula.name << " " << describe(spec);
      EXPECT_EQ(objective.value_and_gradient(params, grad), kInf) << formula.name << " " << describe(spec);
    }
  }
  // In log space a negative prediction is not finite either, while the linear objective is.
  const auto shifted = compile_law(make_law({"negative", [](H x, H, H a, H, H) { return x - a; }}));
  const ObjectiveSpec log_space = spec_of({{Loss::Mse, ResidualSpace::Log, 1.0, 1.0}}, Reduction::Mean);
  EXPECT_EQ(Objective(shifted, data, log_space).value(params), kInf);
  EXPECT_TRUE(std::isfinite(Objective(shifted, data, ObjectiveSpec{}).value(params)));
}

// neglog compares log(-prediction) with log(-y): the other spaces' checks on mirrored data.
TEST(Objective, NegLogSpaceOnNegativeTargets) {
  Random rng(8);
  GroupData data = small_data(rng, 17);
  for (double& y : data.target) y = -y;
  const Law law = make_law({"negative", [](H x, H z, H a, H b, H c) { return -(a * pow(x, b) + c * z); }});
  const auto compiled = compile_law(law);
  GradientCheck check;
  for (const auto loss : {Loss::Mse, Loss::Mae, Loss::Huber, Loss::SoftL1, Loss::Cauchy, Loss::Arctan}) {
    for (const auto reduce : {Reduction::Mean, Reduction::Sum}) {
      const ObjectiveSpec spec = spec_of({{loss, ResidualSpace::NegLog, 0.2, 1.5}, {Loss::Mse, ResidualSpace::Relative, 1.0, 0.5}},
                                         reduce, 0.01, {0, 1});
      Objective objective(compiled, data, spec);
      for (int trial = 0; trial < 3; ++trial) {
        const std::vector<double> params = random_params(rng);
        const double want = naive_objective(naive_predictions(law, data, params), data.target, spec, params);
        ASSERT_TRUE(std::isfinite(want));
        EXPECT_LE(relative_error(objective.value(params), want), 1e-12) << describe(spec);
        check_gradient(objective, law, data, spec, params, check, describe(spec));
      }
    }
  }
  EXPECT_LT(check.worst, 1.0) << check.where;
  // A positive prediction has no log(-prediction).
  const ObjectiveSpec neglog = spec_of({{Loss::Mse, ResidualSpace::NegLog, 1.0, 1.0}}, Reduction::Mean);
  EXPECT_EQ(Objective(compiled, data, neglog).value(std::vector<double>{-1.0, 1.0, 0.0}), kInf);
}

TEST(Objective, PredictMatchesValue) {
  Random rng(6);
  for (const BuiltinCase& c : builtin_cases()) {
    const auto compiled = compile_law(load_law(c.law));
    for (const ObjectiveSpec& spec : all_specs(0.01)) {
      Objective objective(compiled, c.data, spec);
      for (int trial = 0; trial < 4; ++trial) {
        const std::vector<double> params = c.box.draw(rng);
        const double want = naive_objective(predict(*compiled, c.data, params), c.data.target, spec, params);
        // The reference sums term by term in one running sum, Objective point by point in
        // loss::sum_over_points' four: equal up to that rounding.
        EXPECT_LE(relative_error(objective.value(params), want), 1e-14) << c.law << " " << describe(spec);
      }
    }
  }
}

TEST(Objective, BuiltinLawsMatchNaiveEvaluationOfTheirFormulas) {
  Random rng(8);
  for (const BuiltinCase& c : builtin_cases()) {
    const Law law = load_law(c.law);
    const auto compiled = compile_law(law);
    for (int trial = 0; trial < 5; ++trial) {
      const std::vector<double> params = c.box.draw(rng);
      const std::vector<double> got = predict(*compiled, c.data, params);
      const std::vector<double> want = naive_predictions(law, c.data, params);
      for (std::size_t i = 0; i < got.size(); ++i)
        EXPECT_LE(relative_error(got[i], want[i]), 1e-12) << c.law << " point " << i;
    }
  }
}

// The stages the CUDA generator relies on, for the seed law: data-only max() guards become log
// columns, the parameters are the whole param stage, and one exp per pow remains on the tape.
TEST(Objective, CompilesParallelPowerIntoStages) {
  const CompiledLaw compiled(load_law("parallel_power"));
  ASSERT_EQ(compiled.columns.size(), 2u);
  EXPECT_TRUE(compiled.columns[0].log);
  EXPECT_TRUE(compiled.columns[1].log);
  EXPECT_EQ(compiled.param_program.size(), 4u);
  ASSERT_EQ(compiled.tape.size(), 6u);
  int exp_log = 0;
  for (const Instruction& ins : compiled.tape) exp_log += ins.exp_log;
  EXPECT_EQ(exp_log, 2);
  EXPECT_EQ(compiled.result.cls, NodeClass::Mixed);
  EXPECT_EQ(compiled.result.slot, 5);
}

// The bits of a double, so that NaN equals NaN and -0 differs from 0.
std::uint64_t bits(double v) { return std::bit_cast<std::uint64_t>(v); }

TEST(Objective, BatchedForwardPassEqualsOnePassPerMember) {
  Random rng(11);
  const GroupData data = small_data(rng, 19);
  for (const TestFormula& formula : test_formulas()) {
    const auto compiled = compile_law(make_law(formula));
    BoundProgram single(*compiled, data);
    for (const std::size_t batch : {2u, 5u, 7u}) {
      BoundProgram batched(*compiled, data, batch);
      ASSERT_EQ(batched.batch(), batch);
      for (std::size_t count = 1; count <= batch; count += 3) {
        std::vector<double> params;
        for (std::size_t m = 0; m < count; ++m) {
          const std::vector<double> p = random_params(rng);
          params.insert(params.end(), p.begin(), p.end());
        }
        const std::span<const double> all = batched.forward(params, count);
        const std::vector<double> together(all.begin(), all.end());
        ASSERT_EQ(together.size(), count * data.size());
        for (std::size_t m = 0; m < count; ++m) {
          const std::span<const double> alone = single.forward(std::span<const double>(params).subspan(m * 3, 3));
          for (std::size_t i = 0; i < data.size(); ++i)
            ASSERT_EQ(bits(together[m * data.size() + i]), bits(alone[i]))
                << formula.name << ", batch " << batch << ", member " << m << " of " << count << ", point " << i;
        }
      }
    }
    EXPECT_THROW(single.forward(std::vector<double>(6, 0.5), 2), std::invalid_argument) << "over the batch";
  }
}

TEST(Objective, BatchedForwardPassKeepsPowSemanticsPerMember) {
  // Data bases where x^e falls back to pow, and exponents of each member, including ones that
  // make pow's special cases differ between members.
  Builder b;
  pow(b.var(0), b.param(0));
  const auto compiled = compile_law(make_law("x^a", std::move(b.expr), 1, 1));
  GroupData data;
  data.inputs = {{-2.0, 0.0, 3.0, kInf, 1.0, -kInf, 0.5, std::nan(""), -2.0, 3.0, 0.5, 0.5}};
  data.target.assign(data.inputs[0].size(), 1.0);
  const std::vector<double> exponents = {2.0, 3.0, 0.5, 0.0, -1.0, -2.0};
  BoundProgram batched(*compiled, data, exponents.size());
  const std::span<const double> all = batched.forward(exponents, exponents.size());
  for (std::size_t m = 0; m < exponents.size(); ++m)
    for (std::size_t i = 0; i < data.size(); ++i) {
      const double want = std::pow(data.inputs[0][i], exponents[m]);
      EXPECT_LE(relative_error(all[m * data.size() + i], want), 1e-14) << data.inputs[0][i] << "^" << exponents[m];
    }
}

TEST(Objective, ValuesOfAPopulationEqualEachMembersValue) {
  // Enough members for several of Objective's batches and a partial last one, on few points and
  // on many.
  Random rng(12);
  for (const std::size_t n : {3u, 18u, 300u}) {
    const GroupData data = small_data(rng, n);
    for (const TestFormula& formula : test_formulas()) {
      const auto compiled = compile_law(make_law(formula));
      for (const ObjectiveSpec& spec : all_specs(0.3)) {
        Objective objective(compiled, data, spec);
        const std::size_t members = 97;
        std::vector<double> params;
        for (std::size_t m = 0; m < members; ++m) {
          const std::vector<double> p = random_params(rng);
          params.insert(params.end(), p.begin(), p.end());
        }
        std::vector<double> values(members);
        objective.values(params, values);
        for (std::size_t m = 0; m < members; ++m)
          ASSERT_EQ(bits(values[m]), bits(objective.value(std::span<const double>(params).subspan(m * 3, 3))))
              << formula.name << " " << describe(spec) << ", " << n << " points, member " << m;
      }
    }
  }
}

TEST(Objective, IsMovable) {
  Random rng(9);
  const GroupData data = small_data(rng, 5);
  const auto compiled = compile_law(make_law(test_formulas().front()));
  Objective first(compiled, data, ObjectiveSpec{});
  const std::vector<double> params = {0.5, 0.7, 0.9};
  const double value = first.value(params);
  Objective moved(std::move(first));
  EXPECT_EQ(moved.value(params), value);
  Objective assigned(compiled, small_data(rng, 3), ObjectiveSpec{});
  assigned = std::move(moved);
  EXPECT_EQ(assigned.value(params), value);
  EXPECT_EQ(assigned.num_points(), 5u);
}

TEST(Objective, RejectsMismatchedParameterCounts) {
  Random rng(10);
  const GroupData data = small_data(rng, 4);
  const auto compiled = compile_law(make_law(test_formulas().front()));
  Objective objective(compiled, data, ObjectiveSpec{});
  EXPECT_THROW(objective.value(std::vector<double>{1.0}), std::invalid_argument);
  EXPECT_THROW(predict(*compiled, data, std::vector<double>{1.0, 2.0}), std::invalid_argument);
}

// The GPU's form of the per-point sum (one point at a time) and the CPU's (four at a time) give
// the same bits for every count of points and every remainder mod 4.
TEST(SumOverPoints, OneAtATimeEqualsFourAtATimeBitForBit) {
  std::vector<double> terms;
  for (int i = 0; i < 41; ++i) terms.push_back(std::ldexp(1.0 + 0.37 * i, (i * 7) % 23 - 11) * (i % 3 ? 1 : -1));
  for (int n = 0; n <= 41; ++n) {
    const auto term = [&](int i) { return terms[static_cast<std::size_t>(i)]; };
    const double four = loss::sum_over_points(n, term);
    const double one = loss::sum_over_points_one_at_a_time(n, term);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(one), std::bit_cast<std::uint64_t>(four)) << n << " points";
  }
}

TEST(SumOverPoints, PointSumsAreEachSumsFourAtATimeBits) {
  // Three sums at once, of the terms, their squares and their negated cubes, over every count of
  // points up to 41: each the bits of its own sum_over_points.
  std::vector<double> terms;
  for (int i = 0; i < 41; ++i) terms.push_back(std::ldexp(1.0 + 0.37 * i, (i * 7) % 23 - 11) * (i % 3 ? 1 : -1));
  const auto power = [&](int i, int e) { return e == 0 ? terms[i] : e == 1 ? terms[i] * terms[i] : -terms[i] * terms[i] * terms[i]; };
  for (int n = 0; n <= 41; ++n) {
    loss::PointSums<3> sums;
    for (int i = 0; i < n; ++i) {
      const double values[3] = {power(i, 0), power(i, 1), power(i, 2)};
      sums.add(values);
    }
    for (int e = 0; e < 3; ++e) {
      const double want = loss::sum_over_points(n, [&](int i) { return power(i, e); });
      EXPECT_EQ(std::bit_cast<std::uint64_t>(sums.total(e)), std::bit_cast<std::uint64_t>(want))
          << n << " points, sum " << e;
    }
  }
}

TEST(SumOverPoints, SumsSideBySideAreEachSumsFourAtATimeBits) {
  // The host's normal equations (sums_over_points): the same three sums in one pass.
  std::vector<double> terms;
  for (int i = 0; i < 41; ++i) terms.push_back(std::ldexp(1.0 + 0.37 * i, (i * 7) % 23 - 11) * (i % 3 ? 1 : -1));
  const auto power = [&](int i, int e) { return e == 0 ? terms[i] : e == 1 ? terms[i] * terms[i] : -terms[i] * terms[i] * terms[i]; };
  for (int n = 0; n <= 41; ++n) {
    double sums[3];
    loss::sums_over_points<3>(
        n, [&](int i, double(&v)[3]) { for (int e = 0; e < 3; ++e) v[e] = power(i, e); }, sums);
    for (int e = 0; e < 3; ++e) {
      const double want = loss::sum_over_points(n, [&](int i) { return power(i, e); });
      EXPECT_EQ(std::bit_cast<std::uint64_t>(sums[e]), std::bit_cast<std::uint64_t>(want)) << n << " points, sum " << e;
    }
  }
}

}  // namespace
}  // namespace slfit
