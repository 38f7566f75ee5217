// Variable projection: which parameters the AST says are linear (law/separable.hpp), the bounded
// quadratic solve of their normal equations (optim/bounded_quadratic.hpp) against enumeration of
// every active set, the projected objective against the full one (engine/projected_objective.hpp),
// and separable fits against fits that search every parameter.

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "engine/projected_objective.hpp"
#include "engine/separable_splits.hpp"
#include "law/separable.hpp"
#include "optim/bounded_quadratic.hpp"
#include "slfit/fit.hpp"
#include "slfit/law_io.hpp"

namespace slfit {
namespace {

// A law over inputs x and z (target y) with those of the parameters a, b, c, d, e that the formula
// uses, each in [-5, 5].
Law law_of(const std::string& formula, const std::string& objective = R"({"kind": "mse"})") {
  std::string params;
  for (const char* name : {"a", "b", "c", "d", "e"}) {
    if (!std::regex_search(formula, std::regex(std::string("\\b") + name + "\\b"))) continue;
    params += std::string(params.empty() ? "" : ", ") + R"({"name": ")" + name + R"(", "lower": -5, "upper": 5})";
  }
  return parse_law(R"({"name": "t", "formula": ")" + formula + R"(", "inputs": {"x": "x", "z": "z"}, "target": "y",
      "params": [)" + params + R"(], "objective": )" + objective + "}",
                   "test");
}

std::vector<std::string> linear_names(const Law& law) {
  std::vector<std::string> names;
  for (const int k : separate_linear_params(law).linear) names.push_back(law.params[static_cast<std::size_t>(k)].name);
  return names;
}

TEST(Separable, FindsTheParametersTheFormulaIsAffineIn) {
  using V = std::vector<std::string>;
  EXPECT_EQ(linear_names(load_law("chinchilla")), (V{"E", "A", "B"}));
  EXPECT_EQ(linear_names(load_law("parallel_power")), (V{"a", "d"}));
  EXPECT_EQ(linear_names(load_law("parscale")), (V{"E"}));
  EXPECT_EQ(linear_names(law_of("a + b * x + c * x^2 + d * z + e")), (V{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(linear_names(law_of("a / x^b - (c * z) / (1 + x) + -d * exp(e * z)")), (V{"a", "c", "d"}));
  // A product of two of them is affine in either alone: the first is taken.
  EXPECT_EQ(linear_names(law_of("a * b * x + c + 0 * d + 0 * e")), (V{"a", "c", "d", "e"}));
  // Nothing inside a power, function, min or max, or a denominator is linear.
  EXPECT_EQ(linear_names(law_of("x^a + exp(b) + min(c, x) + z / d + log(e * x)")), V{});
  EXPECT_EQ(linear_names(law_of("(a * x)^2 + b*c*d*e")), (V{"b"}));
}

// The split's parts reproduce the law: f(theta, c) = base + sum_k c_k basis_k at random points.
TEST(Separable, BasePlusTheBasisIsTheLaw) {
  const std::vector<std::string> formulas = {
      "a * x^b / z^c + d + e * 0", "a + b * x + c * x^2 + d * z + e", "a / x^b - (c * z) / (1 + x) + -d * exp(e * z)",
      "-(a - b * x) * (z + c) / (d + 2) + e * a * x", "(a + b) * (x - z) - c / (x + 1) + d * e"};
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> u(0.5, 2.0);
  for (const std::string& formula : formulas) {
    const Law law = law_of(formula);
    const SeparableForm form = separate_linear_params(law);
    ASSERT_FALSE(form.linear.empty()) << formula;
    for (int trial = 0; trial < 20; ++trial) {
      const std::vector<double> vars = {u(random), u(random)};
      std::vector<double> params(law.params.size());
      for (double& p : params) p = u(random);
      const double f = evaluate_scalar(law.expr, vars, params);
      std::vector<double> probe = params;  // the parts must not read the linear parameters
      for (const int j : form.linear) probe[static_cast<std::size_t>(j)] = std::nan("");
      double split = form.base.empty() ? 0.0 : evaluate_scalar(form.base, vars, probe);
      for (std::size_t k = 0; k < form.linear.size(); ++k) {
        split += params[static_cast<std::size_t>(form.linear[k])] * evaluate_scalar(form.basis[k], vars, probe);
      }
      EXPECT_NEAR(split, f, 1e-12 * std::max(1.0, std::fabs(f))) << formula;
    }
  }
}

TEST(Separable, OnlyLinearSpaceMseObjectivesAreSeparable) {
  EXPECT_TRUE(separable_objective(law_of("a * x", R"({"kind": "mse"})").objective));
  EXPECT_TRUE(separable_objective(law_of("a * x", R"({"kind": "mse", "reduce": "sum", "ridge": 0.1})").objective));
  EXPECT_FALSE(separable_objective(law_of("a * x", R"({"kind": "mse", "space": "log"})").objective));
  EXPECT_FALSE(separable_objective(law_of("a * x", R"({"kind": "huber", "delta": 0.1})").objective));
  EXPECT_FALSE(separable_objective(
      law_of("a * x", R"({"terms": [{"kind": "mse"}, {"kind": "mae", "coefficient": 0.1}]})").objective));
}

// --- The bounded quadratic against every active set ------------------------------------------

using Matrix = Eigen::MatrixXd;  // symmetric here, so its column-major storage is also row-major
using Vector = Eigen::VectorXd;
using Solver = quadratic::BoundedQuadratic<kMaxLinearParams>;

double quadratic(const Matrix& H, const Vector& q, const std::vector<double>& c) {
  double v = 0.0;
  for (int i = 0; i < q.size(); ++i) {
    v -= 2.0 * q(i) * c[static_cast<std::size_t>(i)];
    for (int j = 0; j < q.size(); ++j) v += c[static_cast<std::size_t>(i)] * H(i, j) * c[static_cast<std::size_t>(j)];
  }
  return v;
}

// The minimum over the box by brute force: each of the 3^m assignments of free / at lower / at
// upper, the free block solved exactly, kept when feasible.
double enumerated_minimum(const Matrix& H, const Vector& q, const std::vector<double>& lo, const std::vector<double>& hi) {
  const int m = static_cast<int>(q.size());
  int combinations = 1;
  for (int i = 0; i < m; ++i) combinations *= 3;
  double best = std::numeric_limits<double>::infinity();
  for (int code = 0; code < combinations; ++code) {
    std::vector<int> state(static_cast<std::size_t>(m));
    std::vector<double> c(static_cast<std::size_t>(m), 0.0);
    std::vector<int> free;
    for (int i = 0, rest = code; i < m; ++i, rest /= 3) {
      state[static_cast<std::size_t>(i)] = rest % 3;
      if (rest % 3 == 0) free.push_back(i);
      if (rest % 3 == 1) c[static_cast<std::size_t>(i)] = lo[static_cast<std::size_t>(i)];
      if (rest % 3 == 2) c[static_cast<std::size_t>(i)] = hi[static_cast<std::size_t>(i)];
    }
    const int f = static_cast<int>(free.size());
    Eigen::MatrixXd A(f, f);
    Eigen::VectorXd b(f);
    for (int a = 0; a < f; ++a) {
      b(a) = q(free[static_cast<std::size_t>(a)]);
      for (int j = 0; j < m; ++j)
        if (state[static_cast<std::size_t>(j)] != 0) b(a) -= H(free[static_cast<std::size_t>(a)], j) * c[static_cast<std::size_t>(j)];
      for (int k = 0; k < f; ++k) A(a, k) = H(free[static_cast<std::size_t>(a)], free[static_cast<std::size_t>(k)]);
    }
    const Eigen::VectorXd x = f ? Eigen::VectorXd(A.ldlt().solve(b)) : Eigen::VectorXd();
    bool feasible = true;
    for (int a = 0; a < f; ++a) {
      const auto i = static_cast<std::size_t>(free[static_cast<std::size_t>(a)]);
      c[i] = x(a);
      feasible = feasible && std::isfinite(x(a)) && x(a) >= lo[i] - 1e-12 && x(a) <= hi[i] + 1e-12;
      c[i] = std::clamp(c[i], lo[i], hi[i]);
    }
    if (feasible) best = std::min(best, quadratic(H, q, c));
  }
  return best;
}

TEST(BoundedQuadratic, ReachesTheMinimumOverTheBoxThatEnumerationFinds) {
  std::mt19937_64 random(11);
  std::normal_distribution<double> normal(0.0, 1.0);
  int constrained = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const int m = 1 + trial % 5;
    const int points = m + 3;
    Eigen::MatrixXd J(points, m);
    for (int i = 0; i < points; ++i)
      for (int j = 0; j < m; ++j) J(i, j) = normal(random) * std::pow(10.0, j - 2);  // unequal column scales
    Eigen::VectorXd y(points);
    for (int i = 0; i < points; ++i) y(i) = 3.0 * normal(random);
    Matrix H = J.transpose() * J;
    H = (0.5 * (H + H.transpose())).eval();  // exactly symmetric, whatever the product's rounding
    Vector q = J.transpose() * y;
    std::vector<double> lo(static_cast<std::size_t>(m)), hi(static_cast<std::size_t>(m)), c(static_cast<std::size_t>(m));
    for (int j = 0; j < m; ++j) {
      const double centre = normal(random) * std::pow(10.0, 2 - j), width = std::fabs(normal(random)) * std::pow(10.0, 2 - j);
      lo[static_cast<std::size_t>(j)] = centre - width;
      hi[static_cast<std::size_t>(j)] = centre + width;
    }
    Solver solver;
    ASSERT_TRUE(solver.minimise(H.data(), q.data(), lo.data(), hi.data(), m, c.data()));
    for (int j = 0; j < m; ++j) {
      EXPECT_GE(c[static_cast<std::size_t>(j)], lo[static_cast<std::size_t>(j)]);
      EXPECT_LE(c[static_cast<std::size_t>(j)], hi[static_cast<std::size_t>(j)]);
    }
    const Eigen::VectorXd free = H.ldlt().solve(q);
    for (int j = 0; j < m; ++j)
      constrained += free(j) < lo[static_cast<std::size_t>(j)] || free(j) > hi[static_cast<std::size_t>(j)];
    const double expected = enumerated_minimum(H, q, lo, hi);
    EXPECT_NEAR(quadratic(H, q, c), expected, 1e-9 * (std::fabs(expected) + y.squaredNorm())) << "trial " << trial;
  }
  EXPECT_GT(constrained, 200);  // the bounds bind in most trials
}

TEST(BoundedQuadratic, ASingularSystemStillGivesAMinimiserInTheBox) {
  // Two identical columns: every split of their sum is optimal.
  Matrix H(2, 2);
  H << 4.0, 4.0, 4.0, 4.0;
  Vector q(2);
  q << 6.0, 6.0;
  std::vector<double> c(2);
  const std::vector<double> unit_lower{0.0, 0.0}, unit_upper{1.0, 1.0}, lower{-1.0, 0.5};
  Solver solver;
  ASSERT_TRUE(solver.minimise(H.data(), q.data(), unit_lower.data(), unit_upper.data(), 2, c.data()));
  EXPECT_NEAR(c[0] + c[1], 1.5, 1e-12);
  Vector bad(2);
  bad << std::nan(""), 1.0;
  EXPECT_FALSE(solver.minimise(H.data(), bad.data(), lower.data(), unit_upper.data(), 2, c.data()));
  EXPECT_EQ(c[0], 0.0);  // the box's projection of 0
  EXPECT_EQ(c[1], 0.5);
}

// --- The projected objective ------------------------------------------------------------------

std::shared_ptr<GroupData> chinchilla_like_group(bool weighted) {
  auto g = std::make_shared<GroupData>();
  g->name = "all";
  std::mt19937_64 random(3);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  g->inputs.resize(2);
  for (int i = 0; i < 40; ++i) {
    const double N = std::pow(10.0, 7.0 + 3.0 * u(random)), D = std::pow(10.0, 9.0 + 2.0 * u(random));
    g->inputs[0].push_back(N);
    g->inputs[1].push_back(D);
    g->target.push_back(1.7 + 400.0 / std::pow(N, 0.34) + 410.0 / std::pow(D, 0.28) + 0.01 * (u(random) - 0.5));
    g->lines.push_back(static_cast<std::size_t>(i) + 2);
    if (weighted) g->residual_scale.push_back(0.5 + u(random));
  }
  return g;
}

TEST(ProjectedObjective, IsTheFullObjectiveMinimisedOverTheLinearParameters) {
  for (const bool weighted : {false, true}) {
    Law law = load_law("chinchilla");
    law.objective.weighted = weighted;
    law.objective.ridge = weighted ? 1e-9 : 0.0;  // a ridge on a linear and a nonlinear parameter
    if (weighted) law.objective.ridge_params = {1, 2};
    const auto data = chinchilla_like_group(weighted);
    const ResolvedBounds bounds = resolve_bounds(law, *data);
    const auto compiled = compile_law(law);
    Objective full(compiled, *data, law.objective);
    const SeparablePrograms programs(law, separate_linear_params(law));
    ProjectedObjective projected(programs, *data, law.objective, bounds, full);
    ASSERT_EQ(projected.num_params(), 2);

    std::mt19937_64 random(5);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int trial = 0; trial < 20; ++trial) {
      const std::vector<double> theta = {0.1 + 0.6 * u(random), 0.1 + 0.6 * u(random)};
      const double f = projected.value(theta);
      const std::vector<double> point(projected.point().begin(), projected.point().end());
      EXPECT_EQ(point[2], theta[0]);
      EXPECT_EQ(point[4], theta[1]);
      EXPECT_NEAR(f, full.value(point), 1e-12 * f);
      // No other linear parameters in the box do better.
      for (int probe = 0; probe < 30; ++probe) {
        std::vector<double> other = point;
        for (const int k : {0, 1, 3}) {
          const auto j = static_cast<std::size_t>(k);
          other[j] = std::clamp(point[j] * (1.0 + 0.01 * (u(random) - 0.5)) + 1e-3 * (u(random) - 0.5),
                                bounds.lower[j], bounds.upper[j]);
        }
        EXPECT_GE(full.value(other), f * (1.0 - 1e-12));
      }
      // The gradient in theta is the derivative of F(theta), whose c moves with theta.
      std::vector<double> g(2);
      projected.value_and_gradient(theta, g);
      for (std::size_t j = 0; j < 2; ++j) {
        const double h = 1e-6;
        std::vector<double> up = theta, down = theta;
        up[j] += h;
        down[j] -= h;
        const double numeric = (projected.value(up) - projected.value(down)) / (2 * h);
        EXPECT_NEAR(g[j], numeric, 1e-5 * std::fabs(numeric) + 1e-10) << "weighted " << weighted << " theta " << j;
      }
    }
    // A basis that is not finite anywhere makes the candidate +inf, as in the full objective.
    EXPECT_EQ(projected.value(std::vector<double>{-1e6, 0.3}), std::numeric_limits<double>::infinity());
  }
}

TEST(ProjectedObjective, ValuesOfAPopulationEqualEachMembersValue) {
  // Chinchilla (a base of 0, two basis functions) and the seed's law (a constant basis), over
  // more members than one batch, some of them +inf.
  for (const char* name : {"chinchilla", "parallel_power"}) {
    const Law law = load_law(name);
    const auto data = chinchilla_like_group(false);
    const ResolvedBounds bounds = resolve_bounds(law, *data);
    Objective full(compile_law(law), *data, law.objective);
    const SeparablePrograms programs(law, separate_linear_params(law));
    ProjectedObjective projected(programs, *data, law.objective, bounds, full);
    const auto d = static_cast<std::size_t>(projected.num_params());
    std::mt19937_64 random(9);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const std::size_t members = 41;
    std::vector<double> thetas;
    for (std::size_t m = 0; m < members * d; ++m) thetas.push_back(m == 7 ? -1e6 : 0.05 + 0.6 * u(random));
    std::vector<double> values(members);
    projected.values(thetas, values);
    for (std::size_t m = 0; m < members; ++m)
      EXPECT_EQ(std::bit_cast<std::uint64_t>(values[m]),
                std::bit_cast<std::uint64_t>(projected.value(std::span<const double>(thetas).subspan(m * d, d))))
          << name << " member " << m << ": " << values[m];
  }
}

// --- Fits ----------------------------------------------------------------------------------------

FitResult fit_one(const Law& law, std::shared_ptr<const GroupData> data, Separable separable) {
  Problem p;
  p.law = std::make_shared<const Law>(law);
  p.compiled = compile_law(law);
  p.data = std::move(data);
  p.bounds = resolve_bounds(law, *p.data);
  p.objective = law.objective;
  p.options.separable = separable;
  return fit_problem(p);
}

TEST(SeparableFit, ReachesTheFullSearchsOptimumInFewerEvaluations) {
  const auto data = chinchilla_like_group(false);
  const Law law = load_law("chinchilla");
  const FitResult projected = fit_one(law, data, Separable::Auto);
  const FitResult searched = fit_one(law, data, Separable::Off);
  EXPECT_EQ(projected.separable, (std::vector<int>{0, 1, 3}));
  EXPECT_TRUE(searched.separable.empty());
  EXPECT_LE(projected.objective, searched.objective * (1.0 + 1e-9));
  EXPECT_EQ(projected.status, FitStatus::Converged);
  EXPECT_LT(3 * projected.de.evaluations, searched.de.evaluations);
}

TEST(SeparableFit, ALawLinearInEveryParameterIsOneSolve) {
  Law law = law_of("a + b * x + c * z + d * x * z + e * x^2");
  auto data = std::make_shared<GroupData>();
  data->name = "all";
  data->inputs.resize(2);
  std::mt19937_64 random(9);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int i = 0; i < 30; ++i) {
    const double x = u(random), z = u(random);
    data->inputs[0].push_back(x);
    data->inputs[1].push_back(z);
    data->target.push_back(1 - 2 * x + 0.5 * z + 9 * x * z + 0.1 * u(random));  // d = 9 lies past its bound 5
    data->lines.push_back(static_cast<std::size_t>(i) + 2);
  }
  const FitResult projected = fit_one(law, data, Separable::Auto);
  const FitResult searched = fit_one(law, data, Separable::Off);
  EXPECT_FALSE(projected.de.ran);
  EXPECT_EQ(projected.separable.size(), 5u);
  EXPECT_EQ(projected.params[3], 5.0);  // held at its bound
  EXPECT_LE(projected.objective, searched.objective * (1.0 + 1e-12));
}

// Bootstrap's local search (Pipeline::Local): refits of resamples from the full data's optimum.
// Searching theta on the projected objective first reaches the point that refining every
// parameter reaches, in far fewer evaluations.
TEST(SeparableFit, ALocalSearchReachesTheFullRefinementsPointInFewerEvaluations) {
  const auto data = chinchilla_like_group(false);
  const Law law = load_law("chinchilla");
  const FitResult full_data = fit_one(law, data, Separable::Auto);
  std::mt19937_64 random(17);
  std::uniform_int_distribution<std::size_t> row(0, data->target.size() - 1);
  long projected_evaluations = 0, searched_evaluations = 0;
  for (int resample = 0; resample < 10; ++resample) {
    auto drawn = std::make_shared<GroupData>(*data);
    for (std::size_t i = 0; i < data->target.size(); ++i) {
      const std::size_t from = row(random);
      for (std::size_t k = 0; k < 2; ++k) drawn->inputs[k][i] = data->inputs[k][from];
      drawn->target[i] = data->target[from];
    }
    FitResult local[2];
    for (const Separable separable : {Separable::Auto, Separable::Off}) {
      Problem p;
      p.law = std::make_shared<const Law>(law);
      p.compiled = compile_law(law);
      p.data = drawn;
      p.bounds = resolve_bounds(law, *p.data);
      p.bounds.init = full_data.params;
      p.objective = law.objective;
      p.options.pipeline = Pipeline::Local;
      p.options.separable = separable;
      local[separable == Separable::Auto ? 0 : 1] = fit_problem(p);
    }
    const FitResult& projected = local[0];
    const FitResult& searched = local[1];
    EXPECT_EQ(projected.separable, (std::vector<int>{0, 1, 3}));
    EXPECT_TRUE(searched.separable.empty());
    EXPECT_EQ(projected.status, FitStatus::Converged) << "resample " << resample;
    EXPECT_LE(projected.objective, searched.objective * (1.0 + 1e-12)) << "resample " << resample;
    EXPECT_GE(projected.objective, searched.objective * (1.0 - 1e-12)) << "resample " << resample;
    for (std::size_t j = 0; j < projected.params.size(); ++j)
      EXPECT_NEAR(projected.params[j], searched.params[j], 1e-4 * std::fabs(searched.params[j]))
          << "resample " << resample << " parameter " << j;
    projected_evaluations += projected.lbfgsb.evaluations + projected.newton.evaluations;
    searched_evaluations += searched.lbfgsb.evaluations + searched.newton.evaluations;
  }
  EXPECT_LT(2 * projected_evaluations, searched_evaluations);
}

TEST(SeparableFit, ObjectivesThatAreNotLeastSquaresSearchEveryParameter) {
  const auto data = chinchilla_like_group(false);
  Law law = load_law("chinchilla");
  law.objective.terms[0].space = ResidualSpace::Log;
  EXPECT_TRUE(fit_one(law, data, Separable::Auto).separable.empty());
  law.objective.terms[0] = ObjectiveTerm{Loss::Huber, ResidualSpace::Linear, 1e-3, 1.0};
  EXPECT_TRUE(fit_one(law, data, Separable::Auto).separable.empty());
}

// --- A batch's splits -----------------------------------------------------------------------------

Problem problem_of(std::shared_ptr<const Law> law, Pipeline pipeline, Separable separable) {
  Problem p;
  p.law = law;
  p.compiled = compile_law(*law);
  p.objective = law->objective;
  p.options.pipeline = pipeline;
  p.options.separable = separable;
  return p;
}

// One split per law, shared by the problems that ask for one and equal to separable_search's;
// null for those that do not ask, or whose law has no linear parameter.
TEST(SeparableSplits, AnalyseEachLawOnceAndAnswerAsSeparableSearch) {
  const auto chinchilla = std::make_shared<const Law>(load_law("chinchilla"));
  const auto nonlinear = std::make_shared<const Law>(law_of("exp(a * x) ^ b"));
  const std::vector<Problem> problems = {
      problem_of(chinchilla, Pipeline::De, Separable::Auto), problem_of(chinchilla, Pipeline::Local, Separable::Auto),
      problem_of(chinchilla, Pipeline::De, Separable::Off),  problem_of(chinchilla, Pipeline::Seed, Separable::Auto),
      problem_of(nonlinear, Pipeline::De, Separable::Auto),
  };
  const SeparableSplits splits(problems);
  const SeparablePrograms* split = splits.of(problems[0]);
  ASSERT_NE(split, nullptr);
  EXPECT_EQ(split->form.linear, separable_search(problems[0])->linear);
  EXPECT_EQ(split->form.nonlinear, (std::vector<int>{2, 4}));
  EXPECT_EQ(splits.of(problems[1]), split);
  EXPECT_EQ(splits.of(problems[2]), nullptr);
  EXPECT_EQ(splits.of(problems[3]), nullptr);
  EXPECT_EQ(splits.of(problems[4]), nullptr);
  EXPECT_FALSE(separable_search(problems[4]).has_value());

  Problem log_space = problems[0];
  log_space.objective.terms[0].space = ResidualSpace::Log;
  EXPECT_EQ(splits.of(log_space), nullptr);
  const Problem elsewhere = problem_of(std::make_shared<const Law>(*chinchilla), Pipeline::De, Separable::Auto);
  EXPECT_THROW(splits.of(elsewhere), std::logic_error);
}

}  // namespace
}  // namespace slfit
