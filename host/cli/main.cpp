// slfit: batch fitting of scaling laws. Dispatches to a subcommand and maps failures to exit
// codes: 2 for bad input or usage (the message names the file and place), 1 for anything else.
// Started by an MPI launcher (mpirun, srun), it joins the job first: every rank runs the command,
// rank 0 alone speaks and writes, and a failure on any rank fails every rank (slfit/ranks.hpp).

#include <algorithm>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/fit_options.hpp"
#include "cli/interrupts.hpp"
#include "slfit/cpu_simd.hpp"
#include "slfit/error.hpp"
#include "slfit/ranks.hpp"
#include "slfit/text.hpp"

namespace {

constexpr const char* kUsage =
    "slfit " SLFIT_VERSION ": fit scaling laws to many data sets at once\n\n"
    "Usage: slfit <command> [options]\n\n"
    "Commands:\n"
    "  fit        fit a law to every group of a CSV file (and score it on a test split)\n"
    "  predict    evaluate the fitted laws of a fit or bootstrap on new points (with a band)\n"
    "  laws       list the built-in laws\n"
    "  rescore    re-score a leaderboard manifest: every law fitted to its task, ranked by test r2\n"
    "  bootstrap  confidence intervals for parameters and predictions from resampled fits\n"
    "  surface    the objective on a grid of parameter values, per group (CSV)\n\n"
    "'slfit <command> --help' describes a command's options ('slfit help <command>' too).\n";

// The exit code for a command that threw, with the message on stderr.
int report_failure(const std::string& command, const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const slfit::OptionError& e) {
    std::cerr << "slfit " << command << ": error: " << slfit::cli::option_flag(e.field()) << " " << e.requirement()
              << "\n";
    return 2;
  } catch (const slfit::InputError& e) {
    std::cerr << "slfit " << command << ": error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "slfit " << command << ": failed: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "slfit " << command << ": failed\n";
  }
  return 1;
}

int dispatch(const std::string& command, const std::vector<std::string>& rest) {
  if (command == "fit") return slfit::cli::run_fit(rest);
  if (command == "predict") return slfit::cli::run_predict(rest);
  if (command == "laws") return slfit::cli::run_laws(rest);
  if (command == "rescore") return slfit::cli::run_rescore(rest);
  if (command == "bootstrap") return slfit::cli::run_bootstrap(rest);
  if (command == "surface") return slfit::cli::run_surface(rest);
  std::cerr << "slfit: unknown command '" << command << "'\n\n" << kUsage;
  return 2;
}

// In an MPI job every rank must run the same command line: a rank given other data or options
// would fit other problems under the same exchanges. Checked before any work; every rank sees
// every rank's arguments, so all fail alike, and rank 0 names the first rank that differs.
void check_the_ranks_agree(const std::string& command, const std::vector<std::string>& rest) {
  slfit::Ranks* ranks = slfit::batch_ranks();
  if (!ranks || ranks->size() < 2) return;
  std::string mine = command + '\0';
  for (const std::string& arg : rest) mine += arg + '\0';
  const std::vector<std::string> all = slfit::exchange_or_throw(*ranks, mine);
  const auto readable = [](std::string line_bytes) {  // the arguments as written, space-separated
    std::replace(line_bytes.begin(), line_bytes.end(), '\0', ' ');
    if (!line_bytes.empty()) line_bytes.pop_back();
    return line_bytes;
  };
  for (std::size_t r = 1; r < all.size(); ++r)
    if (all[r] != all[0])
      throw slfit::InputError("rank " + std::to_string(r) + " was started as 'slfit " + readable(all[r]) +
                              "', rank 0 as 'slfit " + readable(all[0]) +
                              "': every rank of a job must run the same command line");
}

// Runs one command ("fit", ...) on its arguments; the exit code.
int run_command(const std::string& command, const std::vector<std::string>& rest) {
  try {
    check_the_ranks_agree(command, rest);
    const int code = dispatch(command, rest);
    // In an MPI job the ranks end together, so that a rank that failed after the last exchange
    // still fails the job.
    if (slfit::Ranks* ranks = slfit::batch_ranks()) (void)slfit::exchange_or_throw(*ranks, {});
    return code;
  } catch (...) {
    slfit::share_failure(std::current_exception());
    return report_failure(command, std::current_exception());
  }
}

// The ranks of the MPI job this process joined, installed for the command; the ranks other than
// 0 write nothing to stdout or stderr (rank 0 reports for all).
class JobRanks {
 public:
  JobRanks(int& argc, char**& argv) {
    ranks_ = slfit::join_mpi_job(argc, argv);
    if (!ranks_) return;
    slfit::set_batch_ranks(ranks_.get());
    if (ranks_->rank() != 0) {
      std::cout.rdbuf(nullptr);
      std::cerr.rdbuf(nullptr);
    }
  }
  ~JobRanks() { slfit::set_batch_ranks(nullptr); }

 private:
  std::unique_ptr<slfit::Ranks> ranks_;
};

}  // namespace

int main(int argc, char** argv) {
  slfit::cli::install_interrupt_handlers();
  std::unique_ptr<JobRanks> job;
  try {
    job = std::make_unique<JobRanks>(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "slfit: " << e.what() << "\n";
    return 1;
  }
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 2 && args[0] == "help") return run_command(args[1], {"--help"});  // slfit help fit
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "slfit " SLFIT_VERSION "\n";
    try {
      const std::string in_use = slfit::cpu_instruction_set();
      std::cout << "CPU vector math: " << in_use << " (of " << slfit::join(slfit::supported_cpu_instruction_sets(), ", ")
                << ")\n";
    } catch (const std::exception& e) {
      std::cerr << "slfit: " << e.what() << "\n";
      return 2;
    }
    return 0;
  }
  return run_command(args[0], std::vector<std::string>(args.begin() + 1, args.end()));
}
