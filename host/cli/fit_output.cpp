#include "cli/fit_output.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/parse_util.hpp"
#include "slfit/fit_json.hpp"
#include "slfit/law_io.hpp"
#include "slfit/text.hpp"

namespace slfit::cli {
namespace {

using Json = nlohmann::ordered_json;

Json scores_json(const Scores& s) { return {{"r2", s.r2}, {"nmse", s.nmse}, {"nmae", s.nmae}, {"n", s.n}}; }

// The group's own test scores, or null without --test or where the test file has no rows of it.
const Scores* own_test(const FitReport& r, std::size_t g) {
  return r.test && r.test->groups[g].n > 0 ? &r.test->groups[g] : nullptr;
}

bool has_statistics(const FitReport& r, std::size_t g) { return !r.statistics[g].at_bound.empty(); }

const std::vector<std::string> kCsvLeading = {"group", "n"};
const std::vector<std::string> kCsvTrailing = {
    "objective",      "r2_train",          "aic",           "bic",      "status", "de_converged", "de_generations",
    "de_evaluations", "lbfgsb_iterations", "lbfgsb_status", "at_bound", "error",  "seconds",      "test_r2",
    "test_nmse",      "test_nmae"};

// Six significant digits, as a person reads them; "-" where undefined.
std::string readable(double x) {
  if (std::isnan(x)) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", x);
  return text;
}

std::string pad_left(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}
std::string pad_right(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

// "converged (DE met its tolerance)": the final point's status and the global search's.
std::string status_words(const FitResult& fit) {
  std::string words = to_string(fit.status);
  if (fit.de.ran) words += fit.de.converged ? " (DE met its tolerance)" : " (DE used every generation)";
  return words;
}

void table_group(std::ostringstream& out, const FitReport& r, std::size_t g) {
  const Law& law = *r.law;
  const GroupData& group = r.train->groups[g];
  const FitResult& fit = r.fits[g];
  out << "group " << group.name << ": " << group.rows() << (group.outputs > 1 ? " rows x " + std::to_string(group.outputs) + " outputs" : " points")
      << ", " << status_words(fit) << '\n';
  if (fit.status == FitStatus::Failed) {
    out << "  error: " << fit.error << "\n\n";
    return;
  }
  out << "  objective " << readable(fit.objective) << "   r2 " << readable(fit.r2_train);
  if (has_statistics(r, g))
    out << "   AIC " << readable(r.statistics[g].aic) << "   BIC " << readable(r.statistics[g].bic);
  if (const Scores* test = own_test(r, g))
    out << "   test r2 " << readable(test->r2) << " (" << test->n << (group.outputs > 1 ? " rows)" : " points)");
  out << '\n';

  std::size_t name_width = 9;  // "parameter"
  for (const ParamSpec& p : law.params) name_width = std::max(name_width, p.name.size());
  out << "  " << pad_right("parameter", name_width) << "  " << pad_left("value", 13) << "  "
      << pad_left("std error", 13) << '\n';
  for (std::size_t k = 0; k < law.params.size(); ++k) {
    const bool stats = has_statistics(r, g);
    out << "  " << pad_right(law.params[k].name, name_width) << "  " << pad_left(readable(fit.params[k]), 13) << "  "
        << pad_left(stats ? readable(r.statistics[g].standard_errors[k]) : "-", 13);
    if (stats && r.statistics[g].at_bound[k] != BoundSide::None)
      out << "  at " << to_string(r.statistics[g].at_bound[k]) << " bound";
    out << '\n';
  }
  if (!fit.separable.empty()) {
    std::vector<std::string> solved;
    for (const int k : fit.separable) solved.push_back(law.params[static_cast<std::size_t>(k)].name);
    out << "  solved exactly for each candidate (--separable): " << join(solved, ", ") << '\n';
  }
  if (has_statistics(r, g)) {
    const FitStatistics& s = r.statistics[g];
    const std::size_t p = law.params.size();
    std::vector<std::string> strong;
    for (std::size_t a = 0; a < p; ++a)
      for (std::size_t b = a + 1; b < p; ++b)
        if (std::fabs(s.correlation[a * p + b]) > 0.9)
          strong.push_back(law.params[a].name + "-" + law.params[b].name + " " + readable(s.correlation[a * p + b]));
    if (!strong.empty()) out << "  correlations beyond 0.9: " << join(strong, ", ") << '\n';
    if (!s.note.empty()) out << "  note: " << s.note << '\n';
  }
  out << '\n';
}

}  // namespace

std::vector<std::string> fit_csv_fixed_columns() {
  std::vector<std::string> columns = kCsvLeading;
  columns.insert(columns.end(), kCsvTrailing.begin(), kCsvTrailing.end());
  return columns;
}

std::string format_fit_json(const FitReport& r) {
  Json j;
  j["law"] = r.law->name;
  j["formula"] = r.law->formula;
  j["param_names"] = r.law->param_names();
  j["law_spec"] = law_to_json(*r.law);
  if (!r.law->outputs.empty()) {
    j["outputs"] = Json::array();
    for (const LawOutput& output : r.law->outputs) j["outputs"].push_back(output.name);
  }
  j["group_column"] = r.train->columns.group.empty() ? Json() : Json(r.train->columns.group);
  j["pipeline"] = to_string(r.options.pipeline);
  j["separable"] = to_string(r.options.separable);
  j["updating"] = to_string(r.options.de.updating);
  j["seed"] = r.options.seed;
  j["backend"] = r.backend;
  if (r.backend == "cuda")
    j["timing"] = {{"compile", r.timing.compile},
                   {"upload", r.timing.upload},
                   {"de", r.timing.de},
                   {"download", r.timing.download},
                   {"refine", r.timing.refine}};
  j["fits"] = Json::array();
  for (std::size_t g = 0; g < r.fits.size(); ++g) {
    Json fit = fit_to_json(*r.law, r.train->groups[g], r.fits[g], has_statistics(r, g) ? &r.statistics[g] : nullptr);
    if (const Scores* test = own_test(r, g)) fit["test"] = scores_json(*test);
    j["fits"].push_back(std::move(fit));
  }
  if (r.test) {
    j["test"] = scores_json(r.test->scores);
    // A multi-output law's test scores are the mean of its outputs' (SLDBench's); each output's too.
    if (!r.test->outputs.empty()) {
      j["test"]["outputs"] = Json::object();
      for (std::size_t k = 0; k < r.test->outputs.size(); ++k)
        j["test"]["outputs"][r.law->outputs[k].name] = scores_json(r.test->outputs[k]);
    }
  }
  j["seconds"] = r.seconds;
  return j.dump(2) + "\n";
}

std::string format_fit_csv(const FitReport& r) {
  const Law& law = *r.law;
  std::ostringstream out;
  out << join(kCsvLeading, ",");
  for (const std::string& name : law.param_names()) out << ',' << csv_field(name);
  for (const std::string& name : law.param_names()) out << ',' << csv_field("se_" + name);
  out << ',' << join(kCsvTrailing, ",") << '\n';
  for (std::size_t g = 0; g < r.fits.size(); ++g) {
    const FitResult& fit = r.fits[g];
    const bool stats = has_statistics(r, g);
    out << csv_field(r.train->groups[g].name) << ',' << r.train->groups[g].rows();
    for (std::size_t k = 0; k < law.params.size(); ++k)
      out << ',' << (fit.params.empty() ? "" : csv_number(fit.params[k]));
    for (std::size_t k = 0; k < law.params.size(); ++k)
      out << ',' << (stats ? csv_number(r.statistics[g].standard_errors[k]) : "");
    std::vector<std::string> at_bound;
    if (stats)
      for (std::size_t k = 0; k < law.params.size(); ++k)
        if (r.statistics[g].at_bound[k] != BoundSide::None)
          at_bound.push_back(law.params[k].name + ":" + to_string(r.statistics[g].at_bound[k]));
    out << ',' << csv_number(fit.objective) << ',' << csv_number(fit.r2_train) << ','
        << (stats ? csv_number(r.statistics[g].aic) : "") << ',' << (stats ? csv_number(r.statistics[g].bic) : "")
        << ',' << to_string(fit.status) << ',' << (fit.de.converged ? "true" : "false") << ',' << fit.de.generations
        << ',' << fit.de.evaluations << ',' << fit.lbfgsb.iterations << ',' << csv_field(fit.lbfgsb.status) << ','
        << csv_field(join(at_bound, ";")) << ',' << csv_field(fit.error) << ',' << csv_number(fit.seconds);
    if (const Scores* own = own_test(r, g))
      out << ',' << csv_number(own->r2) << ',' << csv_number(own->nmse) << ',' << csv_number(own->nmae);
    else out << ",,,";
    out << '\n';
  }
  return out.str();
}

std::string format_fit_table(const FitReport& r) {
  std::ostringstream out;
  out << r.law->name << ": " << r.law->formula << '\n';
  out << "fitted to " << r.train->source << " (" << r.train->groups.size() << " group"
      << (r.train->groups.size() == 1 ? "" : "s") << "), pipeline " << to_string(r.options.pipeline) << ", seed "
      << r.options.seed << ", backend " << r.backend << ", " << readable(r.seconds) << " s\n\n";
  for (std::size_t g = 0; g < r.fits.size(); ++g) table_group(out, r, g);
  if (r.test) {
    const Scores& s = r.test->scores;
    out << "test, all groups (" << s.n << (r.test->outputs.empty() ? " points" : " rows") << "): r2 "
        << readable(s.r2) << "   nmse " << readable(s.nmse) << "   nmae " << readable(s.nmae)
        << (r.test->outputs.empty() ? "" : ", the mean over the outputs") << '\n';
    for (std::size_t k = 0; k < r.test->outputs.size(); ++k) {
      const Scores& o = r.test->outputs[k];
      out << "  output " << r.law->outputs[k].name << ": r2 " << readable(o.r2) << "   nmse " << readable(o.nmse)
          << "   nmae " << readable(o.nmae) << '\n';
    }
  }
  return out.str();
}

}  // namespace slfit::cli
