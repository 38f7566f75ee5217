#include "cuda/shared_memory_plan.hpp"

#include <algorithm>

namespace slfit {

SharedMemoryPlan plan_shared_memory(std::size_t static_bytes, std::size_t dynamic_bytes, std::size_t optin_limit,
                                    std::size_t cap) {
  SharedMemoryPlan plan;
  if (static_bytes + dynamic_bytes > std::min(optin_limit, cap)) return plan;  // global memory, no dynamic part
  plan.in_shared = true;
  plan.dynamic_bytes = dynamic_bytes;
  if (static_bytes + dynamic_bytes > kSharedBytesWithoutOptIn) plan.opt_in_bytes = dynamic_bytes;
  return plan;
}

}  // namespace slfit
