// End-to-end tests of `slfit rescore`: broken entries get their rows and the run goes on, the
// example leaderboard agrees with `slfit fit` and ranks the ParScale paper's law above the
// seed's, and runs with restarts are reproducible.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "slfit/manifest.hpp"
#include "slfit/rescore.hpp"

namespace slfit {
namespace {

using test::run_slfit;
using json = nlohmann::json;

const std::string kHeader = "rank,id,task,law,r2,nmse,nmae,train_objective,status,error,seconds";
const std::string kExample = "examples/leaderboards/parallel.json";

// One CSV row as named fields (RFC 4180 quoting, as the scores table uses for errors).
using Row = std::map<std::string, std::string>;

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += text[++i];
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  rows.pop_back();  // after the last line break
  return rows;
}

// Rows by id, each with its fields by column name.
std::map<std::string, Row> rows_by_id(const std::string& csv) {
  const auto rows = parse_csv(csv);
  std::map<std::string, Row> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    Row row;
    for (std::size_t c = 0; c < rows[0].size(); ++c) row[rows[0][c]] = rows[r].at(c);
    out[row["id"]] = row;
  }
  return out;
}

double number(const Row& row, const std::string& column) { return std::stod(row.at(column)); }

test::CommandResult rescore(const std::string& args) { return run_slfit("rescore " + args); }

// The scores CSV of a successful run written to stdout.
std::string scores_of(const std::string& args) {
  const test::CommandResult r = rescore(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

// A leaderboard in a scratch folder: the ParScale data under data/, a law file under laws/, and
// entries that are broken in every way the issue names, plus a few more.
class SmallLeaderboard : public ::testing::Test {
 protected:
  SmallLeaderboard() : dir_("rescore_small") {
    std::filesystem::create_directories(dir_.path() / "data");
    std::filesystem::create_directories(dir_.path() / "laws");
    const std::string source = SLFIT_SOURCE_DIR;
    dir_.file("data/train.csv", test::read_text(source + "/examples/parscale/train.csv"));
    dir_.file("data/test.csv", test::read_text(source + "/examples/parscale/test.csv"));
    dir_.file("laws/log_linear.json", R"J({"formula": "a + b * log(N) + c * log(P)",
        "inputs": {"N": "num_params", "P": "parallel_size"},
        "params": [{"name": "a", "lower": -50, "upper": 50}, {"name": "b", "lower": -2, "upper": 2},
                   {"name": "c", "lower": -2, "upper": 2}]})J");
    manifest_ = dir_.file("board.json", R"({
      "tasks": {"parallel": {"train": "data/train.csv", "test": "data/test.csv", "group": "group"}},
      "entries": [
        {"id": "seed", "task": "parallel", "law": "parallel_power"},
        {"id": "from_file", "task": "parallel", "law": "laws/log_linear.json"},
        {"id": "syntax_error", "task": "parallel", "law": )" + inline_law("a * (N + b", "{}") + R"(},
        {"id": "unknown_column", "task": "parallel",
         "law": {"formula": "a * N^b", "inputs": {"N": "num_param"},
                 "params": [{"name": "a", "lower": 0, "upper": 10}, {"name": "b", "lower": -1, "upper": 0}]}},
        {"id": "impossible_bounds", "task": "parallel",
         "law": {"formula": "a + b * N", "inputs": {"N": "num_params"},
                 "params": [{"name": "a", "lower": "y_max", "upper": "y_min"}, {"name": "b", "lower": -1, "upper": 1}]}},
        {"id": "nonfinite_test", "task": "parallel", "law": )" + inline_law("a + b / (P - 8)", "{}") + R"(},
        {"id": "never_finite", "task": "parallel", "law": )" + inline_law("a + b * log(-P * a^2)", "{}") + R"(},
        {"id": "huge_population", "task": "parallel", "law": "parallel_power", "de": {"popsize": 600000}},
        {"id": "bad_popsize", "task": "parallel", "law": "parallel_power", "de": {"popsize": 0}},
        {"id": "missing_file", "task": "parallel", "law": "laws/missing.json"},
        {"id": "unknown_builtin", "task": "parallel", "law": "parscal"},
        {"id": "unknown_task", "task": "paralel", "law": "parallel_power"},
        {"id": "bad_pipeline", "task": "parallel", "law": "parallel_power", "pipeline": "fast"},
        {"id": "seed", "task": "parallel", "law": "parscale"}
      ]})");
  }

  static std::string inline_law(const std::string& formula, const std::string& objective) {
    return R"({"formula": ")" + formula + R"(", "inputs": {"N": "num_params", "P": "parallel_size"},
        "params": [{"name": "a", "lower": -5, "upper": 5}, {"name": "b", "lower": -5, "upper": 5}],
        "objective": )" + objective + "}";
  }

  std::string args() const { return "--manifest '" + manifest_.string() + "' --maxiter 60 "; }

  test::ScratchDir dir_;
  std::filesystem::path manifest_;
};

TEST_F(SmallLeaderboard, BrokenEntriesGetTheirRowsAndTheRunGoesOn) {
  const test::CommandResult r = rescore(args());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), kHeader);
  const auto rows = parse_csv(r.out);
  ASSERT_EQ(rows.size(), 15u);  // header + 14 entries
  const auto by_id = rows_by_id(r.out);
  ASSERT_EQ(by_id.size(), 13u);  // the duplicate id shares its id with the first entry

  for (const char* good : {"from_file"}) {
    const Row& row = by_id.at(good);
    EXPECT_TRUE(row.at("status") == "converged" || row.at("status") == "maxiter") << row.at("error");
    EXPECT_GT(number(row, "r2"), 0.99);
    EXPECT_EQ(row.at("error"), "");
  }
  const std::map<std::string, std::pair<std::string, std::string>> broken = {
      {"syntax_error", {"invalid_entry", "entries[2] ('syntax_error'): law: formula"}},
      {"unknown_column", {"invalid_entry", "no column named 'num_param'"}},
      {"impossible_bounds", {"invalid_entry", "'a'"}},
      {"nonfinite_test", {"invalid_prediction", "data/test.csv:2: the prediction for group 'pile' is "}},
      {"never_finite", {"fit_failed", "no parameter values within the bounds give a finite objective"}},
      {"huge_population", {"fit_failed", "exceeds the limit of 2^20 members"}},
      {"bad_popsize", {"invalid_entry", "entry 'bad_popsize': de.popsize must be at least 1"}},
      {"missing_file", {"invalid_entry", "laws/missing.json: cannot open"}},
      {"unknown_builtin", {"invalid_entry", "unknown built-in law 'parscal'"}},
      {"unknown_task", {"invalid_entry", "no task 'paralel'"}},
      {"bad_pipeline", {"invalid_entry", "pipeline: 'fast' is not one of: de, seed"}},
  };
  for (const auto& [id, expected] : broken) {
    const Row& row = by_id.at(id);
    EXPECT_EQ(row.at("status"), expected.first) << id << ": " << row.at("error");
    EXPECT_NE(row.at("error").find(expected.second), std::string::npos) << id << ": " << row.at("error");
    EXPECT_EQ(row.at("r2"), "-1") << id;
    EXPECT_EQ(row.at("nmse"), "") << id;
  }
  // The first "seed" entry is scored; the second, a duplicate id, is reported instead.
  const auto& last = rows.back();
  EXPECT_EQ(last[1], "seed");
  EXPECT_EQ(last[8], "invalid_entry");
  EXPECT_NE(last[9].find("id 'seed' is already used by entries[0]"), std::string::npos) << last[9];
  EXPECT_EQ(rows[1][1], "seed");
  EXPECT_EQ(rows[1][0], "1");
}

TEST_F(SmallLeaderboard, RowsAreSortedByR2BestFirst) {
  const auto rows = parse_csv(scores_of(args()));
  for (std::size_t r = 2; r < rows.size(); ++r) {
    EXPECT_GE(std::stod(rows[r - 1][4]), std::stod(rows[r][4])) << "row " << r;
    EXPECT_EQ(rows[r][0], std::to_string(r));
  }
}

TEST_F(SmallLeaderboard, StrictFailsAfterWritingTheTable) {
  const auto out = dir_.path() / "scores.csv";
  const test::CommandResult r = rescore(args() + "--strict --out '" + out.string() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("12 of 14 entries could not be scored (--strict)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown_task (invalid_entry)"), std::string::npos) << r.err;
  EXPECT_EQ(rows_by_id(test::read_text(out)).size(), 13u);
}

TEST_F(SmallLeaderboard, SummaryOnStderrWithoutProgressWhenNotATerminal) {
  const test::CommandResult r = rescore(args() + "--backend cpu");
  EXPECT_EQ(r.err.rfind("rescore: 14 entries (2 scored, 12 failed), 10 fits in ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(" s; best: seed (r2 0.99"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_EQ(rescore(args() + "--quiet").err, "");
}

TEST(Rescore, ManifestThatIsNotALeaderboardIsAnError) {
  test::ScratchDir dir("rescore_bad_manifest");
  const auto not_json = dir.file("a.json", "{\"tasks\": {}, \"entries\": [");
  const test::CommandResult r1 = rescore("--manifest '" + not_json.string() + "'");
  EXPECT_EQ(r1.exit_code, 2);
  EXPECT_NE(r1.err.find(not_json.string() + ": invalid JSON"), std::string::npos) << r1.err;
  const auto no_entries = dir.file("b.json", R"({"tasks": {}})");
  const test::CommandResult r2 = rescore("--manifest '" + no_entries.string() + "'");
  EXPECT_EQ(r2.exit_code, 2);
  EXPECT_NE(r2.err.find("entries: expected an array of entries"), std::string::npos) << r2.err;
  const auto empty = dir.file("c.json", R"({"tasks": {}, "entries": []})");
  const test::CommandResult r4 = rescore("--manifest '" + empty.string() + "'");
  EXPECT_EQ(r4.exit_code, 2);
  EXPECT_NE(r4.err.find("c.json: entries: the list is empty: there is nothing to rescore"), std::string::npos)
      << r4.err;
  const test::CommandResult r3 = rescore("--manifest '" + (dir.path() / "absent.json").string() + "'");
  EXPECT_EQ(r3.exit_code, 2);
  EXPECT_NE(r3.err.find("absent.json: cannot open"), std::string::npos) << r3.err;
  EXPECT_EQ(rescore("--manifest " + kExample + " --restarts 0").exit_code, 2);
}

// The seed's law in the example, one restart, default options: the same fits as `slfit fit`,
// bit for bit (rescore's restart 0 uses fit's random streams).
TEST(ExampleLeaderboard, SeedRowEqualsSlfitFit) {
  test::ScratchDir dir("rescore_vs_fit");
  const auto scores_json = dir.path() / "scores.json";
  const Row seed = rows_by_id(scores_of("--manifest " + kExample + " --json '" + scores_json.string() + "'")).at("seed");
  const test::CommandResult fit = run_slfit(
      "fit --data examples/parscale/train.csv --test examples/parscale/test.csv --group group --law parallel_power");
  ASSERT_EQ(fit.exit_code, 0) << fit.err;
  const json expected = json::parse(fit.out);

  EXPECT_EQ(number(seed, "r2"), expected["test"]["r2"].get<double>());
  EXPECT_EQ(number(seed, "nmse"), expected["test"]["nmse"].get<double>());
  EXPECT_EQ(number(seed, "nmae"), expected["test"]["nmae"].get<double>());
  double objective_sum = 0.0;
  for (const json& f : expected["fits"]) objective_sum += f["objective"].get<double>();
  EXPECT_EQ(number(seed, "train_objective"), objective_sum);
  EXPECT_EQ(seed.at("law"), "parallel_power");

  const json scores = json::parse(test::read_text(scores_json));
  const auto entry = std::find_if(scores["entries"].begin(), scores["entries"].end(),
                                  [](const json& e) { return e["id"] == "seed"; });
  ASSERT_NE(entry, scores["entries"].end());
  ASSERT_EQ((*entry)["fits"].size(), expected["fits"].size());
  for (std::size_t g = 0; g < expected["fits"].size(); ++g) {
    const json& got = (*entry)["fits"][g];
    EXPECT_EQ(got["group"], expected["fits"][g]["group"]);
    EXPECT_EQ(got["params"], expected["fits"][g]["params"]);
    EXPECT_EQ(got["de"], expected["fits"][g]["de"]);
  }
}

TEST(ExampleLeaderboard, PaperLawRanksAboveSeedLaw) {
  const auto rows = rows_by_id(scores_of("--manifest " + kExample));
  EXPECT_LT(std::stoi(rows.at("paper").at("rank")), std::stoi(rows.at("seed").at("rank")));
  EXPECT_GE(number(rows.at("paper"), "r2"), 0.99989);  // the paper's figure (shared/data/README.md)
  std::size_t scored = 0;
  for (const auto& [id, row] : rows) scored += row.at("error").empty();
  EXPECT_GE(scored, 8u);
  EXPECT_EQ(rows.at("broken_chinchilla").at("status"), "invalid_entry");
  EXPECT_EQ(rows.at("broken_chinchilla").at("r2"), "-1");
}

TEST(ExampleLeaderboard, EntryOverridesReachTheFits) {
  test::ScratchDir dir("rescore_overrides");
  const auto out = dir.path() / "scores.json";
  scores_of("--manifest " + kExample + " --json '" + out.string() + "'");
  std::map<std::string, json> entry;
  const json scores = json::parse(test::read_text(out));
  for (const json& e : scores["entries"]) entry[e["id"].get<std::string>()] = e;
  EXPECT_EQ(entry["seed_fitter"]["pipeline"], "seed");
  EXPECT_EQ(entry["seed_fitter"]["fits"][0]["lbfgsb"]["runs"], 2);  // the seed's local search, then its fine-tune
  // Same law, Huber loss on log residuals: a different optimum.
  EXPECT_NE(entry["paper_huber_log"]["fits"][0]["params"], entry["paper"]["fits"][0]["params"]);
  // popsize 30 x the parameters searched (4 less those solved exactly) members, each evaluated once
  // per generation and once at the start.
  const json& fit = entry["saturating"]["fits"][0];
  const long long members = 30LL * (4 - static_cast<long long>(fit["separable"].size()));
  EXPECT_LT(members, 120);
  EXPECT_EQ(fit["de"]["evaluations"].get<long long>(), members * (fit["de"]["generations"].get<long long>() + 1));
}

// Timing fields differ between runs; everything else must not.
std::string without_seconds_column(const std::string& csv) {
  std::string out;
  for (const auto& row : parse_csv(csv)) {
    for (std::size_t c = 0; c + 1 < row.size(); ++c) out += row[c] + '\x1f';
    out += '\n';
  }
  return out;
}

json without_timing(json j) {
  j.erase("seconds");
  for (json& e : j["entries"]) {
    e.erase("seconds");
    for (json& f : e["fits"]) f.erase("seconds");
  }
  return j;
}

TEST(ExampleLeaderboard, RestartsFourTwiceGiveIdenticalOutputsApartFromTiming) {
  test::ScratchDir dir("rescore_restarts");
  std::string csv[2], markdown[2];
  json scores[2];
  for (int run = 0; run < 2; ++run) {
    const auto stem = dir.path() / ("run" + std::to_string(run));
    csv[run] = scores_of("--manifest " + kExample + " --restarts 4 --seed 7 --markdown '" + stem.string() +
                         ".md' --json '" + stem.string() + ".json'");
    markdown[run] = test::read_text(stem.string() + ".md");
    scores[run] = json::parse(test::read_text(stem.string() + ".json"));
  }
  EXPECT_EQ(without_seconds_column(csv[0]), without_seconds_column(csv[1]));
  EXPECT_EQ(markdown[0], markdown[1]);
  EXPECT_EQ(without_timing(scores[0]), without_timing(scores[1]));

  // Each group kept its best of four restarts, and the restarts did search differently.
  EXPECT_EQ(scores[0]["restarts"], 4);
  bool restarts_differ = false;
  for (const json& e : scores[0]["entries"]) {
    for (const json& f : e["fits"]) {
      const std::vector<double> objectives = f["restart_objectives"];
      ASSERT_EQ(objectives.size(), 4u);
      EXPECT_EQ(f["objective"].get<double>(), *std::min_element(objectives.begin(), objectives.end()));
      restarts_differ |= objectives[0] != objectives[1];
    }
  }
  EXPECT_TRUE(restarts_differ);
}

// An entry's random streams depend on its group and restart only: moving it, or removing the
// other entries, leaves its row unchanged.
TEST(Rescore, RowDoesNotDependOnTheOtherEntries) {
  test::ScratchDir dir("rescore_streams");
  const std::string source = SLFIT_SOURCE_DIR;
  const std::string task = R"("tasks": {"t": {"train": ")" + source + R"(/examples/parscale/train.csv", "test": ")" +
                           source + R"(/examples/parscale/test.csv", "group": "group"}})";
  const auto alone = dir.file("alone.json", "{" + task + R"(, "entries": [{"id": "x", "task": "t", "law": "parscale"}]})");
  const auto crowded = dir.file("crowded.json", "{" + task + R"(, "entries": [
      {"id": "a", "task": "t", "law": "parallel_power"}, {"id": "b", "task": "t", "law": "parallel_power", "pipeline": "seed"},
      {"id": "x", "task": "t", "law": "parscale"}]})");
  const std::string options = " --restarts 2 --maxiter 80 --threads 2";
  const Row x_alone = rows_by_id(scores_of("--manifest '" + alone.string() + "'" + options)).at("x");
  const Row x_crowded = rows_by_id(scores_of("--manifest '" + crowded.string() + "'" + options)).at("x");
  for (const char* column : {"r2", "nmse", "nmae", "train_objective", "status"})
    EXPECT_EQ(x_alone.at(column), x_crowded.at(column)) << column;
}

TEST(Rescore, AnEntryCanFixParameters) {
  test::ScratchDir dir("rescore_fix");
  const std::string source = SLFIT_SOURCE_DIR;
  const std::string task = R"("tasks": {"t": {"train": ")" + source + R"(/examples/parscale/train.csv", "test": ")" +
                           source + R"(/examples/parscale/test.csv", "group": "group"}})";
  const auto manifest = dir.file("fix.json", "{" + task + R"(, "entries": [
      {"id": "held", "task": "t", "law": "parallel_power", "fix": {"c": 0.2}},
      {"id": "typo", "task": "t", "law": "parallel_power", "fix": {"cc": 0.2}},
      {"id": "text", "task": "t", "law": "parallel_power", "fix": {"c": "0.2"}}]})");
  const auto out = dir.path() / "scores.json";
  scores_of("--manifest '" + manifest.string() + "' --maxiter 60 --json '" + out.string() + "'");
  std::map<std::string, json> entry;
  const json scores = json::parse(test::read_text(out));
  for (const json& e : scores["entries"]) entry[e["id"].get<std::string>()] = e;
  ASSERT_EQ(entry["held"]["fits"].size(), 2u);
  for (const json& fit : entry["held"]["fits"]) EXPECT_EQ(fit["params"]["c"], 0.2);
  EXPECT_EQ(entry["typo"]["status"], "invalid_entry");
  EXPECT_NE(entry["typo"]["error"].get<std::string>().find("fix: 'cc' is not a parameter of law 'parallel_power'"),
            std::string::npos)
      << entry["typo"]["error"];
  EXPECT_NE(entry["text"]["error"].get<std::string>().find("fix: c: expected a finite number"), std::string::npos)
      << entry["text"]["error"];
}

TEST(Rescore, SlicesOfThePlanFittedApartScoreAsTheWholeBatch) {
  // What an MPI rank does: fit its slice of the one plan. Any split gives the same scores.
  const Manifest manifest = read_manifest(test::source_dir() + "/" + kExample);
  RescoreOptions options;
  options.restarts = 2;
  options.threads = 2;
  const Rescored whole = slfit::rescore(manifest, options);
  const RescorePlan plan = plan_rescore(manifest, options);
  ASSERT_EQ(plan.first.back(), plan.problems.size());
  ASSERT_GT(plan.problems.size(), 5u);
  std::vector<FitResult> results;
  const std::size_t n = plan.problems.size();
  for (const std::size_t end : {std::size_t{1}, n / 3, n / 3 + 1, n}) {  // uneven slices, one of one fit
    const std::span<const Problem> slice(plan.problems.data() + results.size(), end - results.size());
    for (FitResult& r : fit_batch(slice, BatchOptions{1, {}, nullptr})) results.push_back(std::move(r));
  }
  const std::vector<EntryScore> sliced = score_rescore(plan, results);
  ASSERT_EQ(sliced.size(), whole.entries.size());
  for (std::size_t e = 0; e < sliced.size(); ++e) {
    EXPECT_EQ(sliced[e].status, whole.entries[e].status) << e;
    EXPECT_EQ(sliced[e].error, whole.entries[e].error) << e;
    EXPECT_EQ(sliced[e].test.r2, whole.entries[e].test.r2) << e;
    const double a = sliced[e].train_objective, b = whole.entries[e].train_objective;
    EXPECT_TRUE(a == b || (std::isnan(a) && std::isnan(b))) << e << ": " << a << " vs " << b;
    ASSERT_EQ(sliced[e].fits.size(), whole.entries[e].fits.size()) << e;
    for (std::size_t g = 0; g < sliced[e].fits.size(); ++g)
      EXPECT_EQ(sliced[e].fits[g].fit.params, whole.entries[e].fits[g].fit.params) << e << " group " << g;
  }
  EXPECT_THROW(score_rescore(plan, std::span(results).subspan(1)), std::invalid_argument);
}

TEST(Rescore, HelpDescribesTheOptions) {
  const test::CommandResult r = rescore("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--manifest", "--restarts", "--seed", "--threads", "--out", "--markdown", "--json",
                           "--strict", "--quiet", "--pipeline"})
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
}

}  // namespace
}  // namespace slfit

namespace slfit {
namespace {

std::vector<EntryScore> scores_with_r2(std::initializer_list<double> r2s) {
  std::vector<EntryScore> scores;
  for (double r2 : r2s) {
    EntryScore s;
    s.test.r2 = r2;
    scores.push_back(std::move(s));
  }
  return scores;
}

TEST(Ranking, ScoresEqualToTenDigitsKeepManifestOrderWhicheverRoundsHigher) {
  // One optimum reached twice (a law and its reparameterisation): r2 differs in the 15th digit,
  // and which side is higher depends on the backend's rounding.
  const double r2 = 0.99995270877527;
  EXPECT_EQ(ranking(scores_with_r2({r2, r2 + 3e-15})), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(ranking(scores_with_r2({r2 + 3e-15, r2})), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(ranking(scores_with_r2({-2.5, -2.5 - 1e-12})), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(ranking(scores_with_r2({-2.5 - 1e-12, -2.5})), (std::vector<std::size_t>{0, 1}));
}

TEST(Ranking, ScoresThatDifferWithinTenDigitsAreOrderedBestFirstAndNanLast) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(ranking(scores_with_r2({0.9, nan, kFailedR2, 0.999999, 0.9999991, 0.0, -30.0})),
            (std::vector<std::size_t>{4, 3, 0, 5, 2, 6, 1}));
  EXPECT_EQ(ranking(scores_with_r2({0.9999527087, 0.9999527089})), (std::vector<std::size_t>{1, 0}));
}

}  // namespace
}  // namespace slfit
