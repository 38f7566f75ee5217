#pragma once
// A GPU slfit would use, as the CUDA runtime sees it: whether it is usable, and why
// not when it is not (no driver, no device, an architecture NVRTC cannot target).

#include <cstddef>
#include <string>

namespace slfit {

struct CudaDevice {
  int index = 0;            // the runtime's device number, which every program and launch uses
  bool usable = false;
  std::string reason;       // why not, when not usable: no driver, no device, too old
  std::string name;         // e.g. "NVIDIA H200"
  std::string arch;         // e.g. "sm_90"
  int multiprocessors = 0;
  std::size_t shared_per_block = 0;  // the opt-in limit of dynamic shared memory per block
};

// The device numbered `index` (0: the first visible). Never throws.
CudaDevice probe_cuda_device(int index = 0);

}  // namespace slfit
