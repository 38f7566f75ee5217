#pragma once
// Leaderboard manifests for `slfit rescore` (README.md, "slfit rescore"): named tasks (a train
// and a test CSV file, the group column, an optional target column) and entries (a law on a
// task, optionally with its own pipeline, objective and DE options). Paths are relative to the
// manifest's folder.
//
// A malformed manifest (not JSON, no "entries" array, a malformed task) is an InputError. A
// malformed entry is not: it is kept with its `error` set, so that the rest of the leaderboard
// is still scored and the broken entry gets its row.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "slfit/law.hpp"
#include "slfit/options.hpp"

namespace slfit {

struct ManifestTask {
  std::string name;
  std::string train;    // resolved against the manifest's folder
  std::string test;
  std::string group;    // empty: the whole file is one group
  std::string target;   // empty: each law's own target column
};

// Where an entry's law comes from.
enum class LawOrigin { Builtin, File, Inline };

// Entry settings that replace the command line's for this entry alone.
struct EntryOverrides {
  std::optional<Pipeline> pipeline;
  std::optional<nlohmann::ordered_json> objective;  // the law file's "objective" object
  std::optional<int> popsize;
  std::optional<int> maxiter;
  std::optional<double> tol;
  std::optional<double> atol;
  std::vector<std::pair<std::string, double>> fixed;  // "fix": {"NAME": VALUE}: held at VALUE
};

struct ManifestEntry {
  std::size_t index = 0;            // position in "entries"
  std::string id;                   // "entries[<index>]" where the entry has no usable id
  std::string task;
  std::string law;                  // as written: a built-in name, a path, or "inline"
  LawOrigin origin = LawOrigin::Builtin;
  std::string law_path;             // File: resolved against the manifest's folder
  nlohmann::ordered_json law_spec;  // Inline: the spec object
  EntryOverrides overrides;
  std::string error;                // non-empty: the entry is malformed, and this says how
};

struct Manifest {
  std::string path;
  std::map<std::string, ManifestTask> tasks;
  std::vector<ManifestEntry> entries;
};

Manifest read_manifest(const std::string& path);
// The same for manifest text in memory; `path` names it in messages, and relative paths in it
// resolve against path's folder (a Python dict's against the working directory).
Manifest parse_manifest(std::string_view json_text, const std::string& path);

// The entry's law with its overrides applied (objective, fixed parameters; the task's target
// column). Throws
// InputError naming the law's source (built-in, file, or the entry for an inline spec).
Law load_entry_law(const Manifest& manifest, const ManifestEntry& entry, const ManifestTask& task);

// `base` (the command line's options) with the entry's overrides applied and validated.
FitOptions entry_fit_options(const ManifestEntry& entry, const FitOptions& base);

}  // namespace slfit
