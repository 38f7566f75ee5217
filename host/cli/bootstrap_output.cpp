#include "cli/bootstrap_output.hpp"

#include <cstdio>
#include <sstream>

#include "cli/parse_util.hpp"
#include "slfit/fit_json.hpp"
#include "slfit/law_io.hpp"

namespace slfit::cli {
namespace {

using Json = nlohmann::ordered_json;

Json statistic_json(const StatisticSummary& s) {
  return {{"estimate", s.estimate}, {"mean", s.mean}, {"se", s.se}, {"low", s.low}, {"high", s.high}, {"used", s.used}};
}

// The output a prediction is of: a multi-output law predicts each point once per output,
// output after output (PredictPoints::data).
const std::string& output_of(const BootstrapReport& r, std::size_t prediction) {
  return r.law->outputs.at(prediction / r.points->labels.size()).name;
}

Json group_json(const BootstrapReport& r, std::size_t g) {
  const GroupSummary& s = r.summaries[g];
  Json j;
  j["group"] = r.data->groups[g].name;
  j["fit"] = fit_to_json(*r.law, r.data->groups[g], r.full_fits[g]);
  j["params"] = Json::object();
  for (std::size_t k = 0; k < r.law->params.size(); ++k) j["params"][r.law->params[k].name] = statistic_json(s.params[k]);
  j["predictions"] = Json::array();
  for (std::size_t p = 0; p < s.predictions.size(); ++p) {
    Json entry = {{"point", r.points->labels[p % r.points->labels.size()]}};
    if (!r.law->outputs.empty()) entry["output"] = output_of(r, p);
    entry.update(statistic_json(s.predictions[p]));
    j["predictions"].push_back(std::move(entry));
  }
  j["failed"] = s.failed;
  if (r.method == "bca") j["jackknife_failed"] = s.jackknife_failed;
  j["covariance"] = s.covariance;  // NaN (undefined) entries are written as null
  j["correlation"] = s.correlation;
  return j;
}

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

void table_row(std::ostringstream& out, const std::string& name, const StatisticSummary& s) {
  char line[256];
  std::snprintf(line, sizeof line, "  %-14s %13s %13s %13s %13s %7zu\n", name.c_str(), number(s.estimate).c_str(),
                number(s.se).c_str(), number(s.low).c_str(), number(s.high).c_str(), s.used);
  out << line;
}

}  // namespace

std::string bootstrap_json(const BootstrapReport& r) {
  Json j;
  j["law"] = r.law->name;
  j["formula"] = r.law->formula;
  j["param_names"] = r.law->param_names();
  j["law_spec"] = law_to_json(*r.law);
  j["group_column"] = r.data->columns.group.empty() ? Json() : Json(r.data->columns.group);
  j["method"] = r.method;
  j["level"] = r.level;
  j["resamples"] = r.resamples;
  j["search"] = r.search;
  j["stratify"] = r.stratify.empty() ? Json() : Json(r.stratify);
  j["pipeline"] = r.pipeline;
  j["separable"] = r.separable;
  j["updating"] = r.updating;
  j["seed"] = r.seed;
  j["backend"] = r.backend;
  j["groups"] = Json::array();
  for (std::size_t g = 0; g < r.summaries.size(); ++g) j["groups"].push_back(group_json(r, g));
  j["seconds"] = r.seconds;
  return j.dump(2) + "\n";
}

std::string bootstrap_table(const BootstrapReport& r) {
  std::ostringstream out;
  char level[16];
  std::snprintf(level, sizeof level, "%g%%", 100 * r.level);
  for (std::size_t g = 0; g < r.summaries.size(); ++g) {
    const GroupSummary& s = r.summaries[g];
    out << "group " << r.data->groups[g].name << ": n " << r.data->groups[g].rows() << ", " << r.resamples
        << " resamples (" << r.search << " search), " << s.failed << " failed";
    if (r.method == "bca") out << ", " << s.jackknife_failed << " jackknife fits failed";
    out << "; " << level << " " << r.method << " intervals\n";
    char header[256];
    std::snprintf(header, sizeof header, "  %-14s %13s %13s %13s %13s %7s\n", "", "estimate", "se", "low", "high", "used");
    out << header;
    for (std::size_t k = 0; k < r.law->params.size(); ++k) table_row(out, r.law->params[k].name, s.params[k]);
    for (std::size_t p = 0; p < s.predictions.size(); ++p) {
      out << "  prediction" << (r.law->outputs.empty() ? "" : " of " + output_of(r, p)) << " at "
          << r.points->texts[p % r.points->texts.size()] << "\n";
      table_row(out, "", s.predictions[p]);
    }
  }
  return out.str();
}

std::string replicates_csv(const BootstrapReport& r) {
  std::ostringstream out;
  out << "group,replicate,status,objective";
  for (const std::string& name : r.law->param_names()) out << ',' << csv_field(name);
  // prediction_<point> (one output), or prediction_<output>_<point>.
  for (std::size_t p = 0; p < r.points->data.size(); ++p)
    out << (r.law->outputs.empty() ? ",prediction_" : ",prediction_" + csv_field(output_of(r, p)) + "_")
        << p % r.points->labels.size() + 1;
  out << '\n';
  for (std::size_t g = 0; g < r.replicates.size(); ++g) {
    for (const TaskFit& fit : r.replicates[g]) {
      out << csv_field(r.data->groups[g].name) << ',' << fit.task.index << ',' << to_string(fit.status) << ','
          << csv_number(fit.objective);
      for (double v : fit.params) out << ',' << csv_number(v);
      if (r.points->data.size() > 0) {
        if (fit.failed()) {
          for (std::size_t p = 0; p < r.points->data.size(); ++p) out << ',';
        } else {
          for (double v : predict(*r.compiled, r.points->data, fit.params)) out << ',' << csv_number(v);
        }
      }
      out << '\n';
    }
  }
  return out.str();
}

}  // namespace slfit::cli
