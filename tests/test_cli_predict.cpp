// `slfit predict`: fitted laws evaluated on new points, checked against what fit and bootstrap
// computed themselves (the test split's r2, the percentile band at a --predict point).

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "slfit/metrics.hpp"

namespace slfit {
namespace {

using test::run_slfit;
using json = nlohmann::json;

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    rows.emplace_back();
    std::istringstream fields(line);
    for (std::string field; std::getline(fields, field, ',');) rows.back().push_back(field);
  }
  return rows;
}

class CliPredict : public ::testing::Test {
 protected:
  CliPredict() : dir_("predict") {}
  std::string path(const std::string& name) const { return "'" + (dir_.path() / name).string() + "'"; }
  test::ScratchDir dir_;
};

TEST_F(CliPredict, PredictionsOnTheTestSplitScoreAsFitTestDid) {
  const test::CommandResult fit = run_slfit(
      "fit --data examples/parscale/train.csv --test examples/parscale/test.csv --group group --law parallel_power "
      "--backend cpu --out " +
      path("fit.json"));
  ASSERT_EQ(fit.exit_code, 0) << fit.err;
  const test::CommandResult r = run_slfit("predict --fit " + path("fit.json") + " --data examples/parscale/test.csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = csv_rows(r.out);
  ASSERT_EQ(rows[0], (std::vector<std::string>{"line", "group", "num_params", "parallel_size", "loss", "prediction"}));
  ASSERT_EQ(rows.size(), 13u);
  std::vector<double> observed, predicted;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i][0], std::to_string(i + 1));  // file order, by line
    observed.push_back(std::stod(rows[i][4]));
    predicted.push_back(std::stod(rows[i][5]));
  }
  const json report = json::parse(test::read_text(dir_.path() / "fit.json"));
  EXPECT_NEAR(score(observed, predicted).r2, report["test"]["r2"].get<double>(), 1e-12);
}

TEST_F(CliPredict, TheBandEqualsBootstrapsPercentileIntervalAtThePoint) {
  const test::CommandResult boot = run_slfit(
      "bootstrap --data examples/parscale/train.csv --group group --law parallel_power --resamples 120 --backend cpu "
      "--method percentile --ci 0.9 --predict num_params=7e10,parallel_size=8 --quiet --save-replicates " +
      path("replicates.csv") + " --out " + path("boot.json"));
  ASSERT_EQ(boot.exit_code, 0) << boot.err;
  dir_.file("points.csv", "parallel_size,group,num_params\n8,stack,7e10\n8,pile,7e10\n");
  const test::CommandResult r = run_slfit("predict --fit " + path("boot.json") + " --data " + path("points.csv") +
                                          " --replicates " + path("replicates.csv") + " --level 0.9 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json out = json::parse(r.out);
  const json report = json::parse(test::read_text(dir_.path() / "boot.json"));
  ASSERT_EQ(out["points"].size(), 2u);
  for (const json& point : out["points"]) {
    EXPECT_FALSE(point.contains("observed"));  // the file has no loss column
    for (const json& group : report["groups"]) {
      if (group["group"] != point["group"]) continue;
      const json& expected = group["predictions"][0];
      EXPECT_EQ(point["prediction"], expected["estimate"]) << point.dump();
      EXPECT_EQ(point["low"], expected["low"]) << point.dump();
      EXPECT_EQ(point["high"], expected["high"]) << point.dump();
    }
  }
  EXPECT_EQ(out["replicates_used"]["pile"], 120);
}

TEST_F(CliPredict, ErrorsNameTheGroupTheFileAndWhatIsMissing) {
  ASSERT_EQ(run_slfit("fit --data examples/parscale/train.csv --group group --law parallel_power --maxiter 30 "
                      "--backend cpu --out " +
                      path("fit.json"))
                .exit_code,
            0);
  dir_.file("other.csv", "group,num_params,parallel_size\npile,1e9,2\npiles,1e9,2\n");
  const test::CommandResult unknown = run_slfit("predict --fit " + path("fit.json") + " --data " + path("other.csv"));
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("other.csv:3: group 'piles' was not fitted in"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("(did you mean 'pile'?)"), std::string::npos) << unknown.err;
  EXPECT_TRUE(unknown.out.empty());

  dir_.file("old.json", R"({"law": "parallel_power", "fits": []})");
  const test::CommandResult old = run_slfit("predict --fit " + path("old.json") + " --data examples/parscale/test.csv");
  EXPECT_EQ(old.exit_code, 2);
  EXPECT_NE(old.err.find("no \"law_spec\""), std::string::npos) << old.err;

  dir_.file("replicates.csv", "group,replicate,objective,a,b,c\npile,0,1e-5,1,2,3\n");
  const test::CommandResult short_replicates =
      run_slfit("predict --fit " + path("fit.json") + " --data examples/parscale/test.csv --replicates " +
                path("replicates.csv"));
  EXPECT_EQ(short_replicates.exit_code, 2);
  EXPECT_NE(short_replicates.err.find("replicates.csv:1: no column named 'd'"), std::string::npos)
      << short_replicates.err;

  const test::CommandResult level =
      run_slfit("predict --fit " + path("fit.json") + " --data examples/parscale/test.csv --level 95");
  EXPECT_EQ(level.exit_code, 2);
  EXPECT_NE(level.err.find("--level: 95 is not between 0 and 1"), std::string::npos) << level.err;
}

TEST_F(CliPredict, ANonFinitePredictionIsAWarningNamingThePoint) {
  ASSERT_EQ(run_slfit("fit --data examples/chinchilla/train.csv --law chinchilla --maxiter 30 --backend cpu --out " +
                      path("fit.json"))
                .exit_code,
            0);
  // A / N^alpha at N = 0 is infinite.
  dir_.file("points.csv", "num_params,tokens\n1e9,2e10\n0,2e10\n");
  const test::CommandResult r = run_slfit("predict --fit " + path("fit.json") + " --data " + path("points.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("points.csv:3: group 'all': the prediction is inf"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace slfit
