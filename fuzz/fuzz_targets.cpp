#include "fuzz_targets.hpp"

#include <unistd.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "slfit/csv.hpp"
#include "slfit/manifest.hpp"
#include "slfit/error.hpp"
#include "slfit/law_io.hpp"
#include "slfit/objective.hpp"

namespace slfit::fuzz {
namespace {

namespace fs = std::filesystem;

// The printer promises text that parses to the same tree; positions are allowed to differ.
void check_round_trip(const Expr& expr, const std::string& formula, const Law& law) {
  const std::string printed = to_string(expr, law.variables, law.param_names());
  const Expr reparsed = parse_expression(printed, law.variables, law.param_names(), "printed formula");
  bool same = reparsed.nodes.size() == expr.nodes.size();
  for (std::size_t i = 0; same && i < reparsed.nodes.size(); ++i) {
    const Node& a = expr.nodes[i];
    const Node& b = reparsed.nodes[i];
    same = a.op == b.op && a.value == b.value && a.index == b.index && a.lhs == b.lhs && a.rhs == b.rhs;
  }
  if (!same) throw std::logic_error("formula '" + formula + "' prints as '" + printed + "', a different tree");
}

void check_round_trip(const Law& law) {
  if (law.outputs.empty()) return check_round_trip(law.expr, law.formula, law);
  for (const LawOutput& output : law.outputs) check_round_trip(output.expr, output.formula, law);
}

// Four rows with distinct, positive values in every column, so every statistic is defined; a
// weight per row where the law's objective has a weights column, and a multi-output law's
// rows stacked once per output (each output's targets its own).
GroupData small_group(const Law& law) {
  const std::size_t variables = law.variables.size();
  GroupData group;
  group.name = "fuzz";
  group.inputs.resize(variables);
  for (std::size_t row = 0; row < 4; ++row) {
    for (std::size_t k = 0; k < variables; ++k) group.inputs[k].push_back(static_cast<double>((row + 1) * (k + 2)));
    group.target.push_back(1.0 + 0.5 * static_cast<double>(row));
    group.lines.push_back(row + 2);
    if (law.objective.weighted) group.residual_scale.push_back(0.5 + 0.25 * static_cast<double>(row));
  }
  std::vector<std::vector<double>> targets;
  for (std::size_t k = 0; k < law.num_outputs(); ++k) {
    targets.push_back(group.target);
    for (double& y : targets.back()) y *= 1.0 + static_cast<double>(k);
  }
  stack_outputs(group, targets);
  return group;
}

void evaluate_on_small_group(const Law& law) {
  const GroupData group = small_group(law);
  ResolvedBounds bounds;
  try {
    bounds = resolve_bounds(law, group);
  } catch (const InputError&) {
    return;  // bounds that cross or are not finite on this group
  }
  Objective objective(compile_law(law), group, law.objective);
  std::vector<double> gradient(law.params.size());
  objective.value_and_gradient(bounds.init, gradient);
  objective.value(bounds.lower);
  objective.value(bounds.upper);
}

}  // namespace

void read_csv(std::string_view input) {
  const ColumnSelection grouped{{"num_params", "parallel_size"}, "loss", "group"};
  const ColumnSelection whole{{"num_params"}, "loss", ""};
  for (const ColumnSelection& columns : {grouped, whole}) {
    try {
      parse_dataset(input, "fuzz.csv", columns, 2);
    } catch (const InputError&) {
    }
  }
}

void read_manifest(std::string_view input) {
  const fs::path path = fs::temp_directory_path() / ("slfit_fuzz_manifest_" + std::to_string(::getpid()) + ".json");
  std::ofstream(path, std::ios::binary).write(input.data(), static_cast<std::streamsize>(input.size()));
  Manifest manifest;
  bool readable = true;
  try {
    manifest = slfit::read_manifest(path.string());
  } catch (const InputError&) {
    readable = false;
  }
  fs::remove(path);
  if (!readable) return;
  for (const ManifestEntry& entry : manifest.entries) {
    const auto task = manifest.tasks.find(entry.task);
    if (!entry.error.empty() || task == manifest.tasks.end() || entry.origin == LawOrigin::File) continue;
    try {
      load_entry_law(manifest, entry, task->second);
      entry_fit_options(entry, FitOptions{});
    } catch (const InputError&) {
    }
  }
}

void read_law(std::string_view input) {
  Law law;
  try {
    law = parse_law(input, "fuzz.json");
  } catch (const InputError&) {
    return;
  }
  check_round_trip(law);
  evaluate_on_small_group(law);
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {{"csv", read_csv}, {"law", read_law}, {"manifest", read_manifest}};
  return all;
}

}  // namespace slfit::fuzz
