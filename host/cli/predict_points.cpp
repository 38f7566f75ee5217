#include "cli/predict_points.hpp"

#include <optional>

#include "slfit/text.hpp"
#include "slfit/error.hpp"

namespace slfit::cli {
namespace {

// The law input that `name` denotes: its CSV column first, else its formula variable.
std::optional<std::size_t> input_named(const Law& law, const std::string& name) {
  for (std::size_t k = 0; k < law.columns.size(); ++k)
    if (law.columns[k] == name) return k;
  for (std::size_t k = 0; k < law.variables.size(); ++k)
    if (law.variables[k] == name) return k;
  return std::nullopt;
}

std::string input_list(const Law& law) {
  std::string out;
  for (std::size_t k = 0; k < law.columns.size(); ++k)
    out += (k ? ", " : "") + law.columns[k] + (law.columns[k] == law.variables[k] ? "" : " (" + law.variables[k] + ")");
  return out;
}

}  // namespace

PredictPoints parse_predict_points(const std::vector<std::string>& specs, const Law& law) {
  PredictPoints points;
  points.data.name = "predict";
  points.data.inputs.resize(law.variables.size());
  for (const std::string& spec : specs) {
    const std::string where = "--predict '" + spec + "'";
    std::vector<std::optional<double>> values(law.variables.size());
    nlohmann::ordered_json label = nlohmann::ordered_json::object();
    for (const std::string& item : split(spec, ',')) {
      const std::size_t eq = item.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
        throw InputError(where + ": '" + item + "' is not of the form NAME=VALUE");
      const std::string name = item.substr(0, eq), text = item.substr(eq + 1);
      const std::optional<std::size_t> k = input_named(law, name);
      if (!k) throw InputError(where + ": '" + name + "' is none of the law's inputs: " + input_list(law));
      if (values[*k]) throw InputError(where + ": '" + name + "' is given twice");
      const std::optional<double> value = parse_finite_number(text);
      if (!value) throw InputError(where + ": '" + text + "' is not a finite number");
      values[*k] = *value;
      label[name] = *value;
    }
    for (std::size_t k = 0; k < values.size(); ++k) {
      if (!values[k]) throw InputError(where + ": no value for the law's input " + law.columns[k]);
      points.data.inputs[k].push_back(*values[k]);
    }
    points.data.target.push_back(0.0);  // predictions read only the inputs
    points.data.lines.push_back(0);
    points.labels.push_back(std::move(label));
    points.texts.push_back(spec);
  }
  // A multi-output law predicts every output at each point: point k * m + p is output k at point
  // p (stack_outputs; the targets are placeholders, as predictions read only the inputs).
  if (!law.outputs.empty())
    stack_outputs(points.data, std::vector<std::vector<double>>(law.outputs.size(), points.data.target));
  return points;
}

}  // namespace slfit::cli
