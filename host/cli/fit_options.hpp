#pragma once
// The fitting options shared by every command that fits (fit, bootstrap, rescore, surface): one
// options_description, one reader into FitOptions, and --verbose and --quiet.

#include <ostream>

#include <boost/program_options.hpp>

#include "slfit/options.hpp"

namespace slfit::cli {

boost::program_options::options_description fitting_options(FitOptions& options, int& threads);

// Where a command's informational lines go (the backend line, progress, summaries): stderr, or
// nowhere with --quiet. Warnings and errors go to stderr regardless.
std::ostream& notes(const boost::program_options::variables_map& vm);

// Reads --pipeline (held as text by fitting_options) and validates every optimizer option.
void finish_fitting_options(const boost::program_options::variables_map& vm, FitOptions& options);

// The command-line flag of a FitOptions field named by an OptionError ("de.popsize" is
// "--popsize"); a field without a flag keeps its name.
std::string option_flag(const std::string& field);

}  // namespace slfit::cli
