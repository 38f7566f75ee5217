// slfit rescore: fits every law of a leaderboard manifest to its task with one identical
// procedure, in one batch, and ranks the laws by their test-split r2.

#include <unistd.h>

#include <chrono>
#include <optional>
#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>

#include "cli/commands.hpp"
#include "cli/fit_options.hpp"
#include "cli/parse_util.hpp"
#include "cli/progress_line.hpp"
#include "cli/rescore_output.hpp"
#include "slfit/backend.hpp"
#include "slfit/rescore.hpp"
#include "slfit/atomic_file.hpp"
#include "slfit/manifest.hpp"
#include "slfit/error.hpp"

namespace po = boost::program_options;

namespace slfit::cli {
namespace {

struct RescoreArgs {
  std::string manifest, out, markdown, json;
  int restarts = 1;
  bool strict = false, quiet = false;
  FitOptions options;
  int threads = 0;
};

std::string summary_line(const std::vector<EntryScore>& scores, const std::vector<std::size_t>& order,
                         int restarts, double seconds) {
  std::size_t scored = 0, fits = 0;
  for (const EntryScore& s : scores) {
    if (is_scored(s.status)) ++scored;
    if (s.status != EntryStatus::InvalidEntry) fits += s.train->groups.size() * restarts;
  }
  char text[512];
  std::snprintf(text, sizeof text, "rescore: %zu entries (%zu scored, %zu failed), %zu fits in %.2f s", scores.size(),
                scored, scores.size() - scored, fits, seconds);
  std::string line = text;
  if (scored > 0) {
    const EntryScore& best = scores[order.front()];
    std::snprintf(text, sizeof text, "; best: %s (r2 %.6f)", best.entry->id.c_str(), best.test.r2);
    line += text;
  }
  return line;
}

// --strict: the outputs are written (they say what failed), then the run fails with the errors.
void fail_on_broken_entries(const std::vector<EntryScore>& scores) {
  std::string errors;
  std::size_t failed = 0;
  for (const EntryScore& s : scores) {
    if (is_scored(s.status)) continue;
    ++failed;
    errors += "\n  " + s.entry->id + " (" + to_string(s.status) + "): " + s.error;
  }
  if (failed > 0) throw InputError(std::to_string(failed) + " of " + std::to_string(scores.size()) +
                                   " entries could not be scored (--strict):" + errors);
}

}  // namespace

int run_rescore(const std::vector<std::string>& args) {
  RescoreArgs a;
  po::options_description io(
      "slfit rescore: fit every law of a leaderboard manifest to its task and rank them by test r2\n\n"
      "Usage: slfit rescore --manifest FILE [options]\n\nInput and output");
  io.add_options()
    ("help,h", "show this help")
    ("manifest", po::value(&a.manifest)->required(), "leaderboard manifest (JSON: tasks and entries)")
    ("restarts", po::value(&a.restarts)->default_value(1),
     "independent DE seeds per (entry, group); the lowest training objective is kept")
    ("out", po::value(&a.out)->default_value("-"), "scores table (CSV), written atomically; - for stdout")
    ("markdown", po::value(&a.markdown), "also write the table as markdown to this file")
    ("json", po::value(&a.json), "also write every entry's fitted parameters per group as JSON to this file")
    ("strict", po::bool_switch(&a.strict), "exit with code 2 when any entry could not be scored");
  po::options_description all;
  all.add(io).add(fitting_options(a.options, a.threads));

  po::variables_map vm;
  if (!parse_command_line(args, all, vm)) return 0;
  finish_fitting_options(vm, a.options);
  a.quiet = vm["quiet"].as<bool>();
  if (a.restarts < 1) throw InputError("--restarts must be at least 1");
  for (const std::string& out : {a.out, a.markdown, a.json}) check_output_writable(out);  // before the work

  const auto start = std::chrono::steady_clock::now();
  const Manifest manifest = read_manifest(a.manifest);
  std::optional<ProgressLine> progress;  // drawn once the total is known
  RescoreOptions options;
  options.fit = a.options;
  options.restarts = a.restarts;
  options.threads = a.threads;
  options.backend = parse_backend(vm["backend"].as<std::string>());
  options.backend_note = a.quiet ? nullptr : &std::cerr;
  options.explain_backend = vm["verbose"].as<bool>();
  options.on_entries_done = [&](std::size_t done, std::size_t total) {
    if (!progress) progress.emplace("rescore entries", total, 0, a.quiet);
    progress->update(done);
  };
  const Rescored rescored = rescore(manifest, options);
  const std::vector<EntryScore>& scores = rescored.entries;
  progress.reset();  // ends its line before the summary
  const std::vector<std::size_t> order = ranking(scores);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const RescoreRun run{a.manifest, a.options.seed, a.restarts, a.options.pipeline, a.options.separable,
                        a.options.de.updating, rescored.backend, seconds};
  write_output(a.out, scores_csv(scores, order));
  if (!a.markdown.empty()) write_output(a.markdown, scores_markdown(scores, order, run));
  if (!a.json.empty()) write_output(a.json, scores_json(scores, order, run));
  if (!a.quiet) std::cerr << summary_line(scores, order, a.restarts, seconds) << "\n";
  if (a.strict) fail_on_broken_entries(scores);
  return 0;
}

}  // namespace slfit::cli
