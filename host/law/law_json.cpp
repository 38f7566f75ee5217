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

const char* kind_name(ObjectiveKind kind) { return kind == ObjectiveKind::Huber ? "huber" : "mse"; }
const char* space_name(ResidualSpace space) { return space == ResidualSpace::Log ? "log" : "linear"; }
const char* reduce_name(Reduction reduce) { return reduce == Reduction::Sum ? "sum" : "mean"; }

}  // namespace

Json law_to_json(const Law& law) {
  const std::vector<std::string> statistics = group_statistic_names(law.variables);
  Json j;
  j["name"] = law.name;
  j["formula"] = law.formula;  // as written: it parses to law.expr
  j["inputs"] = Json::object();
  for (std::size_t v = 0; v < law.variables.size(); ++v) j["inputs"][law.variables[v]] = law.columns[v];
  j["target"] = law.target;
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
    }
    j["params"].push_back(std::move(param));
  }
  j["objective"] = {{"kind", kind_name(law.objective.kind)},
                    {"delta", law.objective.delta},
                    {"space", space_name(law.objective.space)},
                    {"reduce", reduce_name(law.objective.reduce)}};
  if (!law.scale_column.empty())
    j["objective"][law.scale_kind == ScaleKind::Sigma ? "sigma" : "weights"] = law.scale_column;
  return j;
}

}  // namespace slfit
