// The objectives SLDBench's evolved programs fit with, through the CLI on data of our own making:
// the cases slfit once refused (relative residuals, least_squares' robust losses with f_scale,
// per-point weights, sums of terms with a ridge, a log-space fit of a negative target), each
// fitted, its objective read back in fit's law_spec, and in a rescore manifest's entry.

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace slfit::test {
namespace {

using json = nlohmann::json;

// y = sign * (2 N^-0.3 / P^0.1 + 0.5) with a few percent of multiplicative noise and two gross
// outliers (rows 7 and 19), and a weight per row; N on a grid, P in {1, 2, 4}.
std::string synthetic_csv(double sign) {
  std::ostringstream csv;
  csv << "N,P,loss,w\n";
  for (int i = 0; i < 30; ++i) {
    const double n = 1.0 + 3.0 * (i / 3), p = 1 << (i % 3);
    const double noise = 1.0 + 0.03 * std::sin(1.7 * i), outlier = (i == 7 || i == 19) ? 1.5 : 1.0;
    csv << n << "," << p << "," << sign * (2.0 * std::pow(n, -0.3) / std::pow(p, 0.1) + 0.5) * noise * outlier << ","
        << 0.5 + 0.1 * (i % 5) << "\n";
  }
  return csv.str();
}

// a * N^b / P^c + d, with the given objective; for a negative target the scale a and offset d
// are negative.
std::string law_file(const std::string& objective, double sign) {
  const std::string a = sign > 0 ? R"("lower": 0.01, "upper": 10)" : R"("lower": -10, "upper": -0.01)";
  const std::string d = sign > 0 ? R"("lower": 0, "upper": 2)" : R"("lower": -2, "upper": 0)";
  return R"({"name": "synthetic", "formula": "a * N^b / P^c + d", "inputs": {"N": "N", "P": "P"}, "target": "loss",
            "params": [{"name": "a", )" + a + R"(}, {"name": "b", "lower": -1, "upper": 0},
                       {"name": "c", "lower": 0, "upper": 1}, {"name": "d", )" + d + R"(}],
            "objective": )" + objective + "}";
}

struct Fitted {
  json fit;        // the only group's fit
  json objective;  // the law_spec's objective
};

Fitted fit_with(const ScratchDir& dir, const std::string& objective, double sign = 1.0) {
  const auto data = dir.file("data.csv", synthetic_csv(sign));
  const auto law = dir.file("law.json", law_file(objective, sign));
  const CommandResult r =
      run_slfit("fit --backend cpu --format json --data '" + data.string() + "' --law '" + law.string() + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const json out = json::parse(r.out);
  return {out["fits"][0], out["law_spec"]["objective"]};
}

TEST(CliObjectives, RelativeResiduals) {
  ScratchDir dir("relative");
  const Fitted f = fit_with(dir, R"({"kind": "mse", "space": "relative"})");
  EXPECT_EQ(f.fit["status"], "converged");
  EXPECT_EQ(f.objective["space"], "relative");
  // A least-squares objective in any space has standard errors.
  EXPECT_TRUE(f.fit["uncertainty"]["standard_errors"]["b"].is_number()) << f.fit.dump();
}

TEST(CliObjectives, RobustLossesWithFScaleResistOutliers) {
  ScratchDir dir("robust");
  const Fitted mse = fit_with(dir, R"({"kind": "mse"})");
  for (const char* kind : {"soft_l1", "cauchy", "arctan"}) {
    const Fitted f = fit_with(dir, std::string(R"({"kind": ")") + kind + R"(", "f_scale": 0.02})");
    EXPECT_EQ(f.fit["status"], "converged") << kind;
    EXPECT_EQ(f.objective["f_scale"], 0.02) << kind;
    // Two 50% outliers pull mse's exponent away from -0.3; a robust loss stays closer.
    const double b_robust = f.fit["params"]["b"].get<double>(), b_mse = mse.fit["params"]["b"].get<double>();
    EXPECT_LT(std::abs(b_robust + 0.3), std::abs(b_mse + 0.3)) << kind << " b " << b_robust << " vs mse " << b_mse;
    EXPECT_NE(f.fit["uncertainty"]["note"].get<std::string>().find("least-squares"), std::string::npos);
  }
}

TEST(CliObjectives, PerPointWeights) {
  ScratchDir dir("weights");
  const Fitted plain = fit_with(dir, R"({"kind": "mse"})");
  const Fitted weighted = fit_with(dir, R"({"kind": "mse", "weights": "w"})");
  EXPECT_EQ(weighted.fit["status"], "converged");
  EXPECT_EQ(weighted.objective["weights"], "w");
  EXPECT_NE(weighted.fit["params"]["a"], plain.fit["params"]["a"]);
}

TEST(CliObjectives, SumsOfTermsAndARidge) {
  ScratchDir dir("terms");
  const std::string objective = R"({"terms": [{"kind": "mse"}, {"kind": "mae", "coefficient": 0.1},
      {"kind": "mse", "space": "log", "coefficient": 0.5}], "ridge": {"coefficient": 1e-4, "params": ["a", "d"]}})";
  const Fitted f = fit_with(dir, objective);
  EXPECT_EQ(f.fit["status"], "converged");
  ASSERT_EQ(f.objective["terms"].size(), 3u);
  EXPECT_EQ(f.objective["terms"][1]["kind"], "mae");
  EXPECT_EQ(f.objective["terms"][1]["coefficient"], 0.1);
  EXPECT_EQ(f.objective["ridge"]["params"], json({"a", "d"}));
}

TEST(CliObjectives, ANegativeTargetFitsInNegLogSpace) {
  ScratchDir dir("neglog");
  const Fitted f = fit_with(dir, R"({"kind": "mse", "space": "neglog"})", -1.0);
  EXPECT_EQ(f.fit["status"], "converged");
  EXPECT_LT(f.fit["params"]["a"].get<double>(), 0.0);
  // In log space the same data is refused at its first row, with the way out named.
  const auto data = dir.file("neg.csv", synthetic_csv(-1.0));
  const auto law = dir.file("log.json", law_file(R"({"kind": "mse", "space": "log"})", -1.0));
  const CommandResult r = run_slfit("fit --backend cpu --data '" + data.string() + "' --law '" + law.string() + "'");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("neg.csv:2: column 'loss' is -2.5, but law 'synthetic' has an objective term in space "
                       "\"log\", which needs positive targets (a negative target can be fit in space \"neglog\")"),
            std::string::npos)
      << r.err;
}

TEST(CliObjectives, ARescoreEntryTakesAnyObjective) {
  ScratchDir dir("rescore");
  dir.file("train.csv", synthetic_csv(1.0));
  dir.file("test.csv", synthetic_csv(1.0));
  dir.file("law.json", law_file(R"({"kind": "mse"})", 1.0));
  const auto manifest = dir.file("board.json", R"({"tasks": {"t": {"train": "train.csv", "test": "test.csv"}},
    "entries": [{"id": "plain", "task": "t", "law": "law.json"},
                {"id": "robust", "task": "t", "law": "law.json",
                 "objective": {"kind": "soft_l1", "f_scale": 0.02, "space": "relative", "ridge": 1e-6}}]})");
  const CommandResult r = run_slfit("rescore --backend cpu --manifest '" + manifest.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("robust"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("plain"), std::string::npos) << r.out;
}

// The bundled SLDBench tasks: moe (one output, laws with the objectives above) and
// domain_mixture (five outputs, a law with shared exponents), rescored as one leaderboard.
TEST(CliObjectives, TheBundledSldbenchLeaderboardScoresEveryEntry) {
  ScratchDir dir("sldbench");
  const std::string json_path = (dir.path() / "scores.json").string();
  const CommandResult r = run_slfit("rescore --backend cpu --manifest examples/sldbench/sldbench.json --json '" +
                                    json_path + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The multi-output entries' scores are the means of their outputs' (SLDBench's).
  const json scores = json::parse(read_text(json_path));
  for (const json& entry : scores["entries"]) {
    if (entry["task"] != "domain_mixture") {
      EXPECT_FALSE(entry.contains("outputs"));
      continue;
    }
    ASSERT_EQ(entry["outputs"].size(), 5u) << entry.dump();
    double nmse = 0.0;
    for (const auto& [name, scores] : entry["outputs"].items()) nmse += scores["nmse"].get<double>() / 5.0;
    EXPECT_NEAR(entry["nmse"].get<double>(), nmse, 1e-12 * nmse);
    EXPECT_NEAR(entry["r2"].get<double>(), 1.0 - nmse, 1e-12);
  }
  EXPECT_NE(r.err.find("6 entries (6 scored, 0 failed)"), std::string::npos) << r.err;
  std::istringstream rows(r.out);
  std::string line;
  std::getline(rows, line);
  EXPECT_EQ(line, "rank,id,task,law,r2,nmse,nmae,train_objective,status,error,seconds");
  int converged = 0;
  while (std::getline(rows, line)) {
    converged += line.find(",converged,") != std::string::npos;
    if (line.find(",domain_mixture_shared,") != std::string::npos) {
      const std::size_t r2_at = line.find("shared_exponents,") + std::string("shared_exponents,").size();
      EXPECT_GT(std::stod(line.substr(r2_at)), 0.95) << line;
    }
  }
  EXPECT_EQ(converged, 6) << r.out;
}

}  // namespace
}  // namespace slfit::test
