#include "slfit/fit_json.hpp"

#include <cmath>

namespace slfit {
namespace {

// NaN as null; nlohmann writes non-finite numbers as null anyway, but saying it keeps the
// schema's nulls visible here.
nlohmann::ordered_json number_or_null(double x) {
  return std::isnan(x) ? nlohmann::ordered_json() : nlohmann::ordered_json(x);
}

}  // namespace

nlohmann::ordered_json statistics_to_json(const Law& law, const FitStatistics& statistics) {
  const std::size_t p = law.params.size();
  nlohmann::ordered_json j;
  j["standard_errors"] = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < p; ++k)
    j["standard_errors"][law.params[k].name] = number_or_null(statistics.standard_errors[k]);
  j["correlation"] = nlohmann::ordered_json::array();
  for (std::size_t a = 0; a < p; ++a) {
    nlohmann::ordered_json row = nlohmann::ordered_json::array();
    for (std::size_t b = 0; b < p; ++b) row.push_back(number_or_null(statistics.correlation[a * p + b]));
    j["correlation"].push_back(std::move(row));
  }
  j["aic"] = number_or_null(statistics.aic);
  j["bic"] = number_or_null(statistics.bic);
  j["sum_squares"] = statistics.sum_squares;
  j["dof"] = statistics.points - statistics.free_params;
  if (!statistics.note.empty()) j["note"] = statistics.note;
  return j;
}

nlohmann::ordered_json fit_to_json(const Law& law, const GroupData& group, const FitResult& fit,
                                   const FitStatistics* statistics) {
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < law.params.size(); ++k)  // a failed fit has no parameters: nulls
    params[law.params[k].name] =
        k < fit.params.size() ? nlohmann::ordered_json(fit.params[k]) : nlohmann::ordered_json();

  nlohmann::ordered_json j;
  j["group"] = group.name;
  j["n"] = group.rows();  // a multi-output law's rows: each is one point per output
  j["params"] = std::move(params);
  if (statistics) {
    j["at_bound"] = nlohmann::ordered_json::object();
    for (std::size_t k = 0; k < law.params.size(); ++k)
      if (statistics->at_bound[k] != BoundSide::None)
        j["at_bound"][law.params[k].name] = to_string(statistics->at_bound[k]);
    j["uncertainty"] = statistics_to_json(law, *statistics);
  }
  j["objective"] = fit.objective;
  j["r2_train"] = fit.r2_train;
  j["status"] = to_string(fit.status);
  j["de"] = {{"ran", fit.de.ran},
             {"generations", fit.de.generations},
             {"evaluations", fit.de.evaluations},
             {"converged", fit.de.converged},
             {"best", fit.de.best}};
  j["lbfgsb"] = {{"runs", fit.lbfgsb.runs},
                 {"iterations", fit.lbfgsb.iterations},
                 {"evaluations", fit.lbfgsb.evaluations},
                 {"status", fit.lbfgsb.status},
                 {"rescaled_gain", fit.lbfgsb.rescaled_gain}};
  j["newton"] = {{"ran", fit.newton.ran},
                 {"iterations", fit.newton.iterations},
                 {"evaluations", fit.newton.evaluations},
                 {"status", fit.newton.status},
                 {"gain", fit.newton.gain}};
  j["restarts"] = {{"ran", fit.restarts.ran}, {"starts", fit.restarts.starts}, {"gain", fit.restarts.gain}};
  j["separable"] = nlohmann::ordered_json::array();
  for (const int k : fit.separable) j["separable"].push_back(law.params[static_cast<std::size_t>(k)].name);
  j["seconds"] = fit.seconds;
  if (fit.status == FitStatus::Failed) j["error"] = fit.error;
  return j;
}

}  // namespace slfit
