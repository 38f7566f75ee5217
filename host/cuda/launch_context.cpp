#include "cuda/launch_context.hpp"

namespace slfit {

std::string LaunchContext::to_string() const {
  return "grid=" + std::to_string(grid) + " block=" + std::to_string(block) +
         " dynamic_shared=" + std::to_string(dynamic_shared) + "B static_shared=" + std::to_string(static_shared) +
         "B registers=" + std::to_string(registers) + " max_points=" + std::to_string(max_points) +
         " problems=" + std::to_string(problems) + " kernel=" + kernel + " law='" + law + "'";
}

}  // namespace slfit
