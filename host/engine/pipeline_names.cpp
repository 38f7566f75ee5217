#include <array>
#include <string>
#include <utility>

#include "slfit/options.hpp"

namespace slfit {
namespace {

constexpr std::array<std::pair<Pipeline, const char*>, 3> kNames = {
    {{Pipeline::De, "de"}, {Pipeline::Seed, "seed"}, {Pipeline::Local, "local"}}};
constexpr std::array<std::pair<Separable, const char*>, 2> kSeparableNames = {
    {{Separable::Auto, "auto"}, {Separable::Off, "off"}}};
constexpr std::array<std::pair<Updating, const char*>, 2> kUpdatingNames = {
    {{Updating::Deferred, "deferred"}, {Updating::Immediate, "immediate"}}};

// A value's name in its table ("unknown" for none), and the value a name gives (nullopt for none).
template <class Table>
const char* name_in(const Table& table, typename Table::value_type::first_type value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "unknown";
}
template <class Table>
std::optional<typename Table::value_type::first_type> value_in(const Table& table, std::string_view name) {
  for (const auto& [v, text] : table)
    if (name == text) return v;
  return std::nullopt;
}

}  // namespace

const char* to_string(Pipeline pipeline) { return name_in(kNames, pipeline); }

std::optional<Pipeline> chosen_pipeline(std::string_view name) {
  const std::optional<Pipeline> pipeline = value_in(kNames, name);
  return pipeline == Pipeline::Local ? std::nullopt : pipeline;
}

const std::string& chosen_pipeline_names() {
  static const std::string names = [] {
    std::string out;
    for (const auto& [p, text] : kNames)
      if (p != Pipeline::Local) out += (out.empty() ? "" : ", ") + std::string(text);
    return out;
  }();
  return names;
}

const char* to_string(Separable separable) { return name_in(kSeparableNames, separable); }

std::optional<Separable> parse_separable(std::string_view name) { return value_in(kSeparableNames, name); }

const char* to_string(Updating updating) { return name_in(kUpdatingNames, updating); }

std::optional<Updating> parse_updating(std::string_view name) { return value_in(kUpdatingNames, name); }

}  // namespace slfit
