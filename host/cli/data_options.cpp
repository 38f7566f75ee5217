#include "cli/data_options.hpp"

#include <algorithm>
#include <iostream>
#include <optional>

#include "cli/parse_util.hpp"
#include "slfit/error.hpp"
#include "slfit/text.hpp"
#include "slfit/csv.hpp"
#include "slfit/law_io.hpp"

namespace po = boost::program_options;

namespace slfit::cli {

void add_data_options(po::options_description& options, DataArgs& a, const char* data_help,
                      const char* group_help) {
  options.add_options()
    ("data", po::value(&a.data)->required(), data_help)
    ("law", po::value(&a.law)->required(), "a built-in law (see 'slfit laws') or a JSON law file")
    ("group", po::value(&a.group), group_help)
    ("map", po::value(&a.maps)->composing(), "VAR=COL: read the law's input VAR from column COL (repeatable)")
    ("target", po::value(&a.target), "column holding the observed values (default: the law's target)")
    ("weights", po::value(&a.weights),
     "column of per-row weights, each multiplying its row's residual (lmfit's weights; 1/sigma)")
    ("sigma", po::value(&a.sigma), "column of per-row uncertainties, each dividing its row's residual (curve_fit's sigma)");
  add_csv_format_options(options, a);
}

void add_csv_format_options(po::options_description& options, DataArgs& a) {
  options.add_options()
    ("delimiter", po::value(&a.delimiter)->default_value(a.delimiter),
     "field separator of the CSV files: auto (the header's first of comma, tab, semicolon), comma, tab, "
     "semicolon, or any one character")
    ("missing", po::value(&a.missing)->default_value(a.missing),
     "a row with a missing value (empty, NA, NaN, null) in a column the law reads: error, or drop the row "
     "(each group's dropped rows are listed on stderr)");
}

void add_fix_option(po::options_description& options, DataArgs& a) {
  options.add_options()("fix", po::value(&a.fixes)->composing(),
                        "NAME=VALUE: hold parameter NAME at VALUE and fit the others (repeatable)");
}

std::vector<FixedParameter> parse_fixed_parameters(const std::vector<std::string>& items, const Law& law) {
  std::vector<FixedParameter> fixed;
  for (const auto& [name, text] : parse_assignments(items, "--fix")) {
    FixedParameter f{0, 0.0, "--fix " + name + "=" + text};
    f.param = parameter_index(law, name, f.option);
    if (std::any_of(fixed.begin(), fixed.end(), [&](const FixedParameter& g) { return g.param == f.param; }))
      throw InputError(f.option + ": '" + name + "' is fixed twice");
    const std::optional<double> value = parse_finite_number(text);
    if (!value) throw InputError(f.option + ": '" + text + "' is not a finite number");
    f.value = *value;
    fixed.push_back(std::move(f));
  }
  return fixed;
}

std::shared_ptr<const Law> load_mapped_law(const DataArgs& a) {
  Law law = load_law(a.law);
  override_columns(law, parse_assignments(a.maps, "--map"), a.target);
  if (!a.weights.empty() && !a.sigma.empty())
    throw InputError("--weights and --sigma both scale the residuals; give one");
  if (!a.weights.empty()) set_residual_scale(law, a.weights, ScaleKind::Weight);
  if (!a.sigma.empty()) set_residual_scale(law, a.sigma, ScaleKind::Sigma);
  for (const FixedParameter& f : parse_fixed_parameters(a.fixes, law))
    fix_parameter(law, law.params[f.param].name, f.value, f.option);
  return std::make_shared<const Law>(std::move(law));
}

std::shared_ptr<const Dataset> read_data(const DataArgs& a, const Law& law, std::size_t min_rows) {
  auto data = std::make_shared<const Dataset>(
      read_dataset(a.data, law_columns(law, a.group), min_rows, csv_options(a)));
  say_dropped_rows(*data);
  return data;
}

void say_dropped_rows(const Dataset& data) {
  for (const GroupData& g : data.groups) {
    if (g.dropped_lines.empty()) continue;
    std::vector<std::string> lines;
    for (std::size_t line : g.dropped_lines) lines.push_back(std::to_string(line));
    std::cerr << "slfit: " << data.source << ": group '" << g.name << "': " << g.dropped_lines.size()
              << (g.dropped_lines.size() == 1 ? " row" : " rows") << " with a missing value dropped (line"
              << (lines.size() == 1 ? " " : "s ") << join(lines, ", ") << ")\n";
  }
}

CsvOptions csv_options(const DataArgs& a) {
  CsvOptions options;
  const std::string& d = a.delimiter;
  if (d == "comma") options.delimiter = ',';
  else if (d == "tab" || d == "\\t") options.delimiter = '\t';
  else if (d == "semicolon") options.delimiter = ';';
  else if (d.size() == 1 && d[0] != '"' && d[0] != '\n' && d[0] != '\r') options.delimiter = d[0];
  else if (d != "auto")
    throw InputError("--delimiter: '" + d + "' is not auto, comma, tab, semicolon or one character other than a quote");
  if (a.missing == "drop") options.missing = MissingValues::Drop;
  else if (a.missing != "error") throw InputError("--missing: '" + a.missing + "' is not one of: error, drop");
  return options;
}

}  // namespace slfit::cli
