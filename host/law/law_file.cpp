// JSON law files and built-in laws. The reader is strict (unknown keys, unused parameters and
// duplicate keys are errors) because a typo in a law file otherwise fits the wrong model quietly.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "law/builtin_laws.hpp"
#include "law/parser.hpp"
#include "slfit/error.hpp"
#include "slfit/law_io.hpp"
#include "slfit/text.hpp"
#include "slfit/input_file.hpp"

namespace slfit {
namespace {

// ordered_json keeps the `inputs` object in file order, which is the order of law.variables.
using Json = nlohmann::ordered_json;

constexpr const char* kBuiltinPrefix = "builtin:";

std::string in_quotes(const std::string& text) { return "'" + text + "'"; }

// A parameter held at `value` ("fixed" in a law file, --fix): its bounds and start are the value.
void hold_at(ParamSpec& param, double value) {
  param.lower = param.upper = Expr{{Node{Op::Const, value, -1, -1, -1, 0}}};
  param.init = param.lower;
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; the rest is the useful part.
std::string without_exception_tag(const std::string& message) {
  const auto end = message.find("] ");
  return end == std::string::npos ? message : message.substr(end + 2);
}

// Parses JSON text, rejecting duplicate keys, which nlohmann would resolve silently.
Json parse_json(std::string_view text, const std::string& source) {
  std::vector<std::set<std::string>> keys_of_open_objects;
  const auto reject_duplicate_keys = [&](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) keys_of_open_objects.emplace_back();
    if (event == Json::parse_event_t::object_end) keys_of_open_objects.pop_back();
    if (event == Json::parse_event_t::key) {
      const auto key = parsed.get<std::string>();
      if (!keys_of_open_objects.back().insert(key).second) {
        throw InputError(source + ": duplicate key " + in_quotes(key));
      }
    }
    return true;  // keep every value
  };
  try {
    return Json::parse(text, reject_duplicate_keys);
  } catch (const Json::parse_error& error) {
    throw InputError(source + ": invalid JSON (byte " + std::to_string(error.byte) +
                     "): " + without_exception_tag(error.what()));
  } catch (const Json::exception& error) {
    // Numbers beyond double's range, the only way a law file could hold a non-finite bound.
    throw InputError(source + ": invalid JSON: " + without_exception_tag(error.what()));
  }
}

// "builtin:chinchilla" is named chinchilla, "laws/mine.json" is named mine.
std::string default_law_name(const std::string& source) {
  if (source.starts_with(kBuiltinPrefix)) return source.substr(std::strlen(kBuiltinPrefix));
  return std::filesystem::path(source).stem().string();
}

// How messages name a value that is not finite; NaN's sign is an accident of the arithmetic.
std::string non_finite_name(double value) { return std::isnan(value) ? "nan" : value > 0 ? "inf" : "-inf"; }

bool is_constant(const Expr& expr) {
  return std::none_of(expr.nodes.begin(), expr.nodes.end(), [](const Node& node) { return node.op == Op::Var; });
}

template <typename Choice>
using Choices = std::vector<std::pair<std::string, Choice>>;

// Turns the JSON of one law into a Law. Every message names the source and the field.
class LawReader {
 public:
  explicit LawReader(const std::string& source) : source_(source) {}

  Law read(const Json& root) {
    expect(root, root.is_object(), "", "a JSON object");
    check_keys(root, "", {"name", "description", "formula", "inputs", "target", "outputs", "params", "objective"});
    Law law;
    law.source = source_;
    law.name = root.contains("name") ? read_string(root.at("name"), "name") : default_law_name(source_);
    const bool outputs = root.contains("outputs");
    for (const char* key : {"formula", "target"})
      if (outputs && root.contains(key)) fail(key, "a law with 'outputs' gives each output its formula and target");
    if (outputs && !root.contains("inputs")) fail("outputs", "a law with outputs names its inputs (\"inputs\")");
    if (root.contains("inputs")) read_inputs(root.at("inputs"), law);
    else inputs_from_formula(root, law);
    read_params(require(root, "params", ""), law);
    if (outputs) {
      read_outputs(root.at("outputs"), law);
    } else {
      law.target = root.contains("target") ? read_string(root.at("target"), "target") : "loss";
      law.formula = read_string(require(root, "formula", ""), "formula");
      law.expr = parse_expression(law.formula, law.variables, law.param_names(), source_ + ": formula");
    }
    check_params_used(law);
    if (root.contains("objective")) read_objective(root.at("objective"), law);
    return law;
  }

 private:
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw InputError(source_ + ": " + (where.empty() ? "" : where + ": ") + what);
  }

  // `matches` says whether `value` has the kind `expected` describes.
  void expect(const Json& value, bool matches, const std::string& where, const std::string& expected) const {
    if (!matches) fail(where, "expected " + expected + ", found " + value.type_name());
  }

  // Unknown keys are rejected so that a misspelt optional field is not silently ignored.
  void check_keys(const Json& object, const std::string& where, const std::vector<std::string>& allowed) const {
    for (const auto& [key, value] : object.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        fail(where, "unknown key " + in_quotes(key) + " (expected one of: " + join(allowed, ", ") + ")");
      }
    }
  }

  const Json& require(const Json& object, const std::string& key, const std::string& where) const {
    if (!object.contains(key)) fail(where, "missing required field " + in_quotes(key));
    return object.at(key);
  }

  std::string read_string(const Json& value, const std::string& where) const {
    expect(value, value.is_string(), where, "a string");
    const auto text = value.get<std::string>();
    if (text.empty()) fail(where, "must not be empty");
    return text;
  }

  // A name usable in formulas: an identifier that does not read as a function call.
  void check_name(const std::string& name, const std::string& where) const {
    if (!detail::is_identifier(name)) {
      fail(where, in_quotes(name) + " is not a valid name (letters, digits and '_', not starting with a digit)");
    }
    if (detail::function_op(name)) fail(where, in_quotes(name) + " is a function name");
  }

  void read_inputs(const Json& inputs, Law& law) const {
    expect(inputs, inputs.is_object(), "inputs", "an object mapping names to CSV columns");
    for (const auto& [variable, column] : inputs.items()) {
      check_name(variable, "inputs");
      // Its statistics would be y_min and y_max, which already name the target's.
      if (variable == "y") fail("inputs", "'y' is reserved for the target; use another name");
      law.variables.push_back(variable);
      law.columns.push_back(read_string(column, "inputs: " + in_quotes(variable)));
    }
  }

  // Without "inputs", every name of the formula that is not a parameter is an input read from the
  // column of the same name.
  void inputs_from_formula(const Json& root, Law& law) const {
    const std::string formula = read_string(require(root, "formula", ""), "formula");
    std::vector<std::string> params;
    if (root.contains("params") && root.at("params").is_array())
      for (const Json& p : root.at("params"))
        if (p.is_object() && p.contains("name") && p.at("name").is_string()) params.push_back(p.at("name"));
    for (const std::string& name : detail::formula_names(formula, source_ + ": formula")) {
      if (std::find(params.begin(), params.end(), name) != params.end()) continue;
      if (name == "y") fail("formula", "'y' is reserved for the target; name the input otherwise or give \"inputs\"");
      law.variables.push_back(name);
      law.columns.push_back(name);
    }
  }

  void read_params(const Json& params, Law& law) const {
    expect(params, params.is_array(), "params", "an array");
    if (params.empty()) fail("params", "a law needs at least one parameter");
    const auto statistics = group_statistic_names(law.variables);
    for (std::size_t i = 0; i < params.size(); ++i) {
      law.params.push_back(read_param(params[i], "params[" + std::to_string(i) + "]", law, statistics));
    }
  }

  ParamSpec read_param(const Json& spec, const std::string& index, const Law& law,
                       const std::vector<std::string>& statistics) const {
    expect(spec, spec.is_object(), index, "an object");
    check_keys(spec, index, {"name", "lower", "upper", "init", "fixed", "scale"});
    ParamSpec param;
    param.name = read_string(require(spec, "name", index), index + ": name");
    check_name(param.name, index + ": name");
    const std::string where = index + " " + in_quotes(param.name);
    const auto names = law.param_names();
    if (std::find(names.begin(), names.end(), param.name) != names.end()) fail(where, "duplicate parameter name");
    if (std::find(law.variables.begin(), law.variables.end(), param.name) != law.variables.end()) {
      fail(where, "the name of an input cannot also name a parameter");
    }
    if (spec.contains("scale")) param.scale = read_scale(spec.at("scale"), where + ": scale");
    if (spec.contains("fixed")) {  // held at a value: its bounds and start are that value
      for (const char* key : {"lower", "upper", "init", "scale"})
        if (spec.contains(key)) fail(where, std::string("'fixed' replaces lower, upper and init; remove '") + key + "'");
      const Json& value = spec.at("fixed");
      expect(value, value.is_number() && std::isfinite(value.get<double>()), where + ": fixed", "a finite number");
      hold_at(param, value.get<double>());
      return param;
    }
    param.lower = read_bound(require(spec, "lower", where), where + ": lower", statistics);
    param.upper = read_bound(require(spec, "upper", where), where + ": upper", statistics);
    if (spec.contains("init")) param.init = read_bound(spec.at("init"), where + ": init", statistics);
    check_constant_bounds(param, where);
    return param;
  }

  ParamScale read_scale(const Json& value, const std::string& where) const {
    expect(value, value.is_string(), where, "\"auto\", \"linear\" or \"log\"");
    const std::string name = value.get<std::string>();
    for (const ParamScale scale : {ParamScale::Auto, ParamScale::Linear, ParamScale::Log})
      if (name == param_scale_name(scale)) return scale;
    fail(where, in_quotes(name) + " is not one of: auto, linear, log");
  }

  // A number, or a formula over the group statistics that is evaluated per group.
  Expr read_bound(const Json& value, const std::string& where, const std::vector<std::string>& statistics) const {
    if (value.is_string()) return parse_expression(value.get<std::string>(), statistics, {}, source_ + ": " + where);
    expect(value, value.is_number(), where, "a number or a formula string");
    return Expr{{Node{Op::Const, value.get<double>(), -1, -1, -1, 0}}};
  }

  // Bounds that do not depend on the data can be checked now rather than once per group.
  void check_constant_bounds(const ParamSpec& param, const std::string& where) const {
    if (!is_constant(param.lower) || !is_constant(param.upper)) return;
    const double lower = evaluate_scalar(param.lower, {});
    const double upper = evaluate_scalar(param.upper, {});
    // A bound such as "log(-1)" or "1e308 * 10" is non-finite for every group.
    if (!std::isfinite(lower)) fail(where, "lower bound is not finite (" + non_finite_name(lower) + ")");
    if (!std::isfinite(upper)) fail(where, "upper bound is not finite (" + non_finite_name(upper) + ")");
    if (lower > upper) {
      fail(where, "lower bound " + shortest_number(lower) + " > upper bound " + shortest_number(upper));
    }
    if (param.scale == ParamScale::Log && lower <= 0 && lower < upper)
      fail(where, "\"scale\": \"log\" needs a positive lower bound; the lower bound is " + shortest_number(lower));
  }

  // "outputs": [{"name", "formula", "target"}, ...], two or more. The law's expression is then
  // sum_k [output k] * f_k over the stacked points (slfit/law.hpp, Law).
  void read_outputs(const Json& list, Law& law) const {
    expect(list, list.is_array(), "outputs", "an array of outputs");
    if (list.size() < 2)
      fail("outputs", "a law of one output gives \"formula\" and \"target\" instead of \"outputs\"");
    std::vector<std::string> formulas;
    for (std::size_t k = 0; k < list.size(); ++k) {
      const std::string where = "outputs[" + std::to_string(k) + "]";
      const Json& spec = list[k];
      expect(spec, spec.is_object(), where, "an object");
      check_keys(spec, where, {"name", "formula", "target"});
      LawOutput output;
      output.target = read_string(require(spec, "target", where), where + ": target");
      output.name = spec.contains("name") ? read_string(spec.at("name"), where + ": name") : output.target;
      for (const LawOutput& other : law.outputs)
        if (other.name == output.name) fail(where + ": name", in_quotes(output.name) + " names two outputs");
      output.formula = read_string(require(spec, "formula", where), where + ": formula");
      output.expr = parse_expression(output.formula, law.variables, law.param_names(), source_ + ": " + where + ": formula");
      formulas.push_back(output.formula);
      law.outputs.push_back(std::move(output));
    }
    law.formula = join(formulas, "; ");
    law.target = law.outputs.front().target;
    law.expr = stacked_expression(law);
  }

  // sum_k [output k] * f_k, the indicator of output k being variable variables.size() + k.
  static Expr stacked_expression(const Law& law) {
    Expr combined;
    auto push = [&](Node node) {
      combined.nodes.push_back(node);
      return static_cast<int>(combined.nodes.size()) - 1;
    };
    int sum = -1;
    for (std::size_t k = 0; k < law.outputs.size(); ++k) {
      const int offset = static_cast<int>(combined.nodes.size());
      for (Node node : law.outputs[k].expr.nodes) {
        if (node.lhs >= 0) node.lhs += offset;
        if (node.rhs >= 0) node.rhs += offset;
        push(node);
      }
      const int root = static_cast<int>(combined.nodes.size()) - 1;
      const int indicator = push(Node{Op::Var, 0.0, static_cast<int>(law.variables.size() + k), -1, -1, 0});
      const int term = push(Node{Op::Mul, 0.0, -1, indicator, root, 0});
      sum = sum < 0 ? term : push(Node{Op::Add, 0.0, -1, sum, term, 0});
    }
    return combined;
  }

  // A parameter the formula ignores cannot be fitted: it is almost certainly a typo.
  void check_params_used(const Law& law) const {
    std::vector<bool> used(law.params.size(), false);
    for (const Node& node : law.expr.nodes) {
      if (node.op == Op::Param) used[node.index] = true;
    }
    for (std::size_t i = 0; i < used.size(); ++i) {
      if (!used[i]) {
        fail("params[" + std::to_string(i) + "] " + in_quotes(law.params[i].name), "not used in the formula");
      }
    }
  }

  // An objective is one term given inline ("kind", "space", "delta" or "f_scale") or a list of
  // "terms", each with those keys and a "coefficient"; then "reduce", a residual scale column
  // ("weights" or "sigma") and a "ridge" penalty.
  void read_objective(const Json& spec, Law& law) const {
    expect(spec, spec.is_object(), "objective", "an object");
    check_keys(spec, "objective",
               {"kind", "delta", "f_scale", "space", "terms", "reduce", "ridge", "normalize", "weights", "sigma"});
    ObjectiveSpec& objective = law.objective;
    objective = ObjectiveSpec{};
    if (spec.contains("weights") && spec.contains("sigma"))
      fail("objective", "'weights' and 'sigma' both scale the residuals; give one");
    for (const auto& [key, kind] : {std::pair{"weights", ScaleKind::Weight}, std::pair{"sigma", ScaleKind::Sigma}})
      if (spec.contains(key)) set_residual_scale(law, read_string(spec.at(key), std::string("objective: ") + key), kind);
    if (spec.contains("terms")) {
      for (const char* key : {"kind", "delta", "f_scale", "space"})
        if (spec.contains(key))
          fail(std::string("objective: ") + key, "with 'terms', give it in each term");
      const Json& terms = spec.at("terms");
      expect(terms, terms.is_array() && !terms.empty(), "objective: terms", "a non-empty array");
      objective.terms.clear();
      for (std::size_t t = 0; t < terms.size(); ++t)
        objective.terms.push_back(read_term(terms[t], "objective: terms[" + std::to_string(t) + "]", true));
    } else {
      objective.terms = {read_term(spec, "objective", false)};
    }
    if (spec.contains("reduce")) {
      objective.reduce = read_choice(spec.at("reduce"), "objective: reduce",
                                     Choices<Reduction>{{"mean", Reduction::Mean}, {"sum", Reduction::Sum}});
    }
    if (spec.contains("ridge")) read_ridge(spec.at("ridge"), law);
    if (spec.contains("normalize")) {
      objective.normalize_outputs = read_choice(spec.at("normalize"), "objective: normalize",
                                                Choices<bool>{{"none", false}, {"variance", true}});
      if (objective.normalize_outputs && law.outputs.empty())
        fail("objective: normalize", "normalizes the outputs of a law with \"outputs\"; this law has one");
    }
  }

  ObjectiveTerm read_term(const Json& spec, const std::string& where, bool in_list) const {
    expect(spec, spec.is_object(), where, "an object");
    if (in_list) check_keys(spec, where, {"kind", "delta", "f_scale", "space", "coefficient"});
    ObjectiveTerm term;
    if (spec.contains("kind")) {
      term.loss = read_choice(spec.at("kind"), where + ": kind",
                              Choices<Loss>{{"mse", Loss::Mse},
                                            {"mae", Loss::Mae},
                                            {"huber", Loss::Huber},
                                            {"soft_l1", Loss::SoftL1},
                                            {"cauchy", Loss::Cauchy},
                                            {"arctan", Loss::Arctan}});
    }
    // Huber's threshold is "delta" (scipy.special.huber's); the f_scale of least_squares' losses
    // is "f_scale". Either given to a loss that has no such number is a mistake worth naming,
    // except an inline "delta" with mse, which slfit before the robust losses wrote (in fit
    // JSON's law_spec, which predict reads back); only huber uses it.
    const char* own = term.loss == Loss::Huber ? "delta" : "f_scale";
    const bool scaled = term.loss != Loss::Mse && term.loss != Loss::Mae;
    for (const char* key : {"delta", "f_scale"}) {
      if (!spec.contains(key)) continue;
      if (!in_list && term.loss == Loss::Mse && std::strcmp(key, "delta") == 0) {
        expect(spec.at(key), spec.at(key).is_number(), where + ": delta", "a number");
        continue;
      }
      if (!scaled || std::strcmp(key, own) != 0)
        fail(where + ": " + key, scaled ? std::string("the ") + kind_text(spec) + " loss takes '" + own + "'"
                                        : std::string("the ") + kind_text(spec) + " loss has no scale");
      term.scale = read_positive(spec.at(key), where + ": " + key);
    }
    if (spec.contains("space")) {
      term.space = read_choice(spec.at("space"), where + ": space",
                               Choices<ResidualSpace>{{"linear", ResidualSpace::Linear},
                                                      {"log", ResidualSpace::Log},
                                                      {"neglog", ResidualSpace::NegLog},
                                                      {"relative", ResidualSpace::Relative}});
    }
    if (spec.contains("coefficient")) term.coefficient = read_positive(spec.at("coefficient"), where + ": coefficient");
    return term;
  }

  static std::string kind_text(const Json& spec) {
    return spec.contains("kind") && spec.at("kind").is_string() ? spec.at("kind").get<std::string>() : "mse";
  }

  // "ridge": a coefficient for every parameter, or {"coefficient": c, "params": [names]}.
  void read_ridge(const Json& spec, Law& law) const {
    ObjectiveSpec& objective = law.objective;
    std::vector<std::string> names = law.param_names();
    if (spec.is_object()) {
      check_keys(spec, "objective: ridge", {"coefficient", "params"});
      objective.ridge = read_non_negative(require(spec, "coefficient", "objective: ridge"), "objective: ridge: coefficient");
      if (spec.contains("params")) {
        const Json& list = spec.at("params");
        expect(list, list.is_array() && !list.empty(), "objective: ridge: params", "a non-empty array of parameter names");
        names.clear();
        for (std::size_t k = 0; k < list.size(); ++k)
          names.push_back(read_string(list[k], "objective: ridge: params[" + std::to_string(k) + "]"));
      }
    } else {
      objective.ridge = read_non_negative(spec, "objective: ridge");
    }
    std::set<int> indices;
    for (const std::string& name : names)
      indices.insert(static_cast<int>(parameter_index(law, name, source_ + ": objective: ridge: params")));
    objective.ridge_params.assign(indices.begin(), indices.end());
  }

  double read_positive(const Json& value, const std::string& where) const {
    expect(value, value.is_number(), where, "a number");
    const double x = value.get<double>();
    if (!(x > 0) || !std::isfinite(x)) fail(where, "must be positive and finite");
    return x;
  }

  double read_non_negative(const Json& value, const std::string& where) const {
    expect(value, value.is_number(), where, "a number");
    const double x = value.get<double>();
    if (!(x >= 0) || !std::isfinite(x)) fail(where, "must be at least 0 and finite");
    return x;
  }

  template <typename Choice>
  Choice read_choice(const Json& value, const std::string& where, const Choices<Choice>& choices) const {
    const std::string text = read_string(value, where);
    std::vector<std::string> names;
    for (const auto& [name, choice] : choices) {
      if (name == text) return choice;
      names.push_back(name);
    }
    fail(where, in_quotes(text) + " is not one of " + join(names, ", "));
  }

  std::string source_;
};

// A bare word that is not a built-in was most likely meant as one, not as a file name.
bool looks_like_builtin_name(const std::string& name) {
  return name.find('/') == std::string::npos && !name.ends_with(".json");
}

std::string read_law_file(const std::string& path) {
  std::error_code ignored;  // a path that cannot be inspected fails to open in read_input_file
  if (looks_like_builtin_name(path) && !std::filesystem::exists(path, ignored)) {
    throw InputError("unknown built-in law " + in_quotes(path) + " (built-in: " + join(builtin_law_names(), ", ") +
                     ") and no such file");
  }
  return read_input_file(path);
}

}  // namespace

std::vector<std::string> Law::targets() const {
  if (outputs.empty()) return {target};
  std::vector<std::string> columns;
  for (const LawOutput& output : outputs) columns.push_back(output.target);
  return columns;
}

std::vector<std::string> Law::point_variable_names() const {
  std::vector<std::string> names = variables;
  for (const LawOutput& output : outputs) names.push_back("[output " + output.name + "]");
  return names;
}

std::vector<std::string> Law::param_names() const {
  std::vector<std::string> names;
  for (const auto& param : params) names.push_back(param.name);
  return names;
}

Law parse_law(std::string_view json_text, const std::string& source) {
  return parse_law_spec(parse_law_json(json_text, source), source);
}

Json parse_law_json(std::string_view json_text, const std::string& source) { return parse_json(json_text, source); }

Law parse_law_spec(const Json& spec, const std::string& source) { return LawReader(source).read(spec); }

Law load_law(const std::string& name_or_path) {
  const auto& specs = detail::builtin_law_specs();
  if (const auto it = specs.find(name_or_path); it != specs.end()) {
    return parse_law(it->second, kBuiltinPrefix + name_or_path);
  }
  return parse_law(read_law_file(name_or_path), name_or_path);
}

std::vector<std::string> builtin_law_names() {
  std::vector<std::string> names;
  for (const auto& [name, spec] : detail::builtin_law_specs()) names.push_back(name);
  return names;
}

const std::string& builtin_law_json(const std::string& name) {
  const auto& specs = detail::builtin_law_specs();
  const auto it = specs.find(name);
  if (it == specs.end()) {
    throw InputError("unknown built-in law " + in_quotes(name) + " (built-in: " +
                     join(builtin_law_names(), ", ") + ")");
  }
  return it->second;
}

std::size_t parameter_index(const Law& law, const std::string& name, const std::string& context) {
  const std::vector<std::string> names = law.param_names();
  const auto found = std::find(names.begin(), names.end(), name);
  if (found == names.end())
    throw InputError(context + ": " + in_quotes(name) + " is not a parameter of law " + in_quotes(law.name) +
                     did_you_mean(name, names) + " (its parameters: " + join(names, ", ") + ")");
  return static_cast<std::size_t>(found - names.begin());
}

void fix_parameter(Law& law, const std::string& name, double value, const std::string& context) {
  ParamSpec& param = law.params[parameter_index(law, name, context)];
  if (!std::isfinite(value)) throw InputError(context + ": " + in_quotes(name) + " must be fixed at a finite value");
  hold_at(param, value);
}

void override_columns(Law& law, const std::vector<std::pair<std::string, std::string>>& var_to_column,
                      const std::string& target_column) {
  for (const auto& [variable, column] : var_to_column) {
    const auto it = std::find(law.variables.begin(), law.variables.end(), variable);
    if (it == law.variables.end()) {
      throw InputError("--map: " + in_quotes(variable) + " is not an input of law " + in_quotes(law.name) +
                       " (inputs: " + join(law.variables, ", ") + ")");
    }
    if (column.empty()) throw InputError("--map: " + in_quotes(variable) + " is mapped to an empty column name");
    law.columns[it - law.variables.begin()] = column;
  }
  if (target_column.empty()) return;
  if (!law.outputs.empty())
    throw InputError("--target: law " + in_quotes(law.name) + " has " + std::to_string(law.outputs.size()) +
                     " outputs, each with its target column (" + join(law.targets(), ", ") + ")");
  law.target = target_column;
}

void set_residual_scale(Law& law, const std::string& column, ScaleKind kind) {
  law.scale_column = column;
  law.scale_kind = kind;
  law.objective.weighted = true;
}

ColumnSelection law_columns(const Law& law, const std::string& group) {
  ColumnSelection columns{law.columns, law.target, group, law.scale_column, law.scale_kind};
  if (!law.outputs.empty()) columns.outputs = law.targets();
  return columns;
}

}  // namespace slfit
