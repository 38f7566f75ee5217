#include "cli/rescore_output.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/parse_util.hpp"
#include "slfit/fit_json.hpp"

namespace slfit::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string rounded(const char* format, double value) {
  if (std::isnan(value)) return "";
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

Json number_or_null(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

// Error messages may hold '|' and line breaks (a formula's caret line), which a table cell cannot.
std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += "<br>";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

Json entry_json(const EntryScore& s, std::size_t rank) {
  Json j;
  j["rank"] = rank;
  j["id"] = s.entry->id;
  j["task"] = s.entry->task;
  j["law"] = s.law_name;
  j["formula"] = s.law ? Json(s.law->formula) : Json(nullptr);
  j["param_names"] = s.law ? Json(s.law->param_names()) : Json::array();
  j["pipeline"] = to_string(s.options.pipeline);
  j["r2"] = s.test.r2;
  j["nmse"] = number_or_null(s.test.nmse);
  j["nmae"] = number_or_null(s.test.nmae);
  j["n_test"] = s.test.n;
  if (!s.test_outputs.empty()) {  // a multi-output law: r2, nmse and nmae are the outputs' means
    j["outputs"] = Json::object();
    for (std::size_t k = 0; k < s.test_outputs.size(); ++k)
      j["outputs"][s.law->outputs[k].name] = {{"r2", number_or_null(s.test_outputs[k].r2)},
                                              {"nmse", number_or_null(s.test_outputs[k].nmse)},
                                              {"nmae", number_or_null(s.test_outputs[k].nmae)}};
  }
  j["train_objective"] = number_or_null(s.train_objective);
  j["status"] = to_string(s.status);
  j["error"] = s.error.empty() ? Json(nullptr) : Json(s.error);
  j["fits"] = Json::array();
  for (const GroupFit& f : s.fits) {
    Json fit = fit_to_json(*s.law, *f.group, f.fit);
    fit["restart"] = f.restart;
    fit["restart_objectives"] = Json::array();
    for (double objective : f.restart_objectives) fit["restart_objectives"].push_back(number_or_null(objective));
    j["fits"].push_back(std::move(fit));
  }
  j["seconds"] = s.seconds;
  return j;
}

}  // namespace


std::string scores_csv(const std::vector<EntryScore>& scores, const std::vector<std::size_t>& order) {
  std::string out = "rank,id,task,law,r2,nmse,nmae,train_objective,status,error,seconds\n";
  for (std::size_t k = 0; k < order.size(); ++k) {
    const EntryScore& s = scores[order[k]];
    out += std::to_string(k + 1) + ',' + csv_field(s.entry->id) + ',' + csv_field(s.entry->task) + ',' +
           csv_field(s.law_name) + ',' + csv_number(s.test.r2) + ',' + csv_number(s.test.nmse) + ',' +
           csv_number(s.test.nmae) + ',' + csv_number(s.train_objective) + ',' + to_string(s.status) + ',' +
           csv_field(s.error) + ',' + rounded("%.6f", s.seconds) + '\n';
  }
  return out;
}

std::string scores_markdown(const std::vector<EntryScore>& scores, const std::vector<std::size_t>& order,
                            const RescoreRun& run) {
  std::ostringstream out;
  out << "# Leaderboard: " << markdown_cell(run.manifest) << "\n\n"
      << "Each law fitted per group with pipeline `" << to_string(run.pipeline)
      << "` (unless the entry sets its own), seed " << run.seed << ", " << run.restarts
      << (run.restarts == 1 ? " restart" : " restarts")
      << " per group keeping the lowest training objective; scored on the task's test split with SLDBench's "
         "metrics. An entry that could not be scored has r2 = -1.\n\n"
      << "| rank | id | task | law | r2 | nmse | nmae | train objective | status | error |\n"
      << "|---:|---|---|---|---:|---:|---:|---:|---|---|\n";
  for (std::size_t k = 0; k < order.size(); ++k) {
    const EntryScore& s = scores[order[k]];
    out << "| " << k + 1 << " | " << markdown_cell(s.entry->id) << " | " << markdown_cell(s.entry->task) << " | "
        << markdown_cell(s.law_name) << " | " << rounded("%.6f", s.test.r2) << " | "
        << rounded("%.4g", s.test.nmse) << " | " << rounded("%.4g", s.test.nmae) << " | "
        << rounded("%.6g", s.train_objective) << " | " << to_string(s.status) << " | " << markdown_cell(s.error)
        << " |\n";
  }
  return out.str();
}

std::string scores_json(const std::vector<EntryScore>& scores, const std::vector<std::size_t>& order,
                        const RescoreRun& run) {
  Json j;
  j["manifest"] = run.manifest;
  j["seed"] = run.seed;
  j["restarts"] = run.restarts;
  j["pipeline"] = to_string(run.pipeline);
  j["separable"] = to_string(run.separable);
  j["updating"] = to_string(run.updating);
  j["backend"] = run.backend;
  j["entries"] = Json::array();
  for (std::size_t k = 0; k < order.size(); ++k) j["entries"].push_back(entry_json(scores[order[k]], k + 1));
  j["seconds"] = run.seconds;
  return j.dump(2) + "\n";
}

}  // namespace slfit::cli
