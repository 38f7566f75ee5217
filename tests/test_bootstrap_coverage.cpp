// Coverage, a statistical test of the whole bootstrap: 200 synthetic data sets from a known law
// with Gaussian noise, each a group of one CSV file; the 95% percentile intervals must cover the
// true value of every parameter in 90%-99% of the data sets. (bench/bench_bootstrap_coverage.py
// runs the same check at a larger size.)

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace slfit {
namespace {

constexpr int kDatasets = 200;
constexpr int kPoints = 50;
constexpr double kTrue[] = {1.0, 2.0, 0.5};  // E, A, alpha of y = E + A x^-alpha
constexpr double kNoise = 0.01;

TEST(BootstrapCoverage, PercentileIntervalsCoverTheTrueParametersAtTheirLevel) {
  test::ScratchDir dir("bootstrap_coverage");
  const auto law = dir.file("power.json", R"law({"name": "power", "formula": "E + A * x^(-alpha)", "inputs": {"x": "x"},
      "params": [{"name": "E", "lower": 0, "upper": 5}, {"name": "A", "lower": 0, "upper": 10},
                 {"name": "alpha", "lower": 0, "upper": 2}]})law");
  std::mt19937_64 rng(20261123);
  std::normal_distribution<double> noise(0.0, kNoise);
  std::ostringstream csv;
  csv.precision(17);
  csv << "set,x,loss\n";
  for (int d = 0; d < kDatasets; ++d)
    for (int i = 0; i < kPoints; ++i) {
      const double x = std::pow(1000.0, static_cast<double>(i) / (kPoints - 1));  // 1 .. 1000, log-spaced
      csv << "s" << d << ',' << x << ',' << kTrue[0] + kTrue[1] * std::pow(x, -kTrue[2]) + noise(rng) << '\n';
    }
  const auto data = dir.file("sets.csv", csv.str());

  const test::CommandResult r = test::run_slfit("bootstrap --data '" + data.string() + "' --law '" + law.string() +
                                                "' --group set --resamples 300 --search local --method percentile"
                                                " --quiet --out -");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json out = nlohmann::json::parse(r.out);
  ASSERT_EQ(out["groups"].size(), static_cast<std::size_t>(kDatasets));
  const char* names[] = {"E", "A", "alpha"};
  for (int k = 0; k < 3; ++k) {
    int covered = 0;
    for (const nlohmann::json& g : out["groups"]) {
      const nlohmann::json& s = g["params"][names[k]];
      ASSERT_EQ(g["failed"], 0);
      covered += s["low"].get<double>() <= kTrue[k] && kTrue[k] <= s["high"].get<double>();
    }
    const double rate = static_cast<double>(covered) / kDatasets;
    RecordProperty(std::string("coverage_") + names[k], std::to_string(rate));
    EXPECT_GE(rate, 0.90) << names[k];
    EXPECT_LE(rate, 0.99) << names[k];
    std::printf("coverage of %s: %d of %d\n", names[k], covered, kDatasets);
  }
}

}  // namespace
}  // namespace slfit
