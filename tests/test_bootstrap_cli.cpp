// End-to-end tests of `slfit bootstrap`: the bundled example, determinism, replicates that can be
// regenerated alone, and checkpoints (refusal of other arguments; kill and resume).

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "slfit/bootstrap.hpp"
#include "slfit/csv.hpp"
#include "slfit/law_io.hpp"

namespace slfit {
namespace {

using json = nlohmann::json;
using test::run_slfit;

const std::string kPile = "--data examples/parscale/train.csv --group group --law parscale ";

json bootstrap_json(const std::string& args) {
  const test::CommandResult r = run_slfit("bootstrap " + args + " --out -");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

json without_timing(json j) {
  j.erase("seconds");
  for (json& g : j["groups"]) g["fit"].erase("seconds");
  return j;
}

std::size_t line_count(const std::filesystem::path& path) {
  const std::string text = test::read_text(path);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(CliBootstrap, BundledExampleGivesIntervalsForParametersAndTheExtrapolation) {
  // The example command, with the local search to keep the test short (the global search
  // is the same command without --search local).
  test::ScratchDir dir("bootstrap_example");
  const auto out = dir.path() / "ci.json";
  const test::CommandResult r = run_slfit(
      "bootstrap --data examples/parscale/train.csv --group group --law parscale --resamples 2000 "
      "--predict \"num_params=7e10,parallel_size=8\" --search local --out '" + out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("group pile"), std::string::npos) << r.out;  // the table, on stdout
  const json j = json::parse(test::read_text(out));
  EXPECT_EQ(j["law"], "parscale");
  EXPECT_EQ(j["method"], "bca");
  EXPECT_EQ(j["level"], 0.95);
  EXPECT_EQ(j["resamples"], 2000);
  EXPECT_EQ(j["search"], "local");
  ASSERT_EQ(j["groups"].size(), 2u);
  for (const json& g : j["groups"]) {
    EXPECT_EQ(g["fit"]["n"], 18);
    EXPECT_EQ(g["failed"], 0);
    for (const char* p : {"E", "A", "k", "alpha"}) {
      const json& s = g["params"][p];
      EXPECT_EQ(s["estimate"], g["fit"]["params"][p]);
      EXPECT_EQ(s["used"], 2000);
      EXPECT_GT(s["se"].get<double>(), 0.0);
      EXPECT_LE(s["low"].get<double>(), s["high"].get<double>());
    }
    ASSERT_EQ(g["predictions"].size(), 1u);
    const json& p = g["predictions"][0];
    EXPECT_EQ(p["point"], json({{"num_params", 7e10}, {"parallel_size", 8.0}}));
    EXPECT_LT(p["low"].get<double>(), p["estimate"].get<double>());
    EXPECT_GT(p["high"].get<double>(), p["estimate"].get<double>());
    ASSERT_EQ(g["covariance"].size(), 4u);
    EXPECT_NEAR(g["correlation"][1][1].get<double>(), 1.0, 1e-12);
  }
}

TEST(CliBootstrap, SameSeedGivesIdenticalOutputOnAnyThreadCount) {
  const std::string args = kPile + "--resamples 40 --maxiter 100 --predict num_params=7e10,parallel_size=8";
  const json one = bootstrap_json(args + " --threads 1");
  const json two = bootstrap_json(args + " --threads 2");
  EXPECT_EQ(without_timing(one), without_timing(two));
  const json other = bootstrap_json(args + " --threads 2 --seed 43");
  EXPECT_NE(other["groups"][0]["params"]["E"]["mean"], one["groups"][0]["params"]["E"]["mean"]);
}

TEST(CliBootstrap, ReplicatesFromTheRunAreRegeneratedOneByOne) {
  test::ScratchDir dir("bootstrap_regenerate");
  const auto replicates = dir.path() / "replicates.csv";
  const test::CommandResult r = run_slfit("bootstrap " + kPile + "--resamples 25 --search local --method percentile "
                                          "--stratify parallel_size --quiet --save-replicates '" + replicates.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // The same plan in this process; then replicates 7 (pile) and 24 (stack), each alone.
  const Law law = load_law("parscale");
  const std::string source = std::string(SLFIT_SOURCE_DIR) + "/examples/parscale/train.csv";
  const Dataset data = read_dataset(source, {law.columns, law.target, "group"}, law.params.size());
  const Dataset by_p = read_dataset(source, {{}, law.target, "parallel_size"}, 1);
  std::vector<std::string> label_of_line(100);
  for (const GroupData& s : by_p.groups)
    for (std::size_t line : s.lines) label_of_line[line] = s.name;
  BootstrapPlan plan;
  plan.law = std::make_shared<const Law>(law);
  plan.compiled = compile_law(law);
  plan.data = std::make_shared<const Dataset>(data);
  for (const GroupData& g : data.groups) plan.strata.push_back(strata_by_label(g, label_of_line));
  plan.search = Search::Local;
  plan.resamples = 25;
  plan.full_problems = make_group_problems(plan.law, plan.compiled, plan.data, FitOptions{});
  plan.full_fits = fit_batch(plan.full_problems);

  std::istringstream csv(test::read_text(replicates));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "group,replicate,status,objective,E,A,k,alpha");
  int checked = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> fields;
    std::istringstream row(line);
    for (std::string f; std::getline(row, f, ',');) fields.push_back(f);
    const std::uint32_t group = fields[0] == "pile" ? 0 : 1, replicate = std::stoul(fields[1]);
    if (!((group == 0 && replicate == 7) || (group == 1 && replicate == 24))) continue;
    const BootstrapTask task{group, FitKind::Replicate, replicate};
    const FitResult alone = fit_problem(task_problem(plan, task));
    for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(alone.params[k], std::stod(fields[4 + k])) << line;
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

TEST(CliBootstrap, CheckpointFromOtherArgumentsIsRefused) {
  test::ScratchDir dir("bootstrap_refuse");
  const auto checkpoint = dir.path() / "run.ckpt";
  const std::string args = "bootstrap " + kPile + "--search local --method percentile --quiet --checkpoint '" +
                           checkpoint.string() + "'";
  ASSERT_EQ(run_slfit(args + " --resamples 10").exit_code, 0);
  EXPECT_EQ(line_count(checkpoint), 1u + 2 * 10);
  const test::CommandResult refused = run_slfit(args + " --resamples 12");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("different arguments (resamples: 10 in the checkpoint, 12 now)"), std::string::npos)
      << refused.err;
  // Summary-only options may change: the fits are taken from the checkpoint.
  EXPECT_EQ(run_slfit(args + " --resamples 10 --ci 0.9").exit_code, 0);
  EXPECT_EQ(line_count(checkpoint), 1u + 2 * 10);
}

// Starts slfit with `args` (split on spaces) in the source directory; returns its pid.
pid_t spawn_slfit(const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(SLFIT_SOURCE_DIR) != 0) ::_exit(127);
    std::vector<char*> argv{const_cast<char*>(SLFIT_BINARY)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    ::execv(SLFIT_BINARY, argv.data());
    ::_exit(127);
  }
  return pid;
}

TEST(CliBootstrap, KilledRunResumesFromItsCheckpointToTheIdenticalResult) {
  test::ScratchDir dir("bootstrap_resume");
  const auto checkpoint = dir.path() / "run.ckpt";
  const std::vector<std::string> args = {"bootstrap", "--data", "examples/parscale/train.csv", "--group", "group",
                                         "--law", "parscale", "--resamples", "150", "--maxiter", "150",
                                         "--threads", "1", "--checkpoint", checkpoint.string()};
  const std::size_t total_records = 2 * 150 + 2 * 18;  // replicates and BCa's leave-one-out fits

  const pid_t pid = spawn_slfit(args);
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (line_count(checkpoint) < 1 + 20 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "slfit finished before it could be killed";
  const std::size_t records_at_kill = line_count(checkpoint) - 1;
  ASSERT_GE(records_at_kill, 20u);
  ASSERT_LT(records_at_kill, total_records);

  std::string rerun = "--data examples/parscale/train.csv --group group --law parscale --resamples 150 "
                      "--maxiter 150 --threads 1 --quiet";
  const json resumed = bootstrap_json(rerun + " --checkpoint '" + checkpoint.string() + "'");
  EXPECT_EQ(line_count(checkpoint), 1 + total_records);
  const json uninterrupted = bootstrap_json(rerun);
  EXPECT_EQ(without_timing(resumed), without_timing(uninterrupted));
}

TEST(CliBootstrap, APointTheFitCannotPredictIsAWarningBeforeTheWork) {
  // chinchilla's A / N^alpha at N = 0 is infinite.
  const test::CommandResult r = run_slfit(
      "bootstrap --data examples/chinchilla/train.csv --law chinchilla --resamples 10 --maxiter 20 --method percentile "
      "--backend cpu --quiet --predict num_params=0,tokens=1e9 --predict num_params=1e9,tokens=1e10");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: --predict num_params=0,tokens=1e9: group 'all': the full-data fit predicts inf there"),
            std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("num_params=1e9,tokens=1e10"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace slfit
