// End-to-end tests of `slfit fit` on the bundled ParScale data: the acceptance figures of the
// CPU fitter, determinism across thread counts, and the output formats.

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace slfit {
namespace {

using test::run_slfit;
using json = nlohmann::json;

const std::string kParscale = "--data examples/parscale/train.csv --test examples/parscale/test.csv --group group ";

json fit_json(const std::string& args) {
  const test::CommandResult r = run_slfit("fit " + args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

const json& fit_of(const json& output, const std::string& group) {
  for (const json& f : output["fits"])
    if (f["group"] == group) return f;
  throw std::runtime_error("no fit for group " + group);
}

// Timing fields differ between runs; everything else must not.
json without_timing(json j) {
  j.erase("seconds");
  for (json& f : j["fits"]) f.erase("seconds");
  return j;
}

TEST(CliFit, SeedLawReachesScipysOptimumAndTestScore) {
  const json out = fit_json(kParscale + "--law parallel_power");
  // scipy's DE optimum inside the seed's bounds (shared/data/README.md).
  EXPECT_LE(fit_of(out, "pile")["objective"].get<double>(), 1.0674e-5);
  EXPECT_LE(fit_of(out, "stack")["objective"].get<double>(), 7.788e-6);
  EXPECT_GE(out["test"]["r2"].get<double>(), 0.99966);
  EXPECT_EQ(out["test"]["n"], 12);
  EXPECT_EQ(out["law"], "parallel_power");
  EXPECT_EQ(out["param_names"], json({"a", "b", "c", "d"}));
  EXPECT_EQ(fit_of(out, "pile")["n"], 18);
}

TEST(CliFit, SeedPipelineReproducesTheSeedProgramsScore) {
  const json out = fit_json(kParscale + "--law parallel_power --pipeline seed");
  EXPECT_NEAR(out["test"]["r2"].get<double>(), 0.999653, 2e-5);
  EXPECT_EQ(out["pipeline"], "seed");
}

TEST(CliFit, ParscaleLawScoresAsThePaper) {
  const json out = fit_json(kParscale + "--law parscale");
  EXPECT_GE(out["test"]["r2"].get<double>(), 0.99989);
}

TEST(CliFit, SameSeedGivesIdenticalOutputOnOneAndTwoThreads) {
  const json one = fit_json(kParscale + "--law parallel_power --seed 7 --threads 1");
  const json two = fit_json(kParscale + "--law parallel_power --seed 7 --threads 2");
  EXPECT_EQ(without_timing(one), without_timing(two));
  const json other = fit_json(kParscale + "--law parallel_power --seed 8 --threads 2");
  EXPECT_NE(fit_of(other, "pile")["de"], fit_of(one, "pile")["de"]);
}

TEST(CliFit, WithoutGroupThereIsOneGroupNamedAll) {
  const json out = fit_json("--data examples/parscale/train.csv --law parallel_power --maxiter 50");
  ASSERT_EQ(out["fits"].size(), 1u);
  EXPECT_EQ(out["fits"][0]["group"], "all");
  EXPECT_EQ(out["fits"][0]["n"], 36);
  EXPECT_FALSE(out.contains("test"));
}

TEST(CliFit, CsvFormatHasOneRowPerGroup) {
  test::ScratchDir dir("csv_format");
  const auto out = dir.path() / "fits.csv";
  const test::CommandResult r = run_slfit("fit " + kParscale + "--law parallel_power --maxiter 50 --out '" + out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = test::read_text(out);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "group,n,a,b,c,d,se_a,se_b,se_c,se_d,objective,r2_train,aic,bic,status,de_converged,de_generations,"
            "de_evaluations,lbfgsb_iterations,lbfgsb_status,at_bound,error,seconds,test_r2,test_nmse,test_nmae");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);
  EXPECT_NE(text.find("\npile,18,"), std::string::npos);
}

TEST(CliFit, MapAndTargetChooseOtherColumns) {
  test::ScratchDir dir("map");
  const auto data = dir.file("renamed.csv",
                             "size,streams,value\n"
                             "535813376,1,2.1113\n693753856,1,2.0671\n1088376320,1,2.0027\n"
                             "1571472384,1,1.9539\n2774532096,1,1.8876\n4353298432,1,1.8398\n");
  const json out = fit_json("--data '" + data.string() +
                            "' --law parallel_power --map N=size --map P=streams --target value --maxiter 50");
  EXPECT_EQ(out["fits"][0]["n"], 6);
}

TEST(CliFit, TabAndSemicolonFilesFitAsTheCommaFile) {
  // ParScale's train and test files with their commas replaced: detected, or named by --delimiter.
  test::ScratchDir dir("delimiters");
  const auto replaced = [&](const std::string& from, const std::string& name, char delimiter) {
    std::string text = test::read_text(test::source_dir() + "/" + from);
    std::replace(text.begin(), text.end(), ',', delimiter);
    return dir.file(name, text).string();
  };
  const std::string rest = " --group group --law parallel_power --maxiter 60 --backend cpu";
  const json comma = without_timing(fit_json(kParscale + "--law parallel_power --maxiter 60 --backend cpu"));
  for (const auto& [delimiter, flag] : std::vector<std::pair<char, std::string>>{
           {'\t', ""}, {';', ""}, {'\t', " --delimiter tab"}, {';', " --delimiter ';'"}}) {
    const std::string train = replaced("examples/parscale/train.csv", "train.txt", delimiter);
    const std::string test_split = replaced("examples/parscale/test.csv", "test.txt", delimiter);
    const json out = without_timing(fit_json("--data '" + train + "' --test '" + test_split + "'" + rest + flag));
    EXPECT_EQ(out["fits"], comma["fits"]) << flag;
    EXPECT_EQ(out["test"], comma["test"]) << flag;
  }
  // Named wrongly, the delimiter shows in the message: the whole header is one column.
  const test::CommandResult wrong = run_slfit("fit " + kParscale + "--law parallel_power --delimiter ';'");
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("(columns: group,num_params,parallel_size,loss)"), std::string::npos) << wrong.err;
  const test::CommandResult bad = run_slfit("fit " + kParscale + "--law parallel_power --delimiter ab");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--delimiter: 'ab' is not auto, comma, tab, semicolon or one character"), std::string::npos)
      << bad.err;
}

TEST(CliFit, MissingDropLeavesRowsOutAndSaysWhich) {
  // ParScale's training file with the loss of two pile rows blanked: with --missing drop the fit
  // equals the fit of the file without those rows, and stderr names them.
  test::ScratchDir dir("missing");
  std::istringstream lines(test::read_text(test::source_dir() + "/examples/parscale/train.csv"));
  std::string header, line, blanked, without;
  std::getline(lines, header);
  blanked = without = header + "\n";
  for (int n = 2; std::getline(lines, line); ++n) {
    if (n == 3 || n == 6) {
      blanked += line.substr(0, line.rfind(',') + 1) + (n == 3 ? "" : "NaN") + "\n";
      continue;
    }
    blanked += line + "\n";
    without += line + "\n";
  }
  const std::string args = " --group group --law parallel_power --maxiter 60 --backend cpu";
  const auto blanked_file = dir.file("blanked.csv", blanked), without_file = dir.file("without.csv", without);
  const test::CommandResult strict = run_slfit("fit --data '" + blanked_file.string() + "'" + args);
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_NE(strict.err.find("blanked.csv:3: column 'loss'"), std::string::npos) << strict.err;
  const test::CommandResult dropped = run_slfit("fit --data '" + blanked_file.string() + "'" + args + " --missing drop");
  ASSERT_EQ(dropped.exit_code, 0) << dropped.err;
  EXPECT_NE(dropped.err.find("group 'pile': 2 rows with a missing value dropped (lines 3, 6)"), std::string::npos)
      << dropped.err;
  const json kept = without_timing(fit_json("--data '" + without_file.string() + "'" + args));
  EXPECT_EQ(without_timing(json::parse(dropped.out))["fits"], kept["fits"]);
  EXPECT_EQ(run_slfit("fit --data '" + blanked_file.string() + "'" + args + " --missing omit").exit_code, 2);
  // The test file's dropped rows are said too.
  const auto test_file =
      dir.file("test.csv", header + "\npile,545340552,8,\npile,705690632,8,1.9933\npile,1100000000,8,1.95\n");
  const test::CommandResult tested = run_slfit("fit --data '" + without_file.string() + "' --test '" +
                                               test_file.string() + "'" + args + " --missing drop");
  ASSERT_EQ(tested.exit_code, 0) << tested.err;
  EXPECT_NE(tested.err.find("test.csv: group 'pile': 1 row with a missing value dropped (line 2)"), std::string::npos)
      << tested.err;
}

TEST(CliFit, FixHoldsAParameterAndFitsTheOthersAsAFixedLawFileDoes) {
  test::ScratchDir dir("fix");
  const std::string args = kParscale + "--law parallel_power --maxiter 60 --backend cpu";
  const json fixed = fit_json(args + " --fix c=0.2");
  for (const json& f : fixed["fits"]) EXPECT_EQ(f["params"]["c"], 0.2) << f["group"];
  // The same law written with "fixed": 0.2 gives the same fits.
  json spec = json::parse(run_slfit("laws parallel_power").out);
  for (json& p : spec["params"])
    if (p["name"] == "c") p = {{"name", "c"}, {"fixed", 0.2}};
  const auto law_file = dir.file("fixed_c.json", spec.dump());
  const json from_file = fit_json(kParscale + "--law '" + law_file.string() + "' --maxiter 60 --backend cpu");
  EXPECT_EQ(without_timing(from_file)["fits"], without_timing(fixed)["fits"]);
  // Holding c costs fit quality on some group: the free fit is never worse.
  const json free_fit = fit_json(args);
  for (std::size_t g = 0; g < free_fit["fits"].size(); ++g)
    EXPECT_LE(free_fit["fits"][g]["objective"].get<double>(), fixed["fits"][g]["objective"].get<double>());
  const test::CommandResult typo = run_slfit("fit " + args + " --fix cc=0.2");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(
      typo.err.find("--fix cc=0.2: 'cc' is not a parameter of law 'parallel_power' (its parameters: a, b, c, d)"),
      std::string::npos)
      << typo.err;
  EXPECT_EQ(run_slfit("fit " + args + " --fix c=x").exit_code, 2);
  EXPECT_EQ(run_slfit("fit " + args + " --fix c=0.1 --fix c=0.2").exit_code, 2);
  spec["params"][0]["lower"] = 0;
  spec["params"][2]["lower"] = 0;  // c with "fixed" and "lower"
  const auto both = dir.file("both.json", spec.dump());
  const test::CommandResult conflict = run_slfit("fit " + kParscale + "--law '" + both.string() + "'");
  EXPECT_EQ(conflict.exit_code, 2);
  EXPECT_NE(conflict.err.find("'fixed' replaces lower, upper and init; remove 'lower'"), std::string::npos)
      << conflict.err;
}

TEST(CliFit, EachGroupGetsItsOwnTestScoresBesideTheOverallOnes) {
  test::ScratchDir dir("per_group_test");
  // The test file without the stack group's rows.
  std::istringstream lines(test::read_text(test::source_dir() + "/examples/parscale/test.csv"));
  std::string text, line;
  std::getline(lines, line);
  text = line + "\n";
  std::size_t pile_rows = 0;
  while (std::getline(lines, line))
    if (line.starts_with("pile,")) text += line + "\n", ++pile_rows;
  const auto pile_only = dir.file("pile_test.csv", text);
  const std::string args = "--data examples/parscale/train.csv --group group --law parallel_power --maxiter 60 "
                           "--backend cpu --test ";
  const test::CommandResult r = run_slfit("fit " + args + "'" + pile_only.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("pile_test.csv has no rows of group stack: fitted, not tested"), std::string::npos) << r.err;
  const json out = json::parse(r.out);
  EXPECT_EQ(fit_of(out, "pile")["test"]["n"], pile_rows);
  EXPECT_FALSE(fit_of(out, "stack").contains("test"));
  EXPECT_EQ(fit_of(out, "pile")["test"], out["test"]);  // one tested group: its scores are the overall ones
  // With every group tested, each group's n adds up to the overall n.
  const json all = fit_json(args + "examples/parscale/test.csv");
  EXPECT_EQ(fit_of(all, "pile")["test"]["n"].get<int>() + fit_of(all, "stack")["test"]["n"].get<int>(),
            all["test"]["n"].get<int>());
  EXPECT_NE(fit_of(all, "pile")["test"]["r2"], fit_of(all, "stack")["test"]["r2"]);
  // CSV: the group's own test columns, empty for the group without test rows.
  const test::CommandResult csv = run_slfit("fit " + args + "'" + pile_only.string() + "' --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  std::istringstream rows(csv.out);
  std::getline(rows, line);
  while (std::getline(rows, line)) {
    if (line.starts_with("stack,")) {
      EXPECT_TRUE(line.ends_with(",,,")) << line;
    }
    if (line.starts_with("pile,")) {
      EXPECT_FALSE(line.ends_with(",,,")) << line;
    }
  }
}

TEST(CliLaws, ListsEveryBuiltInLaw) {
  const test::CommandResult r = run_slfit("laws");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"parallel_power", "parscale", "chinchilla"}) EXPECT_NE(r.out.find(name), std::string::npos);
  const test::CommandResult spec = run_slfit("laws --show parscale");
  ASSERT_EQ(spec.exit_code, 0);
  EXPECT_EQ(json::parse(spec.out)["name"], "parscale");
}

TEST(CliFit, HelpDescribesTheOptions) {
  const test::CommandResult r = run_slfit("fit --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--data", "--law", "--group", "--map", "--target", "--test", "--pipeline", "--popsize",
                           "--maxiter", "--tol", "--atol", "--seed", "--threads", "--out", "--format", "--strict"})
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
}


// An optimum on a bound, a millionth of the box's width from where DE ends: SLDBench's MoE data
// under B / (Dl + D^beta) + E with Dl in [0, 1e7] has Dl = 0 at the optimum. The default fit
// reaches it as a long run does, and so does the fit that searches every parameter
// (--separable off), where the de pipeline's second, rescaled refinement is what gets there.
TEST(CliFit, AnOptimumOnABoundAMillionthOfTheBoxAwayIsReached) {
  test::ScratchDir dir("bound");
  const auto law = dir.file("law.json", R"({"formula": "B / (Dl + D^beta) + E", "inputs": {"D": "dense_parameter_count"},
    "target": "loss_validation", "params": [{"name": "B", "lower": 0, "upper": 1e7}, {"name": "Dl", "lower": 0, "upper": 1e7},
    {"name": "beta", "lower": 0, "upper": 2}, {"name": "E", "lower": 0, "upper": 10}]})");
  const std::string args = "--backend cpu --data examples/sldbench/moe/train.csv --law '" + law.string() + "'";
  const json long_run = fit_json(args + " --popsize 60 --maxiter 4000")["fits"][0];
  const json searched = fit_json(args + " --separable off")["fits"][0];
  for (const json& fit : {fit_json(args)["fits"][0], searched}) {
    EXPECT_LE(fit["objective"].get<double>(), long_run["objective"].get<double>() * (1 + 1e-9));
    EXPECT_EQ(fit["params"]["Dl"].get<double>(), 0.0);
    EXPECT_EQ(fit["status"], "converged");
  }
  EXPECT_GT(searched["lbfgsb"]["rescaled_gain"].get<double>(), 0.0);
}

}  // namespace
}  // namespace slfit
