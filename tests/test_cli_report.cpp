// `slfit fit` as a person reads it: the table, the uncertainties in every format, the status
// words, failed groups as status rows (and --strict), and bad data found before any fitting.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "slfit/text.hpp"

namespace slfit {
namespace {

using test::run_slfit;
using json = nlohmann::json;

const std::string kParscale =
    "fit --data examples/parscale/train.csv --group group --law parallel_power --backend cpu ";

TEST(CliReport, TableShowsErrorsBoundsAndScoresPerGroup) {
  const test::CommandResult r = run_slfit(kParscale + "--test examples/parscale/test.csv --format table");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("group pile: 18 points, converged (DE met its tolerance)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("std error"), std::string::npos) << r.out;
  // The seed law's b sits on its lower bound -0.2 in both groups: the table says so.
  std::istringstream lines(r.out);
  std::string line;
  int flagged = 0;
  while (std::getline(lines, line))
    if (line.starts_with("  b ")) {
      EXPECT_NE(line.find("at lower bound"), std::string::npos) << line;
      ++flagged;
    }
  EXPECT_EQ(flagged, 2);
  EXPECT_NE(r.out.find("AIC"), std::string::npos);
  EXPECT_NE(r.out.find("test, all groups (12 points): r2 0.99966"), std::string::npos) << r.out;
}

TEST(CliReport, JsonAndCsvCarryTheSameUncertainties) {
  const test::CommandResult j = run_slfit(kParscale + "--format json");
  const test::CommandResult c = run_slfit(kParscale + "--format csv");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const json pile = json::parse(j.out)["fits"][0];
  EXPECT_EQ(pile["at_bound"], json({{"b", "lower"}}));
  const json& u = pile["uncertainty"];
  EXPECT_EQ(u["dof"], 14);
  EXPECT_GT(u["standard_errors"]["c"].get<double>(), 0.0);
  EXPECT_EQ(u["correlation"].size(), 4u);
  EXPECT_EQ(u["correlation"][2][2], 1.0);
  // The CSV's se_c is the JSON's, digit for digit (both shortest exact forms).
  std::istringstream rows(c.out);
  std::string header, first;
  std::getline(rows, header);
  std::getline(rows, first);
  std::vector<std::string> names, values;
  for (std::istringstream h(header); std::getline(h, header, ',');) names.push_back(header);
  for (std::istringstream v(first); std::getline(v, first, ',');) values.push_back(first);
  const auto column = [&](const std::string& name) {
    return values.at(static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin()));
  };
  EXPECT_EQ(std::stod(column("se_c")), u["standard_errors"]["c"].get<double>());
  EXPECT_EQ(std::stod(column("aic")), u["aic"].get<double>());
  EXPECT_EQ(column("at_bound"), "b:lower");
  EXPECT_EQ(column("de_converged"), "true");
}

TEST(CliReport, StatusSaysWhetherTheFinalPointConverged) {
  // DE cut short at 5 generations: the DE did not meet its tolerance, the refined point did.
  const json out = json::parse(run_slfit(kParscale + "--maxiter 5").out);
  for (const json& fit : out["fits"]) {
    EXPECT_EQ(fit["status"], "converged") << fit.dump();
    EXPECT_FALSE(fit["de"]["converged"].get<bool>());
  }
  // One L-BFGS-B iteration after one generation: L-BFGS-B runs out of iterations, and the status
  // is that of the Newton polish after it, which may or may not finish the smooth mse objective...
  const json cut = json::parse(run_slfit(kParscale + "--maxiter 1 --lbfgs-maxiter 1").out);
  for (const json& fit : cut["fits"]) {
    EXPECT_EQ(fit["lbfgsb"]["status"], "max iterations");
    const bool polished = fit["newton"]["status"].get<std::string>().starts_with("converged");
    EXPECT_EQ(fit["status"], polished ? "converged" : "maxiter") << fit.dump();
  }
  // ...and not an mae objective's, whose kinks stop it: then the final point's search ran out.
  test::ScratchDir dir("status");
  std::string law = run_slfit("laws parallel_power").out;
  law.replace(law.find(R"("kind": "mse")"), std::string(R"("kind": "mse")").size(), R"("kind": "mae")");
  const auto mae = dir.file("mae.json", law);
  const json stopped =
      json::parse(run_slfit("fit --data examples/parscale/train.csv --group group --backend cpu --maxiter 1 "
                            "--lbfgs-maxiter 1 --law '" + mae.string() + "'").out);
  for (const json& fit : stopped["fits"]) {
    EXPECT_EQ(fit["status"], "maxiter") << fit.dump();
    // Its one iteration ends at the cap, or in a line search that a kink stopped: not converged.
    EXPECT_FALSE(fit["lbfgsb"]["status"].get<std::string>().starts_with("converged")) << fit.dump();
  }
}

// Two groups; in group "far" every x exceeds a's upper bound, so log(a - x) is NaN for every
// candidate: a run-time failure no check of the data alone can see.
std::string far_group_csv() {
  std::string csv = "g,x,y\n";
  for (int i = 1; i <= 6; ++i) csv += "near," + std::to_string(0.1 * i) + "," + std::to_string(1.0 + 0.3 * i) + "\n";
  for (int i = 1; i <= 6; ++i) csv += "far," + std::to_string(5.0 + i) + "," + std::to_string(1.0 + 0.2 * i) + "\n";
  return csv;
}
constexpr const char* kLogLaw = R"j({"name": "log_gap", "formula": "b * log(a - x) + c", "inputs": {"x": "x"},
  "target": "y", "params": [{"name": "a", "lower": 1, "upper": 2}, {"name": "b", "lower": -5, "upper": 5},
  {"name": "c", "lower": -5, "upper": 5}]})j";

TEST(CliReport, AFailedGroupIsAStatusRowUnlessStrict) {
  test::ScratchDir dir("failed_group");
  const auto data = dir.file("runs.csv", far_group_csv());
  const auto law = dir.file("law.json", kLogLaw);
  const std::string args = "fit --data '" + data.string() + "' --law '" + law.string() + "' --group g --maxiter 20 ";
  const test::CommandResult r = run_slfit(args + "--format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("group 'far'"), std::string::npos) << r.err;
  const json out = json::parse(r.out);
  EXPECT_EQ(out["fits"][0]["status"], "converged");
  EXPECT_EQ(out["fits"][1]["status"], "no_finite_value");
  EXPECT_FALSE(out["fits"][1].contains("uncertainty"));
  const test::CommandResult csv = run_slfit(args + "--format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_NE(csv.out.find("\nfar,6,"), std::string::npos) << csv.out;
  EXPECT_NE(csv.out.find("no_finite_value"), std::string::npos) << csv.out;

  const auto out_file = dir.path() / "fits.json";
  const test::CommandResult strict = run_slfit(args + "--strict --out '" + out_file.string() + "'");
  EXPECT_EQ(strict.exit_code, 2) << strict.err;
  EXPECT_NE(strict.err.find("group 'far'"), std::string::npos) << strict.err;
  EXPECT_FALSE(std::filesystem::exists(out_file));
}

TEST(CliReport, ABadRowInTheLastOf1500GroupsFailsBeforeAnyFitting) {
  test::ScratchDir dir("bad_last_row");
  std::string csv = "g,N,loss\n";
  for (int g = 0; g < 1500; ++g)
    for (int i = 1; i <= 6; ++i)
      csv += "g" + std::to_string(g) + "," + std::to_string(i * 1000) + "," + std::to_string(3.0 - 0.1 * i) + "\n";
  csv += "g1499,-50,2.5\n";  // line 9002
  const auto data = dir.file("runs.csv", csv);
  const auto law = dir.file("law.json", R"j({"name": "log_law", "formula": "a - b * log(N)", "inputs": {"N": "N"},
    "target": "loss", "params": [{"name": "a", "lower": 0, "upper": 10}, {"name": "b", "lower": 0, "upper": 1}]})j");
  const auto start = std::chrono::steady_clock::now();
  const test::CommandResult r =
      run_slfit("fit --data '" + data.string() + "' --law '" + law.string() + "' --group g --threads 1");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("runs.csv:9002: group 'g1499': the law's term log(N) is NaN where N = -50 (column 'N')"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(r.out.empty());
  // Fitting 1,500 groups takes tens of seconds on one thread; the check alone takes well under one.
  EXPECT_LT(seconds, 5.0);
}

TEST(CliReport, ABoundThatFailsNamesTheDataValueBehindIt) {
  test::ScratchDir dir("bound_value");
  const auto data = dir.file("runs.csv", "N,loss\n1,3\n2,2\n3,-1\n4,1.5\n");
  const auto law = dir.file("law.json", R"j({"name": "floor", "formula": "E + A / N", "inputs": {"N": "N"},
    "target": "loss", "params": [{"name": "E", "lower": 0, "upper": "y_min"}, {"name": "A", "lower": 0, "upper": 9}]})j");
  const test::CommandResult r = run_slfit("fit --data '" + data.string() + "' --law '" + law.string() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("lower bound 0 > upper bound -1, where y_min = -1 (line 4)"), std::string::npos) << r.err;
}

TEST(CliReport, FormatMustBeOneOfTheThree) {
  const test::CommandResult r = run_slfit(kParscale + "--format yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--format: 'yaml' is not one of: json, csv, table"), std::string::npos) << r.err;
}

TEST(CliReport, QuietLeavesStderrEmptyOnEveryFittingCommand) {
  const std::string data = "--data examples/parscale/train.csv --group group --law parallel_power --backend auto ";
  for (const std::string& command : {"fit " + data + "--format csv", "surface " + data + "--grid c=0:0.5:3",
                                    "bootstrap " + data + "--resamples 10 --maxiter 20"}) {
    const test::CommandResult loud = run_slfit(command);
    ASSERT_EQ(loud.exit_code, 0) << command << ": " << loud.err;
    EXPECT_NE(loud.err.find("backend"), std::string::npos) << command;  // the backend line, at least
    const test::CommandResult quiet = run_slfit(command + " --quiet");
    EXPECT_EQ(quiet.exit_code, 0) << command;
    EXPECT_EQ(quiet.err, "") << command;
  }
}

// The progress line is drawn only on a terminal, so the test gives fit one (script(1)).
TEST(CliReport, FitShowsProgressOnATerminal) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no script(1) to provide a terminal";
  test::ScratchDir dir("fit_progress");
  std::istringstream lines(test::read_text(test::source_dir() + "/examples/parscale/train.csv"));
  std::string header, line, csv;
  std::getline(lines, header);
  csv = header + "\n";
  std::vector<std::string> rows;
  while (std::getline(lines, line)) rows.push_back(line);
  for (int copy = 0; copy < 600; ++copy)  // 1,200 groups: two seconds of fitting or so (searching every parameter)
    for (const std::string& row : rows)
      csv += row.substr(0, row.find(',')) + std::to_string(copy) + row.substr(row.find(',')) + "\n";
  ASSERT_TRUE(header.starts_with("group,"));
  const auto data = dir.file("big.csv", csv);
  const std::string fit = "'" + test::slfit_binary() + "' fit --data '" + data.string() +
                          "' --group group --law parallel_power --maxiter 150 --separable off --backend cpu --out '" +
                          (dir.path() / "fits.json").string() + "'";
  const auto transcript = dir.path() / "transcript";
  for (const bool quiet : {false, true}) {
    const std::string command =
        "script -qec \"" + fit + (quiet ? " --quiet" : "") + "\" /dev/null > '" + transcript.string() + "' 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0);
    const std::string shown = test::read_text(transcript);
    if (quiet) EXPECT_EQ(shown.find("fits: "), std::string::npos) << shown;
    else EXPECT_NE(shown.find("fits: 1200/1200"), std::string::npos) << shown;
  }
}

// ParScale's training file with a weight column w (1, 2 or 4) and the same with sigma = 1 / w.
std::string with_scale_column(const std::string& name, bool inverse) {
  std::istringstream lines(test::read_text(test::source_dir() + "/examples/parscale/train.csv"));
  std::string line, csv;
  std::getline(lines, line);
  if (line.ends_with('\r')) line.pop_back();  // the bundled files end their lines with CRLF
  csv = line + "," + name + "\n";
  for (int i = 0; std::getline(lines, line); ++i) {
    if (line.ends_with('\r')) line.pop_back();
    const double w = 1 << (i % 3);
    csv += line + "," + shortest_number(inverse ? 1 / w : w) + "\n";
  }
  return csv;
}

TEST(CliWeights, WeightsAndSigmaScaleTheResidualsAlike) {
  test::ScratchDir dir("weights");
  const auto weighted = dir.file("w.csv", with_scale_column("w", false));
  const auto sigma = dir.file("s.csv", with_scale_column("s", true));
  const std::string fit =
      "fit --group group --law parallel_power --backend cpu --format json --test examples/parscale/test.csv ";
  const test::CommandResult plain = run_slfit(fit + "--data examples/parscale/train.csv");
  const test::CommandResult by_weight = run_slfit(fit + "--data '" + weighted.string() + "' --weights w");
  const test::CommandResult by_sigma = run_slfit(fit + "--data '" + sigma.string() + "' --sigma s");
  ASSERT_EQ(by_weight.exit_code, 0) << by_weight.err;
  ASSERT_EQ(by_sigma.exit_code, 0) << by_sigma.err;
  const json p = json::parse(plain.out)["fits"][0], w = json::parse(by_weight.out)["fits"][0],
             s = json::parse(by_sigma.out)["fits"][0];
  // The weighted objective is the plain one with rows counted 1, 4 or 16 times: another optimum.
  EXPECT_NE(w["params"]["c"], p["params"]["c"]);
  EXPECT_NEAR(w["params"]["c"].get<double>(), s["params"]["c"].get<double>(), 1e-9);
  EXPECT_NEAR(w["objective"].get<double>(), s["objective"].get<double>(), 1e-12 * w["objective"].get<double>());
  // The law as fitted says how it was weighted, so predict and the JSON reader know.
  EXPECT_EQ(json::parse(by_sigma.out)["law_spec"]["objective"]["sigma"], "s");
}

TEST(CliWeights, BadWeightsAreErrorsNamingTheRow) {
  test::ScratchDir dir("bad_weights");
  const auto data = dir.file("w.csv", "x,y,w\n1,2,1\n2,3,-1\n3,5,1\n4,6,1\n");
  const auto law = dir.file("line.json", R"j({"formula": "a + b * x", "target": "y",
    "params": [{"name": "a", "lower": -9, "upper": 9}, {"name": "b", "lower": -9, "upper": 9}],
    "objective": {"kind": "mse", "weights": "w"}})j");
  const test::CommandResult negative = run_slfit("fit --data '" + data.string() + "' --law '" + law.string() + "'");
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_NE(negative.err.find("w.csv:3: column 'w' (3): -1 is a negative weight"), std::string::npos) << negative.err;
  const test::CommandResult both =
      run_slfit("fit --data examples/parscale/train.csv --law parallel_power --weights a --sigma b");
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("--weights and --sigma both scale the residuals; give one"), std::string::npos) << both.err;
  const test::CommandResult absent =
      run_slfit("fit --data examples/parscale/train.csv --law parallel_power --sigma err");
  EXPECT_EQ(absent.exit_code, 2);
  EXPECT_NE(absent.err.find("no column named 'err'"), std::string::npos) << absent.err;
}

TEST(CliWeights, BootstrapResamplesCarryTheirWeights) {
  test::ScratchDir dir("weights_bootstrap");
  const auto weighted = dir.file("w.csv", with_scale_column("w", false));
  const std::string args = "bootstrap --data '" + weighted.string() +
                           "' --group group --law parallel_power --resamples 30 --maxiter 40 --method percentile "
                           "--backend cpu --quiet --out - ";
  const test::CommandResult one = run_slfit(args + "--weights w --threads 1");
  const test::CommandResult two = run_slfit(args + "--weights w --threads 2");
  const test::CommandResult unweighted = run_slfit(args);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ASSERT_EQ(unweighted.exit_code, 0) << unweighted.err;
  const auto intervals = [](const std::string& out) {
    json j = json::parse(out)["groups"][0]["params"];
    return j;
  };
  EXPECT_EQ(intervals(one.out), intervals(two.out));
  EXPECT_NE(intervals(one.out), intervals(unweighted.out));
}

}  // namespace
}  // namespace slfit
