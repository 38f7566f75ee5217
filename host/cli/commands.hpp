#pragma once
// The subcommands of the slfit CLI. Each takes its own arguments (after the command name) and
// returns the process exit code; bad input throws slfit::InputError, which main() reports
// with exit code 2.

#include <string>
#include <vector>

namespace slfit::cli {

int run_fit(const std::vector<std::string>& args);
int run_predict(const std::vector<std::string>& args);
int run_laws(const std::vector<std::string>& args);
int run_rescore(const std::vector<std::string>& args);
int run_bootstrap(const std::vector<std::string>& args);
int run_surface(const std::vector<std::string>& args);

}  // namespace slfit::cli
