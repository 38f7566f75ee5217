// fit_statistics (slfit/uncertainty.hpp) against closed forms: for a law linear in its
// parameters, Gauss-Newton's covariance is ordinary least squares' s^2 (X^T X)^-1 exactly. The
// comparison with scipy's curve_fit on the bundled examples is tests/standard_errors_vs_curve_fit.py.
// Also require_defined_data_terms (slfit/objective.hpp), the check before fitting.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <Eigen/Dense>

#include "slfit/error.hpp"
#include "slfit/law_io.hpp"
#include "slfit/objective.hpp"
#include "slfit/uncertainty.hpp"

namespace slfit {
namespace {

Law law_of(const std::string& json_text) { return parse_law_spec(parse_law_json(json_text, "test.json"), "test.json"); }

GroupData line_data() {
  GroupData g;
  g.name = "all";
  g.inputs = {{1, 2, 3, 4, 5, 6, 7}};
  g.target = {2.1, 3.9, 6.2, 7.8, 10.1, 12.2, 13.8};
  g.lines = {2, 3, 4, 5, 6, 7, 8};
  return g;
}

// y = a + b x fitted by ordinary least squares, with its textbook covariance.
struct Ols {
  Eigen::Vector2d beta;
  Eigen::Matrix2d covariance;
};
Ols ordinary_least_squares(const GroupData& g) {
  const auto n = static_cast<Eigen::Index>(g.size());
  Eigen::MatrixXd X(n, 2);
  Eigen::VectorXd y(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    X(i, 0) = 1.0;
    X(i, 1) = g.inputs[0][static_cast<std::size_t>(i)];
    y(i) = g.target[static_cast<std::size_t>(i)];
  }
  const Eigen::Matrix2d xtx_inverse = (X.transpose() * X).inverse();
  Ols ols;
  ols.beta = xtx_inverse * X.transpose() * y;
  const double s2 = (X * ols.beta - y).squaredNorm() / static_cast<double>(n - 2);
  ols.covariance = s2 * xtx_inverse;
  return ols;
}

constexpr const char* kLine = R"j({"name": "line", "formula": "a + b * x", "inputs": {"x": "x"}, "target": "y",
  "params": [{"name": "a", "lower": -10, "upper": 10}, {"name": "b", "lower": -10, "upper": 10}]})j";

TEST(FitStatistics, LinearLawGivesOrdinaryLeastSquaresCovariance) {
  const Law law = law_of(kLine);
  const GroupData g = line_data();
  const Ols ols = ordinary_least_squares(g);
  const std::vector<double> params = {ols.beta(0), ols.beta(1)};
  const FitStatistics s = fit_statistics(*compile_law(law), g, law.objective, resolve_bounds(law, g), params);
  ASSERT_TRUE(s.note.empty()) << s.note;
  for (int a = 0; a < 2; ++a) {
    EXPECT_NEAR(s.standard_errors[a], std::sqrt(ols.covariance(a, a)), 1e-12 * std::sqrt(ols.covariance(a, a)));
    for (int b = 0; b < 2; ++b) EXPECT_NEAR(s.covariance[a * 2 + b], ols.covariance(a, b), 1e-12);
  }
  EXPECT_DOUBLE_EQ(s.correlation[0], 1.0);
  EXPECT_NEAR(s.correlation[1], ols.covariance(0, 1) / std::sqrt(ols.covariance(0, 0) * ols.covariance(1, 1)), 1e-12);
  // lmfit's information criteria.
  const double n = 7, ssr = s.sum_squares;
  EXPECT_DOUBLE_EQ(s.aic, n * std::log(ssr / n) + 2 * 2);
  EXPECT_DOUBLE_EQ(s.bic, n * std::log(ssr / n) + std::log(n) * 2);
  EXPECT_EQ(s.free_params, 2);
  EXPECT_EQ(s.at_bound[0], BoundSide::None);
}

TEST(FitStatistics, FixedParametersHaveNoErrorAndBoundsAreFlagged) {
  // b fixed (lower == upper): a alone is free; its variance is s^2 / n with n - 1 degrees of freedom.
  const Law law = law_of(R"j({"name": "line", "formula": "a + b * x", "inputs": {"x": "x"}, "target": "y",
    "params": [{"name": "a", "lower": -10, "upper": 0.5}, {"name": "b", "fixed": 2}]})j");
  const GroupData g = line_data();
  const std::vector<double> params = {0.5, 2.0};
  const FitStatistics s = fit_statistics(*compile_law(law), g, law.objective, resolve_bounds(law, g), params);
  EXPECT_EQ(s.free_params, 1);
  EXPECT_TRUE(std::isnan(s.standard_errors[1]));
  EXPECT_TRUE(std::isnan(s.correlation[1 * 2 + 1]));
  EXPECT_NEAR(s.standard_errors[0], std::sqrt(s.sum_squares / 6 / 7), 1e-12);
  EXPECT_EQ(s.at_bound[0], BoundSide::Upper);
  EXPECT_EQ(s.at_bound[1], BoundSide::None);  // fixed, not "at a bound"
}

TEST(FitStatistics, LogSpaceUsesLogResiduals) {
  // log(a x^b) = log a + b log x: linear in (log a, b), so se(b) is OLS's on log-log data.
  const Law law = law_of(R"j({"name": "power", "formula": "a * x^b", "inputs": {"x": "x"}, "target": "y",
    "params": [{"name": "a", "lower": 0.01, "upper": 10}, {"name": "b", "lower": -3, "upper": 3}],
    "objective": {"kind": "mse", "space": "log"}})j");
  GroupData g = line_data();
  GroupData logs = g;
  for (double& x : logs.inputs[0]) x = std::log(x);
  for (double& y : logs.target) y = std::log(y);
  const Ols ols = ordinary_least_squares(logs);
  const std::vector<double> params = {std::exp(ols.beta(0)), ols.beta(1)};
  const FitStatistics s = fit_statistics(*compile_law(law), g, law.objective, resolve_bounds(law, g), params);
  EXPECT_NEAR(s.standard_errors[1], std::sqrt(ols.covariance(1, 1)), 1e-10 * std::sqrt(ols.covariance(1, 1)));
  // se(a) by the delta method: se(log a) * a.
  EXPECT_NEAR(s.standard_errors[0], std::sqrt(ols.covariance(0, 0)) * params[0], 1e-10 * s.standard_errors[0]);
}

TEST(FitStatistics, SaysWhyThereIsNoCovariance) {
  const GroupData g = line_data();
  const Law huber = law_of(R"j({"name": "line", "formula": "a + b * x", "inputs": {"x": "x"}, "target": "y",
    "params": [{"name": "a", "lower": -10, "upper": 10}, {"name": "b", "lower": -10, "upper": 10}],
    "objective": {"kind": "huber", "delta": 0.5}})j");
  const std::vector<double> params = {0.0, 2.0};
  const FitStatistics h = fit_statistics(*compile_law(huber), g, huber.objective, resolve_bounds(huber, g), params);
  EXPECT_NE(h.note.find("mse"), std::string::npos) << h.note;
  EXPECT_TRUE(std::isnan(h.standard_errors[0]));
  EXPECT_TRUE(std::isfinite(h.aic));

  const Law line = law_of(kLine);
  GroupData two = g;
  two.inputs[0].resize(2);
  two.target.resize(2);
  two.lines.resize(2);
  const FitStatistics t = fit_statistics(*compile_law(line), two, line.objective, resolve_bounds(line, two), params);
  EXPECT_NE(t.note.find("as many free parameters as points"), std::string::npos) << t.note;
}

TEST(FitStatistics, RankDeficientJacobianGivesThePseudoInverse) {
  // a and c enter only as a + c: J has two equal columns.
  const Law law = law_of(R"j({"name": "twins", "formula": "a + c + b * x", "inputs": {"x": "x"}, "target": "y",
    "params": [{"name": "a", "lower": -10, "upper": 10}, {"name": "b", "lower": -10, "upper": 10},
               {"name": "c", "lower": -10, "upper": 10}]})j");
  const GroupData g = line_data();
  const Ols ols = ordinary_least_squares(g);
  const std::vector<double> params = {ols.beta(0) / 2, ols.beta(1), ols.beta(0) / 2};
  const FitStatistics s = fit_statistics(*compile_law(law), g, law.objective, resolve_bounds(law, g), params);
  EXPECT_NE(s.note.find("rank deficient"), std::string::npos) << s.note;
  // The pseudo-inverse splits var(a + c) evenly: var(a) = var(intercept) / 4; s^2 divides by
  // n - 3 (every free parameter counts, as in curve_fit) where OLS's divides by n - 2.
  const double dof_ratio = (7.0 - 2.0) / (7.0 - 3.0);
  EXPECT_NEAR(s.standard_errors[0], std::sqrt(ols.covariance(0, 0) * dof_ratio) / 2, 1e-9);
  EXPECT_NEAR(s.standard_errors[1], std::sqrt(ols.covariance(1, 1) * dof_ratio), 1e-9);
}

TEST(DataTerms, ANanDataTermNamesItsRowAndValues) {
  const Law law = law_of(R"j({"name": "logs", "formula": "a + b * log(x)", "inputs": {"x": "size"}, "target": "y",
    "params": [{"name": "a", "lower": -10, "upper": 10}, {"name": "b", "lower": -10, "upper": 10}]})j");
  GroupData g = line_data();
  g.name = "g7";
  g.inputs[0][3] = -4;
  g.inputs[0][5] = -6;
  Dataset data;
  data.source = "runs.csv";
  try {
    require_defined_data_terms(law, *compile_law(law), data, g);
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("runs.csv:5: group 'g7': the law's term log(x) is NaN where x = -4 (column 'size')"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("2 rows: lines 5, 7"), std::string::npos) << m;
  }
}

TEST(DataTerms, OnlyTermsWhoseNanMustReachThePredictionAreErrors) {
  GroupData g = line_data();
  g.inputs[0][0] = -1;
  Dataset data;
  data.source = "runs.csv";
  // pow(NaN, e) is 1 where the fitted e is 0, so a NaN base under a parameter exponent may be fine.
  const Law maybe = law_of(R"j({"name": "maybe", "formula": "a + log(x)^b", "inputs": {"x": "x"}, "target": "y",
    "params": [{"name": "a", "lower": -10, "upper": 10}, {"name": "b", "lower": -1, "upper": 1}]})j");
  EXPECT_NO_THROW(require_defined_data_terms(maybe, *compile_law(maybe), data, g));
  // Under a constant exponent it is not.
  const Law sure = law_of(R"j({"name": "sure", "formula": "a + b * log(x)^2", "inputs": {"x": "x"}, "target": "y",
    "params": [{"name": "a", "lower": -10, "upper": 10}, {"name": "b", "lower": -1, "upper": 1}]})j");
  EXPECT_THROW(require_defined_data_terms(sure, *compile_law(sure), data, g), InputError);
  // A negative base under a parameter exponent is not a data term's NaN at all (pow decides).
  const Law power = law_of(R"j({"name": "power", "formula": "a * x^b", "inputs": {"x": "x"}, "target": "y",
    "params": [{"name": "a", "lower": -10, "upper": 10}, {"name": "b", "lower": -1, "upper": 1}]})j");
  EXPECT_NO_THROW(require_defined_data_terms(power, *compile_law(power), data, g));
}

}  // namespace
}  // namespace slfit
