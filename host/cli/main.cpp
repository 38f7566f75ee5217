// slfit: batch fitting of scaling laws. Dispatches to a subcommand and maps failures to exit
// codes: 2 for bad input or usage (the message names the file and place), 1 for anything else.

#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/fit_options.hpp"
#include "cli/interrupts.hpp"
#include "slfit/error.hpp"

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

// Runs one command ("fit", ...) on its arguments; the exit code.
int run_command(const std::string& command, const std::vector<std::string>& rest) {
  try {
    if (command == "fit") return slfit::cli::run_fit(rest);
    if (command == "predict") return slfit::cli::run_predict(rest);
    if (command == "laws") return slfit::cli::run_laws(rest);
    if (command == "rescore") return slfit::cli::run_rescore(rest);
    if (command == "bootstrap") return slfit::cli::run_bootstrap(rest);
    if (command == "surface") return slfit::cli::run_surface(rest);
    std::cerr << "slfit: unknown command '" << command << "'\n\n" << kUsage;
    return 2;
  } catch (const slfit::OptionError& e) {
    std::cerr << "slfit " << command << ": error: " << slfit::cli::option_flag(e.field()) << " " << e.requirement()
              << "\n";
    return 2;
  } catch (const slfit::InputError& e) {
    std::cerr << "slfit " << command << ": error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "slfit " << command << ": failed: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  slfit::cli::install_interrupt_handlers();
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 2 && args[0] == "help") return run_command(args[1], {"--help"});  // slfit help fit
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "slfit " SLFIT_VERSION "\n";
    return 0;
  }
  return run_command(args[0], std::vector<std::string>(args.begin() + 1, args.end()));
}
