// Profiles (slfit/profile.hpp, surface --profile). For a law linear in its parameters the
// profile of one coefficient with the other re-fitted is an exact parabola, and lmfit's F-test
// interval is the textbook t interval b +- t(n - 2) se(b): the test fits that by the CLI.

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <vector>

#include <boost/math/distributions/students_t.hpp>

#include "cli_runner.hpp"
#include "slfit/profile.hpp"

namespace slfit {
namespace {

using test::run_slfit;

TEST(ProfileInterval, EndsAreWhereTheFStatisticCrossesItsQuantile) {
  // f(x) = 1 + x^2 with n = 12, 2 free: F = x^2 * 10, threshold F(1, 10) at 0.95 = 4.9646.
  std::vector<double> grid, profile;
  for (int k = -400; k <= 400; ++k) grid.push_back(k * 0.005), profile.push_back(1 + grid.back() * grid.back());
  const ProfileInterval i = profile_interval(grid, profile, 1.0, 12, 2, 0.95);
  EXPECT_NEAR(i.threshold, 4.964602743730711, 1e-9);
  const double end = std::sqrt(i.threshold / 10);
  EXPECT_NEAR(i.high, end, 1e-5);
  EXPECT_NEAR(i.low, -end, 1e-5);
  EXPECT_DOUBLE_EQ(i.estimate, 0.0);
}

TEST(ProfileInterval, AnEndTheGridDoesNotReachIsNaN) {
  const std::vector<double> grid = {0, 0.1, 0.2, 0.3};
  const std::vector<double> rising = {1, 1.001, 2, 3};  // crosses above 0 only
  const ProfileInterval open_low = profile_interval(grid, rising, 1.0, 12, 2, 0.95);
  EXPECT_TRUE(std::isnan(open_low.low));
  EXPECT_GT(open_low.high, 0.1);
  EXPECT_LT(open_low.high, 0.2);
  // Every point far above the optimum: the grid misses the interval altogether.
  const ProfileInterval missed = profile_interval(grid, std::vector<double>{5, 6, 7, 8}, 1.0, 12, 2, 0.95);
  EXPECT_TRUE(std::isnan(missed.low) && std::isnan(missed.high));
  // A point no parameters could fit (inf) ends the interval at the last finite one.
  const ProfileInterval wall = profile_interval(grid, std::vector<double>{1, 1.0001, INFINITY, 1}, 1.0, 12, 2, 0.95);
  EXPECT_DOUBLE_EQ(wall.high, 0.1);
  EXPECT_THROW(profile_interval(grid, rising, 1.0, 2, 2, 0.95), std::invalid_argument);
}

TEST(CliProfile, TheLinearLawsIntervalIsTheTInterval) {
  test::ScratchDir dir("profile_linear");
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8};
  const std::vector<double> y = {2.3, 3.9, 6.4, 7.7, 10.2, 12.1, 13.6, 16.4};
  std::string csv = "x,y\n";
  for (std::size_t i = 0; i < x.size(); ++i) csv += std::to_string(x[i]) + "," + std::to_string(y[i]) + "\n";
  const auto data = dir.file("line.csv", csv);
  const auto law = dir.file("line.json", R"j({"name": "line", "formula": "a + b * x", "target": "y",
    "params": [{"name": "a", "lower": -10, "upper": 10}, {"name": "b", "lower": 0, "upper": 5}]})j");
  // Ordinary least squares and its t interval for b.
  const double n = 8, mx = 4.5;
  double my = 0, sxx = 0, sxy = 0;
  for (double v : y) my += v / n;
  for (std::size_t i = 0; i < x.size(); ++i) sxx += (x[i] - mx) * (x[i] - mx), sxy += (x[i] - mx) * (y[i] - my);
  const double b = sxy / sxx, a = my - b * mx;
  double ssr = 0;
  for (std::size_t i = 0; i < x.size(); ++i) ssr += std::pow(a + b * x[i] - y[i], 2);
  const double se = std::sqrt(ssr / (n - 2) / sxx);
  const double t = boost::math::quantile(boost::math::students_t(n - 2), 0.95);  // level 0.9

  const auto intervals = dir.path() / "intervals.csv";
  const test::CommandResult r =
      run_slfit("surface --data '" + data.string() + "' --law '" + law.string() +
                "' --grid b=1.5:2.3:1601 --profile --level 0.9 --backend cpu --quiet "
                "--out '" +
                (dir.path() / "profile.csv").string() + "' --intervals '" + intervals.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream rows(test::read_text(intervals));
  std::string header, row;
  std::getline(rows, header);
  std::getline(rows, row);
  EXPECT_EQ(header, "group,param,estimate,low,high,level");
  std::vector<std::string> f;
  for (std::istringstream fields(row); std::getline(fields, header, ',');) f.push_back(header);
  ASSERT_EQ(f.size(), 6u) << row;
  EXPECT_EQ(f[0], "all");
  EXPECT_NEAR(std::stod(f[2]), b, 1e-9);
  EXPECT_NEAR(std::stod(f[3]), b - t * se, 1e-6);
  EXPECT_NEAR(std::stod(f[4]), b + t * se, 1e-6);
  // Each profile point re-fitted a: at b, a is the OLS intercept for that slope, my - b mx.
  std::istringstream profile(test::read_text(dir.path() / "profile.csv"));
  std::getline(profile, header);
  EXPECT_EQ(header, "group,a,b,objective");
  std::getline(profile, row);  // b = 1.5
  EXPECT_NEAR(std::stod(row.substr(4)), my - 1.5 * mx, 1e-7) << row;
}

TEST(CliProfile, ProfileNeedsAParameterToRefitAndIntervalsOneAxis) {
  const std::string base =
      "surface --data examples/parscale/train.csv --group group --law parallel_power --backend cpu ";
  const test::CommandResult all_on_grid =
      run_slfit(base + "--grid a=40:50:2 --grid b=-0.2:0:2 --grid c=0:0.1:2 --grid d=1:2:2 --profile");
  EXPECT_EQ(all_on_grid.exit_code, 2);
  EXPECT_NE(all_on_grid.err.find("every parameter is on the grid or fixed"), std::string::npos) << all_on_grid.err;
  const test::CommandResult two_axes =
      run_slfit(base + "--grid b=-0.2:0:2 --grid c=0:0.1:2 --profile --intervals /tmp/slfit_never_written.csv");
  EXPECT_EQ(two_axes.exit_code, 2);
  EXPECT_NE(two_axes.err.find("needs a grid of one parameter"), std::string::npos) << two_axes.err;
}

}  // namespace
}  // namespace slfit
