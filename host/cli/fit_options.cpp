#include "cli/fit_options.hpp"

#include <iostream>

#include <charconv>
#include <map>
#include <string>

#include "slfit/backend.hpp"
#include "slfit/error.hpp"

namespace po = boost::program_options;

namespace slfit::cli {

po::options_description fitting_options(FitOptions& o, int& threads) {
  po::options_description d("Fitting options");
  d.add_options()
    ("pipeline", po::value<std::string>()->default_value("de"),
     "de: differential evolution, then L-BFGS-B from its best point; "
     "seed: the seed program's fit_scaling_law step by step")
    ("separable", po::value<std::string>()->default_value("auto"),
     "auto: solve the law's linear parameters exactly for each candidate and search the others "
     "(a linear-space mse objective); off: search every parameter")
    ("updating", po::value<std::string>()->default_value("deferred"),
     "deferred: each DE generation's trials from the population it started with; immediate: "
     "member by member from the population as updated so far (scipy's default; one trial at a time)")
    ("popsize", po::value(&o.de.popsize)->default_value(o.de.popsize), "DE population = max(5, popsize x searched parameters)")
    ("maxiter", po::value(&o.de.maxiter)->default_value(o.de.maxiter), "DE generations at most")
    ("tol", po::value(&o.de.tol)->default_value(o.de.tol, "1e-11"), "DE relative tolerance on the energies' spread")
    ("atol", po::value(&o.de.atol)->default_value(o.de.atol, "1e-11"), "DE absolute tolerance on the energies' spread")
    ("ftol", po::value(&o.refine.ftol)->default_value(o.refine.ftol, "0"), "L-BFGS-B relative reduction tolerance (0: refine until no step lowers the objective)")
    ("gtol", po::value(&o.refine.gtol)->default_value(o.refine.gtol, "1e-12"), "L-BFGS-B projected-gradient tolerance")
    ("lbfgs-maxiter", po::value(&o.refine.maxiter)->default_value(o.refine.maxiter), "L-BFGS-B iterations at most")
    ("seed", po::value<std::string>()->default_value(std::to_string(o.seed)),
     "seed of the Philox random streams, a whole number from 0 to 2^64 - 1")
    ("threads", po::value(&threads)->default_value(0), "worker threads (0: all cores)")
    ("backend", po::value<std::string>()->default_value("auto"),
     "auto: the GPU when one is usable, else the CPU; cpu; cuda (an error without a usable GPU)")
    ("verbose", po::bool_switch(), "say in full why the GPU is not used (the CUDA runtime's error text)")
    ("quiet,q", po::bool_switch(),
     "no progress line, backend line or summary on stderr (warnings and errors are still written)");
  return d;
}

std::ostream& notes(const po::variables_map& vm) {
  static std::ostream nowhere(nullptr);  // no buffer: every write is dropped
  return vm["quiet"].as<bool>() ? nowhere : std::cerr;
}

void finish_fitting_options(const po::variables_map& vm, FitOptions& o) {
  const std::string pipeline = vm["pipeline"].as<std::string>();
  const std::optional<Pipeline> chosen = chosen_pipeline(pipeline);
  if (!chosen) throw InputError("--pipeline: '" + pipeline + "' is not one of: " + chosen_pipeline_names());
  o.pipeline = *chosen;
  const std::string separable = vm["separable"].as<std::string>();
  const std::optional<Separable> solved = parse_separable(separable);
  if (!solved) throw InputError("--separable: '" + separable + "' is not one of: auto, off");
  o.separable = *solved;
  const std::string updating = vm["updating"].as<std::string>();
  const std::optional<Updating> chosen_updating = parse_updating(updating);
  if (!chosen_updating) throw InputError("--updating: '" + updating + "' is not one of: deferred, immediate");
  o.de.updating = *chosen_updating;
  // Read here, not by Boost, whose conversion would take -1 as 2^64 - 1.
  const std::string seed = vm["seed"].as<std::string>();
  const auto [end, error] = std::from_chars(seed.data(), seed.data() + seed.size(), o.seed);
  if (seed.empty() || error != std::errc() || end != seed.data() + seed.size())
    throw InputError("--seed: '" + seed + "' is not a whole number from 0 to 2^64 - 1");
  validate(o);
  if (vm["threads"].as<int>() < 0) throw InputError("--threads must be >= 0");
  parse_backend(vm["backend"].as<std::string>());
}

std::string option_flag(const std::string& field) {
  static const std::map<std::string, std::string> flags = {
      {"de.popsize", "--popsize"}, {"de.maxiter", "--maxiter"},          {"de.tol", "--tol"},
      {"de.atol", "--atol"},       {"refine.ftol", "--ftol"},            {"refine.gtol", "--gtol"},
      {"refine.maxiter", "--lbfgs-maxiter"}};
  const auto found = flags.find(field);
  return found == flags.end() ? field : found->second;
}

}  // namespace slfit::cli
