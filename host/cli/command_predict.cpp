// slfit predict: evaluates the laws a fit (or a bootstrap) fitted on new points, per group, and
// with the bootstrap's replicates the prediction band.

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <tuple>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/data_options.hpp"
#include "cli/parse_util.hpp"
#include "slfit/atomic_file.hpp"
#include "slfit/csv.hpp"
#include "slfit/error.hpp"
#include "slfit/input_file.hpp"
#include "slfit/intervals.hpp"
#include "slfit/law_io.hpp"
#include "slfit/objective.hpp"
#include "slfit/text.hpp"

namespace po = boost::program_options;

namespace slfit::cli {
namespace {

using Json = nlohmann::ordered_json;

struct PredictArgs {
  std::string fit, replicates, out, format;
  double level = 0.95;
  DataArgs input;  // --data, --group, --delimiter, --missing
};

// What a `fit` or `bootstrap` JSON output says was fitted: the law and each group's parameters.
struct FittedLaw {
  std::shared_ptr<const Law> law;
  std::string group_column;                           // empty: one group, "all"
  std::map<std::string, std::vector<double>> params;  // per group that has them
  std::map<std::string, std::string> failed;          // per group without: its status
};

[[noreturn]] void bad_result(const std::string& path, const std::string& what) {
  throw InputError(path + ": " + what + " (expected the JSON output of 'slfit fit' or 'slfit bootstrap --out')");
}

FittedLaw read_fitted_law(const std::string& path) {
  Json j;
  try {
    j = Json::parse(read_input_file(path));
  } catch (const Json::parse_error& e) {
    bad_result(path, std::string("not JSON: ") + e.what());
  }
  if (!j.is_object()) bad_result(path, "not a JSON object");
  if (!j.contains("law_spec"))
    bad_result(path,
               "no \"law_spec\" (results written before slfit recorded the law in them cannot be used; "
               "fit again)");
  FittedLaw f;
  f.law = std::make_shared<const Law>(parse_law_spec(j.at("law_spec"), path + ": law_spec"));
  if (j.contains("group_column") && j["group_column"].is_string()) f.group_column = j["group_column"];

  // fit: "fits": [{group, params, status}]; bootstrap: "groups": [{group, fit: {params, status}}].
  const bool from_fit = j.contains("fits");
  const Json& groups = from_fit ? j["fits"] : j.value("groups", Json());
  if (!groups.is_array()) bad_result(path, "neither \"fits\" nor \"groups\" is a list");
  for (const Json& entry : groups) {
    const Json& fit = from_fit ? entry : entry.value("fit", Json());
    if (!entry.contains("group") || !fit.is_object() || !fit.contains("params"))
      bad_result(path, "a fit without group or params");
    const std::string group = entry["group"];
    std::vector<double> values;
    for (const ParamSpec& p : f.law->params) {
      const Json& v = fit["params"].value(p.name, Json());
      if (!v.is_number()) break;
      values.push_back(v.get<double>());
    }
    if (values.size() == f.law->params.size()) f.params[group] = std::move(values);
    else f.failed[group] = fit.value("status", "no parameters");
  }
  if (f.params.empty()) bad_result(path, "no group has fitted parameters");
  return f;
}

// The bootstrap replicates (`bootstrap --save-replicates`): per group, the parameter vectors of
// the replicates whose fit found a finite objective.
std::map<std::string, std::vector<std::vector<double>>> read_replicates(const std::string& path, const Law& law,
                                                                        char delimiter) {
  const CsvTable table = parse_csv_table(read_input_file(path), path, delimiter);
  const auto column = [&](const std::string& name) {
    const auto it = std::find(table.header.begin(), table.header.end(), name);
    if (it == table.header.end())
      throw InputError(path + ":1: no column named '" + name +
                       "' (expected the replicates CSV of 'slfit bootstrap --save-replicates' for law '" + law.name +
                       "')");
    return static_cast<std::size_t>(it - table.header.begin());
  };
  const std::size_t group = column("group"), objective = column("objective");
  std::vector<std::size_t> params;
  for (const ParamSpec& p : law.params) params.push_back(column(p.name));

  std::map<std::string, std::vector<std::vector<double>>> replicates;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const std::vector<std::string>& row = table.rows[r];
    const std::optional<double> f = parse_finite_number(row[objective]);
    if (!f) continue;  // a replicate whose fit found no finite objective (empty or inf)
    std::vector<double> values;
    for (std::size_t k = 0; k < params.size(); ++k) {
      const std::optional<double> v = parse_finite_number(row[params[k]]);
      if (!v)
        throw InputError(path + ":" + std::to_string(table.lines[r]) + ": column '" + law.params[k].name + "': '" +
                         row[params[k]] + "' is not a finite number");
      values.push_back(*v);
    }
    replicates[row[group]].push_back(std::move(values));
  }
  return replicates;
}

struct PredictedPoint {
  std::size_t line = 0;
  const GroupData* group = nullptr;
  std::size_t row = 0;     // the point in its group (stacked, for a multi-output law)
  std::size_t output = 0;  // a multi-output law's output
  double prediction = 0.0;
  Interval band{std::nan(""), std::nan("")};
};

std::string format_csv(const std::vector<PredictedPoint>& points, const Law& law, const std::string& target,
                       bool band) {
  std::ostringstream out;
  const bool outputs = !law.outputs.empty();
  out << "line,group";
  for (const std::string& c : law.columns) out << ',' << csv_field(c);
  if (outputs) out << ",output";
  if (!target.empty()) out << ',' << csv_field(outputs ? "observed" : target);
  out << ",prediction" << (band ? ",prediction_low,prediction_high" : "") << '\n';
  for (const PredictedPoint& p : points) {
    out << p.line << ',' << csv_field(p.group->name);
    for (std::size_t k = 0; k < law.columns.size(); ++k) out << ',' << csv_number(p.group->inputs[k][p.row]);
    if (outputs) out << ',' << csv_field(law.outputs[p.output].name);
    if (!target.empty()) out << ',' << csv_number(p.group->target[p.row]);
    out << ',' << csv_number(p.prediction);
    if (band) out << ',' << csv_number(p.band.low) << ',' << csv_number(p.band.high);
    out << '\n';
  }
  return out.str();
}

std::string format_json(const std::vector<PredictedPoint>& points, const Law& law, const std::string& target,
                        const PredictArgs& a, const std::map<std::string, std::size_t>& used) {
  Json j;
  j["law"] = law.name;
  j["fit"] = a.fit;
  j["data"] = a.input.data;
  if (!a.replicates.empty()) {
    j["replicates"] = a.replicates;
    j["level"] = a.level;
    j["replicates_used"] = used;
  }
  j["points"] = Json::array();
  for (const PredictedPoint& p : points) {
    Json point = {{"line", p.line}, {"group", p.group->name}, {"inputs", Json::object()}};
    for (std::size_t k = 0; k < law.columns.size(); ++k) point["inputs"][law.columns[k]] = p.group->inputs[k][p.row];
    if (!law.outputs.empty()) point["output"] = law.outputs[p.output].name;
    if (!target.empty()) point["observed"] = p.group->target[p.row];
    point["prediction"] = p.prediction;
    if (!a.replicates.empty()) {
      point["low"] = p.band.low;
      point["high"] = p.band.high;
    }
    j["points"].push_back(std::move(point));
  }
  return j.dump(2) + "\n";
}

}  // namespace

int run_predict(const std::vector<std::string>& args) {
  PredictArgs a;
  // clang-format off
  po::options_description options("slfit predict: evaluate fitted laws on new points, per group\n\n"
                                  "Usage: slfit predict --fit RESULT.json --data NEW.csv [options]\n\nOptions");
  options.add_options()
    ("help,h", "show this help")
    ("fit", po::value(&a.fit)->required(), "the JSON output of 'slfit fit' or 'slfit bootstrap --out'")
    ("data", po::value(&a.input.data)->required(),
     "CSV of the points, with the law's input columns (and the group column when the fit had one)")
    ("group", po::value(&a.input.group), "the column naming each row's group (default: the fit's group column)")
    ("replicates", po::value(&a.replicates),
     "the replicates CSV of 'slfit bootstrap --save-replicates': adds the percentile prediction band")
    ("level", po::value(&a.level)->default_value(a.level), "the band's confidence level, between 0 and 1")
    ("out", po::value(&a.out)->default_value("-"), "output file, written atomically; - for stdout")
    ("format", po::value(&a.format), "csv or json (default: json for a .json --out, else csv)");
  // clang-format on
  add_csv_format_options(options, a.input);
  po::variables_map vm;
  if (!parse_command_line(args, options, vm)) return 0;
  if (!(a.level > 0 && a.level < 1))
    throw InputError("--level: " + shortest_number(a.level) + " is not between 0 and 1");
  const std::string format = a.format.empty() ? (a.out.ends_with(".json") ? "json" : "csv") : a.format;
  if (format != "csv" && format != "json") throw InputError("--format: '" + format + "' is not one of: csv, json");
  check_output_writable(a.out);

  const FittedLaw fitted = read_fitted_law(a.fit);
  const Law& law = *fitted.law;
  const CsvOptions csv = csv_options(a.input);
  const std::string text = read_input_file(a.input.data);
  // The target column is optional here: read it where the file has it, to show beside the
  // prediction. Without it the first input column stands in (the reader needs one) and is not shown.
  const CsvTable header = parse_csv_table(text.substr(0, text.find('\n') + 1), a.input.data, csv.delimiter);
  const std::vector<std::string> targets = law.targets();
  const bool has_target = std::all_of(targets.begin(), targets.end(), [&](const std::string& t) {
    return std::find(header.header.begin(), header.header.end(), t) != header.header.end();
  });
  const std::string group_column = vm.count("group") ? a.input.group : fitted.group_column;
  ColumnSelection columns{law.columns, has_target ? law.target : law.columns.front(), group_column};
  if (has_target && !law.outputs.empty()) columns.outputs = targets;
  Dataset data = parse_dataset(text, a.input.data, columns, 1, csv);
  // A multi-output law predicts each row once per output (stack_outputs); without the targets
  // in the file, their place is held by the stand-in column.
  if (!has_target && !law.outputs.empty())
    for (GroupData& g : data.groups) stack_outputs(g, std::vector<std::vector<double>>(law.outputs.size(), g.target));
  say_dropped_rows(data);

  std::map<std::string, std::vector<std::vector<double>>> replicates;
  if (!a.replicates.empty()) replicates = read_replicates(a.replicates, law, csv.delimiter);

  // Every row's group needs a fit, checked before any output.
  std::vector<std::string> fitted_names;
  for (const auto& [name, params] : fitted.params) fitted_names.push_back(name);
  for (const GroupData& g : data.groups) {
    if (fitted.params.contains(g.name)) continue;
    const auto failed = fitted.failed.find(g.name);
    throw InputError(data.source + ":" + std::to_string(g.lines.front()) + ": group '" + g.name + "' " +
                     (failed != fitted.failed.end()
                          ? "has no fitted parameters in " + a.fit + " (status " + failed->second + ")"
                          : "was not fitted in " + a.fit + did_you_mean(g.name, fitted_names) +
                                "; fitted groups: " + join(fitted_names, ", ")));
  }

  const std::shared_ptr<const CompiledLaw> compiled = compile_law(law);
  std::vector<PredictedPoint> points;
  std::map<std::string, std::size_t> used;
  const double tail = 100.0 * (1.0 - a.level) / 2.0;
  for (const GroupData& g : data.groups) {
    const std::vector<double> predictions = predict(*compiled, g, fitted.params.at(g.name));
    std::vector<std::vector<double>> replicate_predictions;
    if (!a.replicates.empty()) {
      const auto found = replicates.find(g.name);
      if (found == replicates.end() || found->second.empty())
        throw InputError(a.replicates + ": no replicate of group '" + g.name + "' found a finite objective");
      used[g.name] = found->second.size();
      for (const std::vector<double>& params : found->second)
        replicate_predictions.push_back(predict(*compiled, g, params));
    }
    for (std::size_t i = 0; i < g.size(); ++i) {
      PredictedPoint p{g.lines[i], &g, i, i / g.rows(), predictions[i]};
      if (!std::isfinite(p.prediction))
        std::cerr << "slfit predict: warning: " << data.source << ":" << g.lines[i] << ": group '" << g.name
                  << "': the prediction is " << number_text(p.prediction) << '\n';
      if (!replicate_predictions.empty()) {
        std::vector<double> values;
        for (const std::vector<double>& r : replicate_predictions)
          if (std::isfinite(r[i])) values.push_back(r[i]);
        if (values.size() < replicate_predictions.size())
          std::cerr << "slfit predict: warning: " << data.source << ":" << g.lines[i] << ": "
                    << replicate_predictions.size() - values.size() << " of " << replicate_predictions.size()
                    << " replicates predict a non-finite value; the band is from the others\n";
        std::sort(values.begin(), values.end());
        if (!values.empty()) p.band = {percentile_linear(values, tail), percentile_linear(values, 100.0 - tail)};
      }
      points.push_back(p);
    }
  }
  std::stable_sort(points.begin(), points.end(), [](const PredictedPoint& x, const PredictedPoint& y) {
    return std::tie(x.line, x.output) < std::tie(y.line, y.output);
  });
  const std::string target = has_target ? law.target : "";
  write_output(a.out, format == "json" ? format_json(points, law, target, a, used)
                                       : format_csv(points, law, target, !a.replicates.empty()));
  return 0;
}

}  // namespace slfit::cli
