// Bad input through the whole CLI: every case exits with code 2, names the problem and the
// place on stderr, and leaves no output file behind.

#include <gtest/gtest.h>

#include <filesystem>
#include <utility>
#include <vector>

#include "cli_runner.hpp"

namespace slfit {
namespace {

const char* kHeader = "group,num_params,parallel_size,loss\n";
const char* kGoodRows =
    "g,535813376,1,2.1113\ng,693753856,1,2.0671\ng,1088376320,1,2.0027\n"
    "g,1571472384,2,1.9539\ng,2774532096,2,1.8876\n";

struct BadInput {
  std::string name;
  std::string data;                  // contents of data.csv
  std::string law;                   // a built-in name, or the contents of law.json
  std::vector<std::string> expected; // substrings of the message
  std::string extra_args = "";
};

std::string data_file_case(const std::string& body) { return std::string(kHeader) + body; }

const std::string kSeedLaw = "parallel_power";
std::string law_json(const std::string& formula, const std::string& params) {
  return R"({"name": "t", "formula": ")" + formula + R"(", "inputs": {"N": "num_params", "P": "parallel_size"},
             "target": "loss", "params": [)" + params + "]}";
}
const std::string kParamsAB = R"({"name": "a", "lower": 0, "upper": 10}, {"name": "b", "lower": -1, "upper": 1})";

std::vector<BadInput> cases() {
  return {
      {"missing_column", "group,num_params,loss\ng,1,2\ng,2,3\ng,3,4\ng,4,5\ng,5,6\n", kSeedLaw,
       {"data.csv:1", "parallel_size"}},
      {"latin1_group_label", data_file_case(std::string(kGoodRows) + "caf\xE9,535813376,1,2.1\n"), kSeedLaw,
       {"data.csv:7", "column 'group' (1): the group label is not valid UTF-8 (byte 0xE9 at character 4)"},
       "--group group"},
      {"utf16_file", "\xFF\xFEg\0r\0o\0u\0p\0", kSeedLaw, {"data.csv: the file is UTF-16"}},
      {"non_numeric_cell", data_file_case(std::string(kGoodRows) + "g,abc,1,2.0\n"), kSeedLaw,
       {"data.csv:7", "num_params", "abc"}},
      {"nan_cell", data_file_case(std::string(kGoodRows) + "g,1e9,1,nan\n"), kSeedLaw, {"data.csv:7", "loss"}},
      {"inf_cell", data_file_case(std::string(kGoodRows) + "g,inf,1,2\n"), kSeedLaw, {"data.csv:7", "num_params"}},
      {"ragged_row", data_file_case(std::string(kGoodRows) + "g,1e9,1\n"), kSeedLaw, {"data.csv:7", "3"}},
      {"empty_file", "", kSeedLaw, {"data.csv", "empty"}},
      {"header_only", kHeader, kSeedLaw, {"data.csv", "no data rows"}},
      {"small_group", data_file_case(std::string(kGoodRows) + "h,1e9,1,2.0\nh,2e9,1,1.9\n"), kSeedLaw,
       {"data.csv", "group 'h'", "2 rows"}, "--group group"},
      {"syntax_error", data_file_case(kGoodRows), law_json("a * (N^b", kParamsAB), {"law.json", "formula", "character"}},
      {"unknown_identifier", data_file_case(kGoodRows), law_json("a * N^Q + b", kParamsAB), {"law.json", "'Q'"}},
      {"lower_above_upper", data_file_case(kGoodRows),
       law_json("a * N^b", R"({"name": "a", "lower": 5, "upper": 1}, {"name": "b", "lower": -1, "upper": 1})"),
       {"law.json", "'a'", "lower"}},
      {"expression_bounds_cross", data_file_case(kGoodRows),
       law_json("a * N^b", R"({"name": "a", "lower": "y_max", "upper": "y_min"}, {"name": "b", "lower": -1, "upper": 1})"),
       {"'a'", "lower", "upper"}},
      {"missing_field", data_file_case(kGoodRows), R"({"name": "t", "inputs": {"N": "num_params"}, "params": [{"name": "a", "lower": 0, "upper": 1}]})",
       {"law.json", "formula"}},
      {"invalid_json", data_file_case(kGoodRows), R"({"name": "t", "formula": )", {"law.json"}},
      {"log_space_nonpositive_target", data_file_case(std::string(kGoodRows) + "g,1e9,1,-0.5\n"),
       R"({"name": "t", "formula": "a * N^b", "inputs": {"N": "num_params"}, "target": "loss",
           "params": [{"name": "a", "lower": 0, "upper": 10}, {"name": "b", "lower": -1, "upper": 1}],
           "objective": {"kind": "huber", "delta": 0.001, "space": "log"}})",
       {"data.csv:7", "loss", "log"}},
      {"unknown_builtin", data_file_case(kGoodRows), "no_such_law", {"no_such_law"}},
  };
}

TEST(CliErrors, EveryBadInputExitsTwoWithAMessageAndNoOutputFile) {
  for (const BadInput& c : cases()) {
    SCOPED_TRACE(c.name);
    test::ScratchDir dir("err_" + c.name);
    const auto data = dir.file("data.csv", c.data);
    const bool builtin = c.law.find('{') == std::string::npos;
    const std::string law = builtin ? c.law : dir.file("law.json", c.law).string();
    const auto out = dir.path() / "out.json";
    const test::CommandResult r = test::run_slfit("fit --data '" + data.string() + "' --law '" + law + "' --out '" +
                                                  out.string() + "' " + c.extra_args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    for (const std::string& text : c.expected) EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
    // Nothing else (no temporary file) is left in the directory either.
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
    EXPECT_EQ(entries, builtin ? 1u : 2u);
  }
}

TEST(CliErrors, UsageErrorsExitTwo) {
  EXPECT_EQ(test::run_slfit("fit --law parallel_power").exit_code, 2);  // --data missing
  EXPECT_EQ(test::run_slfit("fit --data x.csv --law parallel_power --bogus 1").exit_code, 2);
  EXPECT_EQ(test::run_slfit("fit --data examples/parscale/train.csv --law parallel_power --pipeline nope").exit_code, 2);
  EXPECT_EQ(test::run_slfit("fit --data examples/parscale/train.csv --law parallel_power --popsize 0").exit_code, 2);
  EXPECT_EQ(test::run_slfit("frobnicate").exit_code, 2);
  const test::CommandResult missing = test::run_slfit("fit --data no/such/file.csv --law parallel_power");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no/such/file.csv"), std::string::npos);
}

TEST(CliErrors, AnOutputThatCannotBeWrittenIsFoundBeforeAnyWork) {
  // The data file does not exist either: the output is checked first, so its error is the one.
  test::ScratchDir dir("outputs");
  const std::string missing_dir = (dir.path() / "no" / "such" / "dir").string();
  for (const std::string& command :
       {"fit --data absent.csv --law parallel_power --out '" + missing_dir + "/fits.json'",
        "bootstrap --data absent.csv --law parallel_power --save-replicates '" + missing_dir + "/r.csv'",
        "surface --data absent.csv --law parallel_power --grid a=1:2:2 --out '" + missing_dir + "/s.csv'"}) {
    const test::CommandResult r = test::run_slfit(command);
    EXPECT_EQ(r.exit_code, 1) << command;
    EXPECT_NE(r.err.find(missing_dir), std::string::npos) << command << ": " << r.err;
    EXPECT_NE(r.err.find("No such file or directory"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("absent.csv"), std::string::npos) << r.err;
  }
  // rescore checks all three outputs before fitting: the good one is not written either.
  const auto good = dir.path() / "scores.csv";
  const test::CommandResult r = test::run_slfit("rescore --manifest examples/leaderboards/parallel.json --out '" +
                                                good.string() + "' --json '" + missing_dir + "/s.json'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(missing_dir + "/s.json"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(good));
  // A directory where the output should go.
  const test::CommandResult into_dir =
      test::run_slfit("fit --data absent.csv --law parallel_power --out '" + dir.path().string() + "'");
  EXPECT_EQ(into_dir.exit_code, 1);
  EXPECT_NE(into_dir.err.find("Is a directory"), std::string::npos) << into_dir.err;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));  // no probe left behind
}

TEST(CliErrors, AParameterNamedLikeACsvColumnIsRefusedBeforeTheWork) {
  test::ScratchDir dir("collision");
  const auto law = dir.file("n.json", R"({"name": "t", "formula": "a * N^n + status", "inputs": {"N": "num_params"},
      "target": "loss", "params": [{"name": "a", "lower": 0, "upper": 10}, {"name": "n", "lower": -1, "upper": 1},
                                   {"name": "status", "lower": 0, "upper": 5}]})");
  const std::string fit = "fit --data examples/parscale/train.csv --group group --law '" + law.string() + "' ";
  const test::CommandResult csv = test::run_slfit(fit + "--format csv");
  EXPECT_EQ(csv.exit_code, 2);
  EXPECT_NE(csv.err.find("law 't': parameter 'n' has the name of a column of fit's CSV output (group, n, objective,"),
            std::string::npos)
      << csv.err;
  EXPECT_EQ(test::run_slfit(fit + "--format json --maxiter 5 --backend cpu").exit_code, 0);  // JSON has no clash
  const auto objective = dir.file("objective.json", R"({"name": "u", "formula": "objective * N", "inputs":
      {"N": "num_params"}, "target": "loss", "params": [{"name": "objective", "lower": 0, "upper": 1}]})");
  const test::CommandResult surface = test::run_slfit("surface --data examples/parscale/train.csv --law '" +
                                                      objective.string() + "' --grid objective=0:1:2");
  EXPECT_EQ(surface.exit_code, 2);
  EXPECT_NE(surface.err.find("parameter 'objective' has the name of a column of surface's CSV output"),
            std::string::npos)
      << surface.err;
}

TEST(CliErrors, AStrayWordOrANegativeSeedIsAnErrorNotIgnored) {
  const std::string fit = "fit --data examples/parscale/train.csv --law parallel_power --group group --backend cpu ";
  const test::CommandResult stray = test::run_slfit(fit + "parscale");
  EXPECT_EQ(stray.exit_code, 2);
  EXPECT_NE(stray.err.find("unexpected argument 'parscale' (options start with --; see --help)"), std::string::npos)
      << stray.err;
  EXPECT_EQ(stray.out, "");
  const test::CommandResult seed = test::run_slfit(fit + "--seed -1");
  EXPECT_EQ(seed.exit_code, 2);
  EXPECT_NE(seed.err.find("--seed: '-1' is not a whole number from 0 to 2^64 - 1"), std::string::npos) << seed.err;
  EXPECT_EQ(test::run_slfit(fit + "--seed 18446744073709551615 --out /dev/null").exit_code, 0);
}

TEST(CliErrors, HelpAndLawsTakeANameAsTheirArgument) {
  const test::CommandResult help = test::run_slfit("help fit");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Usage: slfit fit --data FILE --law LAW"), std::string::npos) << help.out;
  const test::CommandResult law = test::run_slfit("laws parscale");
  EXPECT_EQ(law.exit_code, 0);
  EXPECT_EQ(law.out, test::run_slfit("laws --show parscale").out);
  EXPECT_NE(law.out.find("\"name\": \"parscale\""), std::string::npos) << law.out;
  EXPECT_EQ(test::run_slfit("laws parscale chinchilla").exit_code, 2);
}

TEST(CliErrors, AnOptionOutOfItsDomainIsNamedByItsFlag) {
  // The engine names the field (de.popsize); the CLI says it as the user typed it.
  const std::string fit = "fit --data examples/parscale/train.csv --law parallel_power --group group ";
  for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
           {"--popsize 0", "slfit fit: error: --popsize must be at least 1"},
           {"--lbfgs-maxiter 0", "slfit fit: error: --lbfgs-maxiter must be at least 1"},
           {"--gtol -1", "slfit fit: error: --gtol must be a finite number >= 0"},
           {"--popsize 1000000", "slfit fit: error: --popsize 1000000 with 2 searched parameters gives a population of "
                                 "2000000, which exceeds the limit of 2^20 members"}}) {
    const test::CommandResult r = test::run_slfit(fit + args + " --backend cpu");
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << ": " << r.err;
    EXPECT_EQ(r.err.find("de."), std::string::npos) << r.err;
  }
}

TEST(CliErrors, TestGroupUnknownToTrainingIsAnError) {
  test::ScratchDir dir("test_group");
  const auto train = dir.file("train.csv", data_file_case(kGoodRows));
  const auto test_split = dir.file("test.csv", data_file_case("other,1e9,8,2.0\nother,2e9,8,1.9\n"));
  const test::CommandResult r = test::run_slfit("fit --data '" + train.string() + "' --test '" + test_split.string() +
                                                "' --group group --law parallel_power --maxiter 5");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("group 'other'"), std::string::npos) << r.err;
  // Found before any fitting: a population too large to fit is never reached.
  const test::CommandResult early = test::run_slfit("fit --data '" + train.string() + "' --test '" +
                                                    test_split.string() + "' --group group --law parallel_power "
                                                    "--popsize 1000000 --backend cpu");
  EXPECT_EQ(early.exit_code, 2);
  EXPECT_NE(early.err.find("group 'other' does not appear in the training data"), std::string::npos) << early.err;
}

}  // namespace
}  // namespace slfit
