#include "cli/parse_util.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>
#include <sstream>

#include "slfit/error.hpp"
#include "slfit/text.hpp"

namespace po = boost::program_options;

namespace slfit::cli {

bool parse_command_line(const std::vector<std::string>& args, const po::options_description& options,
                        po::variables_map& vm, const po::positional_options_description* positional) {
  try {
    po::command_line_parser parser(args);
    parser.options(options);
    if (positional) parser.positional(*positional);
    const po::parsed_options parsed = parser.run();
    // Without a positional description Boost keeps stray words aside and stores nothing for
    // them; a word the user typed is never ignored silently.
    for (const po::option& option : parsed.options)
      if (option.string_key.empty() && option.position_key >= 0 && !option.original_tokens.empty())
        throw InputError("unexpected argument '" + option.original_tokens.front() +
                         "' (options start with --; see --help)");
    po::store(parsed, vm);
    if (vm.count("help")) {
      std::cout << options << "\n";
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(std::string(e.what()) + " (see --help)");
  }
  return true;
}

std::vector<std::pair<std::string, std::string>> parse_assignments(const std::vector<std::string>& items,
                                                                   const std::string& flag) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw InputError(flag + ": '" + item + "' is not of the form NAME=VALUE");
    out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return out;
}

std::string resolve_format(const std::string& format, const std::string& out) {
  if (format.empty()) return out.size() > 4 && out.ends_with(".csv") ? "csv" : "json";
  if (format != "json" && format != "csv") throw InputError("--format: '" + format + "' is not one of: json, csv");
  return format;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

std::string csv_number(double value) { return std::isnan(value) ? std::string() : shortest_number(value); }

void reject_parameter_columns(const Law& law, const std::vector<std::string>& columns, const std::string& output) {
  for (const std::string& name : law.param_names())
    if (std::find(columns.begin(), columns.end(), name) != columns.end())
      throw InputError("law '" + law.name + "': parameter '" + name + "' has the name of a column of " + output + " (" +
                       join(columns, ", ") + "); rename the parameter, or choose JSON output");
}

}  // namespace slfit::cli
