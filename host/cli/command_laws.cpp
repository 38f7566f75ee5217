// slfit laws: lists the built-in laws, or prints one's JSON spec.

#include <iostream>

#include <boost/program_options.hpp>

#include "cli/commands.hpp"
#include "cli/parse_util.hpp"
#include "slfit/law_io.hpp"

namespace po = boost::program_options;

namespace slfit::cli {

int run_laws(const std::vector<std::string>& args) {
  std::string show;
  po::options_description options(
      "slfit laws: list the built-in laws\n\nUsage: slfit laws [NAME | --show NAME]\n\nOptions");
  options.add_options()
    ("help,h", "show this help")
    ("show", po::value(&show), "print the JSON spec of built-in law NAME (a starting point for your own)");
  po::positional_options_description name;  // slfit laws NAME is slfit laws --show NAME
  name.add("show", 1);
  po::variables_map vm;
  if (!parse_command_line(args, options, vm, &name)) return 0;

  if (!show.empty()) {
    std::cout << builtin_law_json(show);
    return 0;
  }
  for (const std::string& name : builtin_law_names()) {
    const Law law = load_law(name);
    std::cout << name << "\n  " << law.formula << "\n  params:";
    for (const std::string& p : law.param_names()) std::cout << ' ' << p;
    std::cout << "\n  inputs:";
    for (std::size_t k = 0; k < law.variables.size(); ++k)
      std::cout << ' ' << law.variables[k] << '=' << law.columns[k];
    std::cout << "  target: " << law.target << "\n";
  }
  return 0;
}

}  // namespace slfit::cli
