#pragma once
// Reading laws: the formula parser, JSON law files, built-in laws, and the resolution of
// bound expressions against one group's data. Every error is an InputError whose message names
// the source (file or "builtin:<name>"), the field, and for formulas the character.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "slfit/dataset.hpp"
#include "slfit/law.hpp"

namespace slfit {

// Parses formula text. Identifiers resolve to Var (index into vars) or Param (index into params);
// anything else is an error naming the identifier. `context` prefixes messages, e.g.
// "laws/mine.json: formula". Syntax errors quote the text with a caret under the character.
Expr parse_expression(std::string_view text, const std::vector<std::string>& vars,
                      const std::vector<std::string>& params, const std::string& context);

// A law from JSON text (the law-file format in README.md); `source` names it in messages.
Law parse_law(std::string_view json_text, const std::string& source);

// The same in two steps, for callers that change the spec in between (a manifest entry that
// overrides a law's objective): the JSON text parsed (an InputError names the line and column),
// then the spec read.
nlohmann::ordered_json parse_law_json(std::string_view json_text, const std::string& source);
Law parse_law_spec(const nlohmann::ordered_json& spec, const std::string& source);

// The law file that parse_law_spec reads back to the same law (its formula and bound expressions
// printed back as text, its columns as mapped, a parameter held at a value as "fixed").
nlohmann::ordered_json law_to_json(const Law& law);

// The index of parameter `name` in law.params. An unknown name is an InputError prefixed by
// `context` ("--grid 'q=0:1:3'") that names the law, the nearest parameter and all of them.
std::size_t parameter_index(const Law& law, const std::string& name, const std::string& context);

// Holds parameter `name` at `value`: its bounds and initial point become the value, so every
// backend fits the others around it (a parameter file's "fixed": value does the same). An
// unknown name is an InputError prefixed by `context` ("--fix a=1") that names the parameters.
void fix_parameter(Law& law, const std::string& name, double value, const std::string& context);

// A built-in name (see builtin_law_names) or a path to a JSON law file.
Law load_law(const std::string& name_or_path);

std::vector<std::string> builtin_law_names();
// The JSON spec a built-in law is defined by; throws InputError for an unknown name.
const std::string& builtin_law_json(const std::string& name);

// Scales each residual by a column of the data: multiplied by a weight or divided by a sigma
// (ScaleKind); the objective becomes weighted. --weights COL and --sigma COL.
void set_residual_scale(Law& law, const std::string& column, ScaleKind kind);

// The columns a law reads from a data file split by `group` (empty: none): its inputs, its
// target and its scale column.
ColumnSelection law_columns(const Law& law, const std::string& group);

// Remaps variables to other CSV columns (`--map VAR=COL`) and optionally the target column.
// Unknown variable names are an InputError.
void override_columns(Law& law, const std::vector<std::pair<std::string, std::string>>& var_to_column,
                      const std::string& target_column = "");

// Bounds and initial point of every parameter for one group, evaluated from the law's bound
// expressions over group_statistics(). Throws InputError naming the parameter (and the group)
// when a bound is not finite or lower > upper. init is the spec's init (clipped to the bounds)
// or the middle of the bounds.
struct ResolvedBounds {
  std::vector<double> lower;
  std::vector<double> upper;
  std::vector<double> init;
  // Per parameter: 1 where DE and the refinement search it in log coordinates (ParamScale, as
  // resolved for the group's bounds), else 0.
  std::vector<std::uint8_t> log_scale;
};
std::vector<double> group_statistics(const GroupData& group);
ResolvedBounds resolve_bounds(const Law& law, const GroupData& group);

}  // namespace slfit
