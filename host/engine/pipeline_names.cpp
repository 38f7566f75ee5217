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

}  // namespace

const char* to_string(Pipeline pipeline) {
  for (const auto& [p, name] : kNames)
    if (p == pipeline) return name;
  return "unknown";
}

std::optional<Pipeline> chosen_pipeline(std::string_view name) {
  for (const auto& [p, text] : kNames)
    if (p != Pipeline::Local && name == text) return p;
  return std::nullopt;
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

const char* to_string(Separable separable) {
  for (const auto& [s, name] : kSeparableNames)
    if (s == separable) return name;
  return "unknown";
}

std::optional<Separable> parse_separable(std::string_view name) {
  for (const auto& [s, text] : kSeparableNames)
    if (name == text) return s;
  return std::nullopt;
}

const char* to_string(Updating updating) {
  for (const auto& [u, name] : kUpdatingNames)
    if (u == updating) return name;
  return "unknown";
}

std::optional<Updating> parse_updating(std::string_view name) {
  for (const auto& [u, text] : kUpdatingNames)
    if (name == text) return u;
  return std::nullopt;
}

}  // namespace slfit
