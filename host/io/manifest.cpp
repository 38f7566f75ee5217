#include "slfit/manifest.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "optim/differential_evolution.hpp"
#include "slfit/error.hpp"
#include "slfit/law_io.hpp"
#include "slfit/text.hpp"
#include "slfit/input_file.hpp"

namespace slfit {
namespace {

using Json = nlohmann::ordered_json;

std::string in_quotes(const std::string& text) { return "'" + text + "'"; }

// JSON with duplicate keys rejected: a repeated task or entry field would otherwise be dropped
// silently by nlohmann, which keeps the last value.
Json parse_json(std::string_view text, const std::string& source) {
  std::vector<std::set<std::string>> keys_of_open_objects;
  const auto reject_duplicate_keys = [&](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) keys_of_open_objects.emplace_back();
    if (event == Json::parse_event_t::object_end) keys_of_open_objects.pop_back();
    if (event == Json::parse_event_t::key && !keys_of_open_objects.back().insert(parsed.get<std::string>()).second)
      throw InputError(source + ": duplicate key " + in_quotes(parsed.get<std::string>()));
    return true;
  };
  try {
    return Json::parse(text, reject_duplicate_keys);
  } catch (const Json::exception& error) {
    throw InputError(source + ": invalid JSON: " + error.what());
  }
}

// Reads fields of one JSON object; every message names `where` (the manifest and the object).
class Fields {
 public:
  Fields(const Json& object, std::string where, const std::vector<std::string>& allowed)
      : object_(object), where_(std::move(where)) {
    if (!object.is_object()) fail("", std::string("expected an object, found ") + object.type_name());
    for (const auto& [key, value] : object.items())
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        fail(key, "unknown field (allowed: " + join(allowed, ", ") + ")");
  }

  void set_where(std::string where) { where_ = std::move(where); }
  bool has(const std::string& key) const { return object_.contains(key); }
  const Json& at(const std::string& key) const { return object_.at(key); }

  std::string text(const std::string& key) const {
    if (!has(key)) fail(key, "missing");
    const Json& value = object_.at(key);
    if (!value.is_string() || value.get<std::string>().empty())
      fail(key, std::string("expected a non-empty string, found ") + describe(value));
    return value.get<std::string>();
  }
  std::string text_or(const std::string& key, const std::string& fallback) const {
    return has(key) ? text(key) : fallback;
  }
  int integer(const std::string& key) const {
    const Json& value = object_.at(key);
    if (!value.is_number_integer()) fail(key, std::string("expected an integer, found ") + describe(value));
    return value.get<int>();
  }
  double number(const std::string& key) const {
    const Json& value = object_.at(key);
    if (!value.is_number()) fail(key, std::string("expected a number, found ") + describe(value));
    return value.get<double>();
  }

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw InputError(where_ + (key.empty() ? "" : ": " + key) + ": " + what);
  }

 private:
  static std::string describe(const Json& value) {
    return value.is_string() ? "an empty string" : value.type_name();
  }

  const Json& object_;
  std::string where_;
};

std::string resolve(const std::filesystem::path& folder, const std::string& path) {
  return std::filesystem::path(path).is_absolute() ? path : (folder / path).lexically_normal().string();
}

ManifestTask read_task(const std::string& name, const Json& spec, const std::string& manifest,
                       const std::filesystem::path& folder) {
  const Fields f(spec, manifest + ": tasks: " + name, {"train", "test", "group", "target", "description"});
  return ManifestTask{name, resolve(folder, f.text("train")), resolve(folder, f.text("test")), f.text_or("group", ""),
                      f.text_or("target", "")};
}

Pipeline read_pipeline(const Fields& f) {
  const std::string name = f.text("pipeline");
  if (const std::optional<Pipeline> chosen = chosen_pipeline(name)) return *chosen;
  f.fail("pipeline", in_quotes(name) + " is not one of: " + chosen_pipeline_names());
}

void read_de_overrides(const Fields& entry, EntryOverrides& o, const std::string& where) {
  const Fields de(entry.at("de"), where + ": de", {"popsize", "maxiter", "tol", "atol"});
  if (de.has("popsize")) o.popsize = de.integer("popsize");
  if (de.has("maxiter")) o.maxiter = de.integer("maxiter");
  if (de.has("tol")) o.tol = de.number("tol");
  if (de.has("atol")) o.atol = de.number("atol");
}

// Fills `entry` field by field, so that an entry that fails part-way keeps the id, task and law
// read before the failure for its row.
void read_entry(const Json& spec, const std::string& manifest, const std::filesystem::path& folder,
                ManifestEntry& entry) {
  std::string where = manifest + ": entries[" + std::to_string(entry.index) + "]";
  Fields named(spec, where, {"id", "task", "law", "pipeline", "objective", "de", "fix", "description"});
  entry.id = named.text("id");
  where += " (" + in_quotes(entry.id) + ")";
  named.set_where(where);
  entry.task = named.text("task");
  if (!named.has("law")) named.fail("law", "missing");
  const Json& law = named.at("law");
  if (law.is_object()) {
    entry.law = "inline";
    entry.origin = LawOrigin::Inline;
    entry.law_spec = law;
    if (!entry.law_spec.contains("name")) entry.law_spec["name"] = entry.id;  // the law column names it
  } else {
    entry.law = named.text("law");
    const std::vector<std::string> builtins = builtin_law_names();
    const bool builtin = std::find(builtins.begin(), builtins.end(), entry.law) != builtins.end();
    entry.origin = builtin ? LawOrigin::Builtin : LawOrigin::File;
    if (!builtin) entry.law_path = resolve(folder, entry.law);
  }
  if (named.has("pipeline")) entry.overrides.pipeline = read_pipeline(named);
  if (named.has("objective")) {
    if (!named.at("objective").is_object()) named.fail("objective", "expected an object");
    entry.overrides.objective = named.at("objective");
  }
  if (named.has("de")) read_de_overrides(named, entry.overrides, where);
  if (named.has("fix")) {
    if (!named.at("fix").is_object()) named.fail("fix", "expected an object of parameter values");
    for (const auto& [name, value] : named.at("fix").items()) {
      if (!value.is_number() || !std::isfinite(value.get<double>()))
        named.fail("fix: " + name, "expected a finite number");
      entry.overrides.fixed.emplace_back(name, value.get<double>());
    }
  }
}

// A bare word that is neither a built-in nor a file was most likely meant as a built-in.
std::string law_file_text(const ManifestEntry& entry) {
  std::error_code ignored;
  if (!std::filesystem::exists(entry.law_path, ignored) && entry.law.find('/') == std::string::npos &&
      !entry.law.ends_with(".json")) {
    throw InputError("unknown built-in law " + in_quotes(entry.law) + " (built-in: " +
                     join(builtin_law_names(), ", ") + ") and no file " + entry.law_path);
  }
  return read_input_file(entry.law_path);
}

}  // namespace

Manifest read_manifest(const std::string& path) { return parse_manifest(read_input_file(path), path); }

Manifest parse_manifest(std::string_view json_text, const std::string& path) {
  const Json root = parse_json(json_text, path);
  const Fields top(root, path, {"tasks", "entries", "description"});
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  Manifest manifest;
  manifest.path = path;
  if (!top.has("tasks") || !top.at("tasks").is_object()) top.fail("tasks", "expected an object of named tasks");
  for (const auto& [name, spec] : top.at("tasks").items())
    manifest.tasks.emplace(name, read_task(name, spec, path, folder));
  if (!top.has("entries") || !top.at("entries").is_array()) top.fail("entries", "expected an array of entries");
  if (top.at("entries").empty()) top.fail("entries", "the list is empty: there is nothing to rescore");

  std::map<std::string, std::size_t> first_use_of_id;
  for (const Json& spec : top.at("entries")) {
    ManifestEntry& entry = manifest.entries.emplace_back();
    entry.index = manifest.entries.size() - 1;
    try {
      read_entry(spec, path, folder, entry);
      const auto [previous, fresh] = first_use_of_id.emplace(entry.id, entry.index);
      if (!fresh)
        throw InputError(path + ": entries[" + std::to_string(entry.index) + "]: id " + in_quotes(entry.id) +
                         " is already used by entries[" + std::to_string(previous->second) + "]");
    } catch (const InputError& e) {
      entry.error = e.what();
    }
    if (entry.id.empty()) entry.id = "entries[" + std::to_string(entry.index) + "]";
  }
  return manifest;
}

Law load_entry_law(const Manifest& manifest, const ManifestEntry& entry, const ManifestTask& task) {
  Json spec;
  std::string source;
  switch (entry.origin) {
    case LawOrigin::Builtin:
      source = "builtin:" + entry.law;
      spec = parse_law_json(builtin_law_json(entry.law), source);
      break;
    case LawOrigin::File:
      source = entry.law_path;
      spec = parse_law_json(law_file_text(entry), source);
      break;
    case LawOrigin::Inline:
      source = manifest.path + ": entries[" + std::to_string(entry.index) + "] (" + in_quotes(entry.id) + "): law";
      spec = entry.law_spec;
      break;
  }
  if (entry.overrides.objective) {
    // The entry's objective in place of the law's, read exactly as a law file's objective is.
    spec["objective"] = *entry.overrides.objective;
    source += " with the objective of entry " + in_quotes(entry.id);
  }
  Law law = parse_law_spec(spec, source);
  for (const auto& [name, value] : entry.overrides.fixed)
    fix_parameter(law, name, value, manifest.path + ": entries[" + std::to_string(entry.index) + "] (" +
                                        in_quotes(entry.id) + "): fix");
  if (!law.outputs.empty() && !task.target.empty())
    throw InputError(manifest.path + ": entries[" + std::to_string(entry.index) + "] (" + in_quotes(entry.id) +
                     "): law " + in_quotes(law.name) + " has " + std::to_string(law.outputs.size()) +
                     " outputs, each with its target column, but its task sets \"target\"");
  override_columns(law, {}, task.target);
  return law;
}

FitOptions entry_fit_options(const ManifestEntry& entry, const FitOptions& base) {
  FitOptions options = base;
  const EntryOverrides& o = entry.overrides;
  if (o.pipeline) options.pipeline = *o.pipeline;
  if (o.popsize) options.de.popsize = *o.popsize;
  if (o.maxiter) options.de.maxiter = *o.maxiter;
  if (o.tol) options.de.tol = *o.tol;
  if (o.atol) options.de.atol = *o.atol;
  try {
    validate(options);
  } catch (const OptionError& e) {  // its field is the entry's key: "de.popsize"
    throw InputError("entry " + in_quotes(entry.id) + ": " + e.what());
  }
  return options;
}

}  // namespace slfit
