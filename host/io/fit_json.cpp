#include "slfit/fit_json.hpp"


namespace slfit {

nlohmann::ordered_json fit_to_json(const Law& law, const GroupData& group, const FitResult& fit) {
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < law.params.size(); ++k) params[law.params[k].name] = fit.params[k];

  nlohmann::ordered_json j;
  j["group"] = group.name;
  j["n"] = group.size();
  j["params"] = std::move(params);
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
                 {"status", fit.lbfgsb.status}};
  j["newton"] = {{"ran", fit.newton.ran},
                 {"iterations", fit.newton.iterations},
                 {"evaluations", fit.newton.evaluations},
                 {"status", fit.newton.status},
                 {"gain", fit.newton.gain}};
  j["seconds"] = fit.seconds;
  if (fit.status == FitStatus::Failed) j["error"] = fit.error;
  return j;
}

}  // namespace slfit
