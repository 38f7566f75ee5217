#include "cuda/launch_context.hpp"

namespace slfit {

std::string LaunchContext::to_string() const {
  return "grid=" + std::to_string(grid) + " block=" + std::to_string(block) +
         " dynamic_shared=" + std::to_string(dynamic_shared) + "B static_shared=" + std::to_string(static_shared) +
         "B registers=" + std::to_string(registers) + " max_points=" + std::to_string(max_points) +
         " problems=" + std::to_string(problems) + " kernel=" + kernel + " law='" + law + "'";
}

std::string launch_law_names(std::span<const Problem> problems) {
  std::vector<std::string> names;
  for (const Problem& p : problems) {
    const std::string name = p.law ? p.law->name : "(unnamed)";
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::string out;
  for (std::size_t i = 0; i < std::min<std::size_t>(3, names.size()); ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > 3) out += " and " + std::to_string(names.size() - 3) + " more";
  return out;
}

}  // namespace slfit
