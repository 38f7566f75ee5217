#pragma once
// Where the DE kernel keeps each problem's population and points, and the dynamic shared memory
// its launch asks for. A block's shared memory is the kernel's static part (its __shared__
// arrays, fixed by the compile) plus the launch's dynamic part: past 48 KB together the kernel
// must opt in to the dynamic size (cudaFuncAttributeMaxDynamicSharedMemorySize), and the sum can
// never pass the device's opt-in limit. Comparing the dynamic part alone with 48 KB fails
// launches just under it with cudaErrorInvalidValue. No CUDA here, so it is tested on any host.

#include <cstddef>

namespace slfit {

// The shared memory a block may use, static and dynamic together, without opting in.
inline constexpr std::size_t kSharedBytesWithoutOptIn = 48 * 1024;

struct SharedMemoryPlan {
  bool in_shared = false;          // population and points in dynamic shared memory, else global
  std::size_t dynamic_bytes = 0;   // the launch's dynamic shared memory
  std::size_t opt_in_bytes = 0;    // not 0: set the kernel's maximum dynamic size to this first
};

// `dynamic_bytes`: what the population and points take in shared memory; `static_bytes`: the
// kernel's own (cudaFuncAttributes::sharedSizeBytes); `optin_limit`: the device's per-block
// limit (cudaDevAttrMaxSharedMemoryPerBlockOptin); `cap`: the most a block should take, static
// and dynamic together, before global memory is the better place.
SharedMemoryPlan plan_shared_memory(std::size_t static_bytes, std::size_t dynamic_bytes, std::size_t optin_limit,
                                    std::size_t cap);

}  // namespace slfit
