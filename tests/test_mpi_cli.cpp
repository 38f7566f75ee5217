// `mpirun -n K slfit ...` against one process: fit, bootstrap (with a checkpoint resumed at another
// K), rescore and surface write the same bytes, timing fields aside, for K = 1, 2 and 3; a rank
// that fails or is killed ends the job with a message from rank 0, a non-zero exit and no output.
// Skipped in a build without MPI (SLFIT_MPI=OFF or no MPI found).

#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <string>

#include "cli_runner.hpp"

namespace slfit {
namespace {

#ifdef SLFIT_MPIEXEC
constexpr const char* kMpiexec = SLFIT_MPIEXEC;
#else
constexpr const char* kMpiexec = nullptr;
#endif

#define SKIP_WITHOUT_MPI() \
  if (!kMpiexec) GTEST_SKIP() << "built without MPI"

// The launcher's options for tests: as many ranks as asked on any number of cores, and as root
// (CI's containers run as root; Open MPI refuses root without it).
std::string mpirun(int ranks) {
  return "'" + std::string(kMpiexec ? kMpiexec : "") + "' --allow-run-as-root --oversubscribe -n " +
         std::to_string(ranks) + " ";
}

// Runs `args` (an slfit command line after the binary) alone (ranks 0) or as an MPI job of
// `ranks` ranks, from the source directory.
test::CommandResult run(int ranks, const std::string& args) {
  const std::string binary = "'" + test::slfit_binary() + "' ";
  const auto tmp = std::filesystem::temp_directory_path();
  const std::string tag = std::to_string(::getpid()) + "_" + std::to_string(std::rand());
  const auto out_path = tmp / ("slfit_mpi_out_" + tag), err_path = tmp / ("slfit_mpi_err_" + tag);
  const std::string command = "cd '" + test::source_dir() + "' && " + (ranks > 0 ? mpirun(ranks) : "") + binary + args +
                              " >'" + out_path.string() + "' 2>'" + err_path.string() + "' </dev/null";
  const int status = std::system(command.c_str());
  test::CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = test::read_text(out_path);
  r.err = test::read_text(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return r;
}

// The output with its timing fields blanked: JSON's "seconds" values and, in a CSV whose header
// ends in "seconds" (rescore's scores), that last column.
std::string without_timing(std::string text) {
  static const std::regex seconds(R"("seconds": [-+0-9.eE]+)");
  text = std::regex_replace(text, seconds, "\"seconds\": T");
  const std::string header = text.substr(0, text.find('\n'));
  if (!header.ends_with(",seconds")) return text;
  std::string out;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    out += line.substr(0, line.rfind(',')) + ",T\n";
    start = end + 1;
  }
  return out;
}

// Runs the command alone and as jobs of 1, 2 and 3 ranks, each writing `outputs` (file names
// that `args` names as {0}, {1}, ... in the scratch directory); expects the same bytes from all.
void expect_same_outputs_at_every_rank_count(const std::string& name, const std::string& args,
                                             const std::vector<std::string>& outputs) {
  test::ScratchDir dir("mpi_" + name);
  std::vector<std::string> reference;
  for (int ranks : {0, 1, 2, 3}) {
    std::string command = args;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      const std::string placeholder = "{" + std::to_string(i) + "}";
      const std::string path = "'" + (dir.path() / (std::to_string(ranks) + "_" + outputs[i])).string() + "'";
      for (std::size_t at; (at = command.find(placeholder)) != std::string::npos;)
        command.replace(at, placeholder.size(), path);
    }
    const test::CommandResult r = run(ranks, command);
    ASSERT_EQ(r.exit_code, 0) << "ranks " << ranks << ": " << r.err;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      const std::string text = without_timing(test::read_text(dir.path() / (std::to_string(ranks) + "_" + outputs[i])));
      ASSERT_FALSE(text.empty()) << outputs[i] << " at ranks " << ranks;
      if (ranks == 0) reference.push_back(text);
      else EXPECT_EQ(text, reference[i]) << outputs[i] << ": " << ranks << " ranks differ from one process";
    }
  }
}

TEST(MpiJob, FitWritesWhatOneProcessWrites) {
  SKIP_WITHOUT_MPI();
  expect_same_outputs_at_every_rank_count(
      "fit",
      "fit --data examples/parscale/train.csv --test examples/parscale/test.csv --group group --law parallel_power "
      "--format json --out {0} --quiet",
      {"fit.json"});
}

TEST(MpiJob, BootstrapWritesWhatOneProcessWrites) {
  SKIP_WITHOUT_MPI();
  expect_same_outputs_at_every_rank_count(
      "bootstrap",
      "bootstrap --data examples/parscale/train.csv --group group --law parscale --resamples 40 "
      "--predict num_params=7e10,parallel_size=8 --out {0} --save-replicates {1} --quiet",
      {"ci.json", "replicates.csv"});
}

TEST(MpiJob, RescoreWritesWhatOneProcessWritesWithItsBrokenEntry) {
  SKIP_WITHOUT_MPI();
  // The leaderboard's entry broken on purpose fails on whichever rank fits it, as it does alone.
  expect_same_outputs_at_every_rank_count(
      "rescore", "rescore --manifest examples/leaderboards/parallel.json --restarts 2 --out {0} --json {1} --quiet",
      {"scores.csv", "scores.json"});
}

TEST(MpiJob, SurfaceWritesWhatOneProcessWrites) {
  SKIP_WITHOUT_MPI();
  expect_same_outputs_at_every_rank_count(
      "surface",
      "surface --data examples/parscale/train.csv --group group --law parallel_power --grid b=-0.5:-0.05:5 "
      "--profile --intervals {1} --out {0} --quiet",
      {"surface.csv", "intervals.csv"});
}

TEST(MpiJob, BootstrapCheckpointResumesAtAnotherRankCount) {
  SKIP_WITHOUT_MPI();
  test::ScratchDir dir("mpi_checkpoint");
  const std::string common =
      "bootstrap --data examples/parscale/train.csv --group group --law parscale --resamples 30 --quiet --out ";
  const test::CommandResult alone = run(0, common + "'" + (dir.path() / "alone.json").string() + "'");
  ASSERT_EQ(alone.exit_code, 0) << alone.err;

  // A run of 2 ranks that got half way: its checkpoint cut after the header and 30 of its 60 fits.
  const auto checkpoint = dir.path() / "run.ckpt";
  const std::string with_checkpoint = " --checkpoint '" + checkpoint.string() + "'";
  const test::CommandResult first = run(2, common + "'" + (dir.path() / "first.json").string() + "'" + with_checkpoint);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string full = test::read_text(checkpoint);
  std::size_t cut = 0;
  for (int line = 0; line < 31; ++line) cut = full.find('\n', cut) + 1;
  std::filesystem::resize_file(checkpoint, cut);

  const test::CommandResult resumed =
      run(3, common + "'" + (dir.path() / "resumed.json").string() + "'" + with_checkpoint);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(test::read_text(checkpoint).size(), full.size()) << "the resumed run appends the 30 fits left";
  EXPECT_EQ(without_timing(test::read_text(dir.path() / "resumed.json")),
            without_timing(test::read_text(dir.path() / "alone.json")));
}

TEST(MpiJob, OnlyRankZeroSpeaks) {
  SKIP_WITHOUT_MPI();
  const std::string args = "fit --data examples/parscale/train.csv --group group --law parallel_power --format json";
  const test::CommandResult job = run(3, args), alone = run(0, args);
  ASSERT_EQ(job.exit_code, 0) << job.err;
  EXPECT_EQ(without_timing(job.out), without_timing(alone.out));  // once, not three times
  const auto count = [](const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count(job.err, "slfit: backend "), 1u) << job.err;
}

TEST(MpiJob, RankZeroCountsEveryRanksFitsInItsProgressLines) {
  SKIP_WITHOUT_MPI();
  // Long enough (over the line's one second) that rank 0 writes one; its stderr is a pipe, so
  // whole lines. Rank 0 fits 400 of the 800 itself: the last line counts the other rank's too.
  const test::CommandResult r =
      run(2,
          "bootstrap --data examples/parscale/train.csv --group group --law parscale --resamples 400 "
          "--separable off --method percentile --threads 1 --out /dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("bootstrap fits: 800/800, "), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << "whole lines, not a redrawn one";
}

TEST(MpiJob, AFitThatThrowsOnOneRankFailsAsItWouldAlone) {
  SKIP_WITHOUT_MPI();
  // Three entries of one fit each (no groups): at 3 ranks the third, whose population is over
  // the limit, throws on rank 2 only. --strict makes it fail the run (after writing the scores).
  test::ScratchDir dir("mpi_entry");
  const std::string examples = test::source_dir() + "/examples/parscale/";
  const auto manifest =
      dir.file("board.json", R"({"tasks": {"p": {"train": ")" + examples + R"(train.csv", "test": ")" + examples +
                                 R"(test.csv", "target": "loss"}},
    "entries": [{"id": "seed", "task": "p", "law": "parallel_power"}, {"id": "paper", "task": "p", "law": "parscale"},
                {"id": "too_big", "task": "p", "law": "parallel_power", "de": {"popsize": 1000000}}]})");
  const auto command = [&](const std::string& out) {
    return "rescore --manifest '" + manifest.string() + "' --strict --quiet --out '" + (dir.path() / out).string() +
           "'";
  };
  const test::CommandResult alone = run(0, command("alone.csv")), job = run(3, command("job.csv"));
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_EQ(job.exit_code, alone.exit_code);
  const std::string error =
      "slfit rescore: error: 1 of 3 entries could not be scored (--strict):\n  too_big (fit_failed): "
      "group 'all', restart 0: de.popsize 1000000";
  EXPECT_NE(alone.err.find(error), std::string::npos) << alone.err;
  EXPECT_NE(job.err.find(error), std::string::npos) << job.err;
  EXPECT_EQ(without_timing(test::read_text(dir.path() / "job.csv")),
            without_timing(test::read_text(dir.path() / "alone.csv")));
}

TEST(MpiJob, AFailureOnOneRankStopsEveryRankAndRankZeroSaysWhich) {
  SKIP_WITHOUT_MPI();
  test::ScratchDir dir("mpi_failure");
  const auto out = dir.path() / "fit.json";
  const std::string common =
      " fit --data examples/parscale/train.csv --group group --format json --out '" + out.string() + "' --law ";
  // Rank 2 alone is asked for an instruction set no CPU has (an MPMD job: two programs' worth of
  // ranks, the same command line, the third with its own environment).
  const std::string binary = "'" + test::slfit_binary() + "'";
  const test::CommandResult r =
      run(2, common + "parallel_power : -n 1 -x SLFIT_SIMD=no_such_set " + binary + common + "parallel_power");
  EXPECT_EQ(r.exit_code, 2) << r.err;  // bad input, as alone
  EXPECT_NE(r.err.find("slfit fit: error: rank 2: SLFIT_SIMD: "), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(MpiJob, RanksStartedWithOtherArgumentsFailBeforeAnyWork) {
  SKIP_WITHOUT_MPI();
  test::ScratchDir dir("mpi_arguments");
  const auto out = dir.path() / "fit.json";
  const std::string common =
      " fit --data examples/parscale/train.csv --group group --format json --out '" + out.string() + "' --law ";
  const std::string binary = "'" + test::slfit_binary() + "'";
  const test::CommandResult r = run(2, common + "parallel_power : -n 1 " + binary + common + "chinchilla");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("rank 2 was started as 'slfit fit --data examples/parscale/train.csv"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("--law chinchilla', rank 0 as 'slfit fit "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("every rank of a job must run the same command line"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(MpiJob, AKilledRankEndsTheJobWithoutOutput) {
  SKIP_WITHOUT_MPI();
  test::ScratchDir dir("mpi_killed");
  const auto out = dir.path() / "ci.json";
  const std::string args =
      " bootstrap --data examples/parscale/train.csv --group group --law parscale "
      "--resamples 100000 --separable off --quiet --out '" +
      out.string() + "'";
  const std::string binary = "'" + test::slfit_binary() + "'";
  // Rank 2 is killed a second into a bootstrap that would take minutes.
  const test::CommandResult r = run(2, args + " : -n 1 timeout -s KILL 1 " + binary + args);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("rank 2"), std::string::npos) << r.err;  // the launcher names it
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace slfit
