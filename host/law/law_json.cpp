// A law written back as the law file that reads to it: fit's JSON carries it, so that `slfit
// predict` evaluates the fitted law without being told its formula, columns or bounds again.

#include "slfit/law_io.hpp"

namespace slfit {
namespace {

using Json = nlohmann::ordered_json;

// A constant as a JSON number; any other expression as its formula text.
Json expression_json(const Expr& expr, const std::vector<std::string>& statistics) {
  if (expr.nodes.size() == 1 && expr.nodes[0].op == Op::Const) return expr.nodes[0].value;
  return to_string(expr, statistics, {});
}

bool is_constant(const Expr& expr, double value) {
  return expr.nodes.size() == 1 && expr.nodes[0].op == Op::Const && expr.nodes[0].value == value;
}

const char* reduce_name(Reduction reduce) { return reduce == Reduction::Sum ? "sum" : "mean"; }

// A term's fields as a law file writes them; `coefficient` only in a list of terms.
Json term_json(const ObjectiveTerm& term, bool with_coefficient) {
  Json j = {{"kind", loss_name(term.loss)}, {"space", residual_space_name(term.space)}};
  if (term.loss == Loss::Huber) j["delta"] = term.scale;
  else if (term.loss != Loss::Mse && term.loss != Loss::Mae) j["f_scale"] = term.scale;
  if (with_coefficient) j["coefficient"] = term.coefficient;
  return j;
}

Json objective_json(const Law& law) {
  const ObjectiveSpec& objective = law.objective;
  const bool one_term = objective.terms.size() == 1 && objective.terms[0].coefficient == 1.0;
  Json j = one_term ? term_json(objective.terms[0], false) : Json::object();
  if (!one_term) {
    j["terms"] = Json::array();
    for (const ObjectiveTerm& term : objective.terms) j["terms"].push_back(term_json(term, true));
  }
  j["reduce"] = reduce_name(objective.reduce);
  if (objective.ridge > 0) {
    Json names = Json::array();
    for (const int k : objective.ridge_params) names.push_back(law.params[static_cast<std::size_t>(k)].name);
    j["ridge"] = {{"coefficient", objective.ridge}, {"params", names}};
  }
  if (objective.normalize_outputs) j["normalize"] = "variance";
  if (!law.scale_column.empty()) j[law.scale_kind == ScaleKind::Sigma ? "sigma" : "weights"] = law.scale_column;
  return j;
}

}  // namespace

const char* loss_name(Loss loss) {
  switch (loss) {
    case Loss::Mse: return "mse";
    case Loss::Mae: return "mae";
    case Loss::Huber: return "huber";
    case Loss::SoftL1: return "soft_l1";
    case Loss::Cauchy: return "cauchy";
    case Loss::Arctan: return "arctan";
  }
  return "?";
}

const char* residual_space_name(ResidualSpace space) {
  switch (space) {
    case ResidualSpace::Linear: return "linear";
    case ResidualSpace::Log: return "log";
    case ResidualSpace::NegLog: return "neglog";
    case ResidualSpace::Relative: return "relative";
  }
  return "?";
}

const char* param_scale_name(ParamScale scale) {
  switch (scale) {
    case ParamScale::Auto: return "auto";
    case ParamScale::Linear: return "linear";
    case ParamScale::Log: return "log";
  }
  return "?";
}

Json law_to_json(const Law& law) {
  const std::vector<std::string> statistics = group_statistic_names(law.variables);
  Json j;
  j["name"] = law.name;
  if (law.outputs.empty()) j["formula"] = law.formula;  // as written: it parses to law.expr
  j["inputs"] = Json::object();
  for (std::size_t v = 0; v < law.variables.size(); ++v) j["inputs"][law.variables[v]] = law.columns[v];
  if (law.outputs.empty()) {
    j["target"] = law.target;
  } else {
    j["outputs"] = Json::array();
    for (const LawOutput& output : law.outputs)
      j["outputs"].push_back({{"name", output.name}, {"formula", output.formula}, {"target", output.target}});
  }
  j["params"] = Json::array();
  for (const ParamSpec& p : law.params) {
    Json param = {{"name", p.name}};
    const bool held = p.lower.nodes.size() == 1 && p.lower.nodes[0].op == Op::Const &&
                      is_constant(p.upper, p.lower.nodes[0].value) &&
                      (!p.init || is_constant(*p.init, p.lower.nodes[0].value));
    if (held) {
      param["fixed"] = p.lower.nodes[0].value;
    } else {
      param["lower"] = expression_json(p.lower, statistics);
      param["upper"] = expression_json(p.upper, statistics);
      if (p.init) param["init"] = expression_json(*p.init, statistics);
      if (p.scale != ParamScale::Auto) param["scale"] = param_scale_name(p.scale);
    }
    j["params"].push_back(std::move(param));
  }
  j["objective"] = objective_json(law);
  return j;
}

}  // namespace slfit
