// `--separable auto|off` end to end: what the outputs say was solved exactly, that the fits reach
// the full search's optima in fewer evaluations, and where it does not apply.

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace slfit::test {
namespace {

using json = nlohmann::json;

json run_json(const std::string& args) {
  const CommandResult r = run_slfit(args + " --backend cpu --quiet");
  EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
  return json::parse(r.out);
}

TEST(CliSeparable, FitsReachTheFullSearchsOptimaInFewerEvaluationsAndSayWhatWasSolved) {
  // The factor by which evaluations fall at least: the search drops from 4 to 2 dimensions (seed
  // law), 5 to 2 (Chinchilla), 4 to 3 (parscale).
  for (const auto& [data, law, solved, factor] :
       {std::tuple{"examples/parscale/train.csv --group group", "parallel_power", json{"a", "d"}, 3},
        std::tuple{"examples/parscale/train.csv --group group", "parscale", json{"E"}, 2},
        std::tuple{"examples/chinchilla/train.csv", "chinchilla", json{"E", "A", "B"}, 3}}) {
    const std::string args = std::string("fit --data ") + data + " --law " + law;
    const json projected = run_json(args);
    const json searched = run_json(args + " --separable off");
    EXPECT_EQ(projected["separable"], "auto");
    EXPECT_EQ(searched["separable"], "off");
    for (std::size_t g = 0; g < projected["fits"].size(); ++g) {
      const json& p = projected["fits"][g];
      const json& s = searched["fits"][g];
      EXPECT_EQ(p["separable"], solved) << law;
      EXPECT_EQ(s["separable"], json::array()) << law;
      EXPECT_LE(p["objective"].get<double>(), s["objective"].get<double>() * (1 + 1e-9)) << law << " " << p["group"];
      EXPECT_EQ(p["status"], "converged") << law;
      EXPECT_LT(factor * p["de"]["evaluations"].get<long long>(), s["de"]["evaluations"].get<long long>()) << law;
    }
  }
}

TEST(CliSeparable, ObjectivesThatAreNotLinearLeastSquaresSearchEveryParameter) {
  ScratchDir dir("separable");
  const auto law = dir.file("law.json", R"({"formula": "a * N^b / P^c + d", "inputs": {"N": "num_params", "P": "parallel_size"},
    "target": "loss", "params": [{"name": "a", "lower": 1e-6, "upper": 1000}, {"name": "b", "lower": -1, "upper": 0},
    {"name": "c", "lower": 0, "upper": 1}, {"name": "d", "lower": 0, "upper": 5}],
    "objective": {"kind": "mse", "space": "log"}})");
  const json fit = run_json("fit --data examples/parscale/train.csv --group group --law '" + law.string() + "'");
  for (const json& f : fit["fits"]) EXPECT_EQ(f["separable"], json::array());
}

TEST(CliSeparable, BootstrapAndRescoreRecordTheSetting) {
  const json boot = run_json("bootstrap --data examples/parscale/train.csv --group group --law parallel_power "
                             "--resamples 20 --maxiter 50 --separable off --out -");
  EXPECT_EQ(boot["separable"], "off");
  EXPECT_EQ(boot["groups"][0]["fit"]["separable"], json::array());
  ScratchDir dir("separable_rescore");
  const auto scores = dir.path() / "scores.json";
  const CommandResult r = run_slfit("rescore --manifest examples/leaderboards/parallel.json --backend cpu --quiet --json '" +
                                    scores.string() + "' --out '" + (dir.path() / "scores.csv").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(read_text(scores))["separable"], "auto");
}

TEST(CliSeparable, TheTableNamesTheParametersSolvedExactly) {
  const std::string fit = "fit --data examples/parscale/train.csv --group group --law parallel_power --backend cpu "
                          "--quiet --format table";
  const CommandResult projected = run_slfit(fit);
  const CommandResult searched = run_slfit(fit + " --separable off");
  ASSERT_EQ(projected.exit_code, 0) << projected.err;
  ASSERT_EQ(searched.exit_code, 0) << searched.err;
  const std::string line = "  solved exactly for each candidate (--separable): a, d\n";
  EXPECT_NE(projected.out.find("at lower bound\n  c "), std::string::npos) << projected.out;  // the table as usual
  EXPECT_NE(projected.out.find(line), std::string::npos) << projected.out;
  EXPECT_EQ(searched.out.find("solved exactly"), std::string::npos) << searched.out;
}

TEST(CliSeparable, AnUnknownSettingIsAnErrorNamingTheFlag) {
  const CommandResult r = run_slfit("fit --data examples/parscale/train.csv --law parallel_power --separable sometimes");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--separable: 'sometimes' is not one of: auto, off"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

}  // namespace
}  // namespace slfit::test
