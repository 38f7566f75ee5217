// slfit surface: grid axes and their order, values equal to the fit's own objective and to an
// independent MSE, and the command end to end. (Its bad inputs are in bad_inputs/catalogue.json;
// the GPU's values against these are in test_cuda_device.cpp.)

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "slfit/surface.hpp"
#include "slfit/csv.hpp"
#include "slfit/error.hpp"
#include "slfit/law_io.hpp"

namespace slfit {
namespace {

using json = nlohmann::json;
using test::run_slfit;

const std::string kData = "--data examples/parscale/train.csv --group group --law parallel_power ";

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    rows.emplace_back();
    std::istringstream fields(line);
    for (std::string field; std::getline(fields, field, ',');) rows.back().push_back(field);
  }
  return rows;
}

std::string exact(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}

TEST(SurfaceGrid, AxesSpaceEvenlyOrByDecadesAndKeepTheirEnds) {
  const Law law = load_law("parallel_power");
  const GridAxis linear = parse_grid_axis("b=-0.2:0.2:5", law);
  EXPECT_EQ(linear.param, 1u);
  const std::vector<double> v = linear.values();
  ASSERT_EQ(v.size(), 5u);
  EXPECT_EQ(v.front(), -0.2);
  EXPECT_NEAR(v[1], -0.1, 1e-16);
  EXPECT_NEAR(v[2], 0.0, 1e-16);
  EXPECT_EQ(v.back(), 0.2);
  EXPECT_EQ(parse_grid_axis("a=1e-3:1e3:7:log", law).values(),
            (std::vector<double>{1e-3, 1e-2, 1e-1, 1, 10, 100, 1000}));
  EXPECT_EQ(parse_grid_axis("c=0.5:0.5:1", law).values(), std::vector<double>{0.5});
}

TEST(SurfaceGrid, PointsRunOverTheFirstAxisSlowestAndKeepTheRestAtTheBase) {
  const Law law = load_law("parallel_power");
  const std::vector<GridAxis> axes{parse_grid_axis("c=0:1:2", law), parse_grid_axis("a=10:30:3", law)};
  EXPECT_EQ(grid_size(axes), 6u);
  const std::vector<double> base{7, 8, 9, 10};
  const std::vector<double> points = grid_points(axes, base);
  const std::vector<double> expected{10, 8, 0, 10, 20, 8, 0, 10, 30, 8, 0, 10,
                                     10, 8, 1, 10, 20, 8, 1, 10, 30, 8, 1, 10};
  EXPECT_EQ(points, expected);
}

TEST(SurfaceGrid, MalformedAxesAreInputErrors) {
  const Law law = load_law("parallel_power");
  for (const char* text : {"b", "b=1:2", "b=1:2:3:lin", "b=1:2:-1", "b=1:2:1", "b=1:inf:3", "b=0:1:3:log", "z=0:1:2"})
    EXPECT_THROW(parse_grid_axis(text, law), InputError) << text;
}

TEST(CliSurface, AGridPointAtTheOptimumGivesTheFitsOwnObjective) {
  const test::CommandResult fit = run_slfit("fit " + kData + "--format json");
  ASSERT_EQ(fit.exit_code, 0) << fit.err;
  const json fits = json::parse(fit.out)["fits"];
  const double b = fits[0]["params"]["b"];
  // b on a one-point grid at the pile optimum; a, c, d at the surface's own fit, the same fit.
  const test::CommandResult r = run_slfit("surface " + kData + "--grid b=" + exact(b) + ":" + exact(b) + ":1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = csv_rows(r.out);
  ASSERT_EQ(rows.size(), 3u) << r.out;  // header, pile, stack
  EXPECT_EQ(rows[0], (std::vector<std::string>{"group", "a", "b", "c", "d", "objective"}));
  EXPECT_EQ(rows[1][0], "pile");
  EXPECT_EQ(std::stod(rows[1][2]), b);
  EXPECT_EQ(std::stod(rows[1][1]), fits[0]["params"]["a"].get<double>());
  EXPECT_EQ(std::stod(rows[1][5]), fits[0]["objective"].get<double>());
  EXPECT_NE(r.err.find("group pile: fitted optimum"), std::string::npos) << r.err;
}

TEST(CliSurface, ValuesEqualAnIndependentMseAndNothingIsFittedWhenAllIsFixed) {
  test::ScratchDir dir("surface_fixed");
  const auto out = dir.path() / "surface.csv";
  const test::CommandResult r = run_slfit("surface " + kData + "--grid a=10:50:5 --grid c=0:0.1:3 --fix b=-0.15 "
                                          "--fix d=1.2 --backend cpu --out '" + out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("fitted optimum"), std::string::npos) << r.err;
  const auto rows = csv_rows(test::read_text(out));
  ASSERT_EQ(rows.size(), 1u + 2 * 15);

  const Dataset data = read_dataset(test::source_dir() + "/examples/parscale/train.csv",
                                    ColumnSelection{{"num_params", "parallel_size"}, "loss", "group"}, 1);
  std::size_t row = 1;
  for (const GroupData& g : data.groups) {
    for (int i = 0; i < 15; ++i, ++row) {
      ASSERT_EQ(rows[row][0], g.name);
      const double a = std::stod(rows[row][1]), b = std::stod(rows[row][2]), c = std::stod(rows[row][3]),
                   d = std::stod(rows[row][4]);
      EXPECT_EQ(a, 10.0 + 10.0 * (i / 3));
      EXPECT_EQ(b, -0.15);
      EXPECT_EQ(d, 1.2);
      double sse = 0;  // the seed's law: a max(N, eps)^b / (max(P, eps)^c + eps) + d
      for (std::size_t k = 0; k < g.size(); ++k) {
        const double prediction =
            a * std::pow(std::max(g.inputs[0][k], 1e-10), b) / (std::pow(std::max(g.inputs[1][k], 1e-10), c) + 1e-10) + d;
        sse += (prediction - g.target[k]) * (prediction - g.target[k]);
      }
      EXPECT_NEAR(std::stod(rows[row][5]), sse / g.size(), 1e-12 * sse / g.size()) << g.name << " row " << row;
    }
  }
}

TEST(CliSurface, NonFiniteObjectivesAreWrittenAsInf) {
  // N^400 overflows for every N of the data.
  const test::CommandResult r = run_slfit("surface " + kData + "--grid b=400:400:1 --fix a=1 --fix c=0 --fix d=0");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = csv_rows(r.out);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][5], "inf");
  EXPECT_EQ(rows[2][5], "inf");
}

}  // namespace
}  // namespace slfit
