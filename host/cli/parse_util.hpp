#pragma once
// Small pieces every command's argument handling and text output shares.

#include <string>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "slfit/law.hpp"

namespace slfit::cli {

// Parses args into vm and notifies. Returns false when --help was asked for (the help has then
// been printed to stdout). Usage errors become InputError, and so does a word that is not an
// option unless `positional` gives it a meaning.
bool parse_command_line(const std::vector<std::string>& args,
                        const boost::program_options::options_description& options,
                        boost::program_options::variables_map& vm,
                        const boost::program_options::positional_options_description* positional = nullptr);

// "NAME=VALUE" items, split at the first '='; `flag` names the option in messages.
std::vector<std::pair<std::string, std::string>> parse_assignments(const std::vector<std::string>& items,
                                                                   const std::string& flag);

// "json" or "csv": the explicit --format, else csv for an --out ending in .csv, else json.
std::string resolve_format(const std::string& format, const std::string& out);

// Throws InputError when a parameter of `law` has the name of one of `columns`, the fixed columns
// of the CSV `output` ("fit's CSV output"): its column would repeat a header name, which pandas
// silently renames. Called before the work.
void reject_parameter_columns(const Law& law, const std::vector<std::string>& columns, const std::string& output);

// A CSV field, quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);
// A number as a CSV field: its shortest exact text ("0.1", "1e-10", "inf"), or empty where it is
// undefined (NaN: a metric of constant targets, a failed entry's scores).
std::string csv_number(double value);

}  // namespace slfit::cli
