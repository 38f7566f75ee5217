#include <gtest/gtest.h>

#include <cmath>

#include "optim/lbfgsb.hpp"

namespace slfit {
namespace {

double rosenbrock(std::span<const double> x, std::span<double> g) {
  double f = 0;
  std::fill(g.begin(), g.end(), 0.0);
  for (std::size_t i = 0; i + 1 < x.size(); ++i) {
    const double t = x[i + 1] - x[i] * x[i], u = 1 - x[i];
    f += 100 * t * t + u * u;
    g[i] += -400 * t * x[i] - 2 * u;
    g[i + 1] += 200 * t;
  }
  return f;
}

TEST(Lbfgsb, ConvergesOnRosenbrock) {
  const std::vector<double> x0{-1.2, 1.0, -1.2, 1.0}, lo(4, -5), hi(4, 5);
  const LbfgsbOutcome r = minimize_lbfgsb(rosenbrock, x0, lo, hi, LbfgsbOptions{});
  EXPECT_TRUE(r.converged) << r.status;
  EXPECT_LT(r.f, 1e-12);
  for (double v : r.x) EXPECT_NEAR(v, 1.0, 1e-5);
}

TEST(Lbfgsb, StopsOnTheBoundWithAProjectedGradientTest) {
  // Minimum of (x - 3)^2 + (y + 1)^2 over [0, 2] x [0, 2] is (2, 0).
  auto f = [](std::span<const double> x, std::span<double> g) {
    g[0] = 2 * (x[0] - 3);
    g[1] = 2 * (x[1] + 1);
    return (x[0] - 3) * (x[0] - 3) + (x[1] + 1) * (x[1] + 1);
  };
  const std::vector<double> x0{0.5, 1.5}, lo{0, 0}, hi{2, 2};
  const LbfgsbOutcome r = minimize_lbfgsb(f, x0, lo, hi, LbfgsbOptions{});
  EXPECT_TRUE(r.converged) << r.status;
  EXPECT_DOUBLE_EQ(r.x[0], 2.0);
  EXPECT_DOUBLE_EQ(r.x[1], 0.0);
}

TEST(Lbfgsb, IterationLimitIsReportedAndKeepsTheBestPoint) {
  const std::vector<double> x0{-1.2, 1.0}, lo(2, -5), hi(2, 5);
  LbfgsbOptions o;
  o.maxiter = 3;
  const LbfgsbOutcome r = minimize_lbfgsb(rosenbrock, x0, lo, hi, o);
  EXPECT_EQ(r.status, "max iterations");
  EXPECT_FALSE(r.converged);
  std::vector<double> g(2);
  EXPECT_LE(r.f, rosenbrock(x0, g));
  EXPECT_DOUBLE_EQ(r.f, rosenbrock(r.x, g));
}

TEST(Lbfgsb, NonFiniteStartIsReportedNotThrown) {
  auto f = [](std::span<const double>, std::span<double> g) {
    g[0] = 0;
    return std::nan("");
  };
  const std::vector<double> x0{0.5}, lo{0}, hi{1};
  const LbfgsbOutcome r = minimize_lbfgsb(f, x0, lo, hi, LbfgsbOptions{});
  EXPECT_EQ(r.status, "start point not finite");
  EXPECT_TRUE(std::isinf(r.f));
}

TEST(Lbfgsb, ALineSearchFailureKeepsTheBestPointSeen) {
  // A cliff: finite only for x < 0.3, with its gradient pushing towards x = 1. The solver hits
  // +inf and must return a finite point no worse than the start.
  auto f = [](std::span<const double> x, std::span<double> g) {
    g[0] = 2 * (x[0] - 1);
    return x[0] < 0.3 ? (x[0] - 1) * (x[0] - 1) : std::numeric_limits<double>::infinity();
  };
  const std::vector<double> x0{0.0}, lo{-1}, hi{1};
  const LbfgsbOutcome r = minimize_lbfgsb(f, x0, lo, hi, LbfgsbOptions{});
  EXPECT_TRUE(std::isfinite(r.f));
  EXPECT_LE(r.f, 1.0);
  EXPECT_LT(r.x[0], 0.3);
  EXPECT_FALSE(r.status.empty());
}

}  // namespace
}  // namespace slfit
