#pragma once
// Linking relocatable device code (NVRTC's -rdc=true CUBINs) into one loadable CUBIN with
// nvJitLink, a toolkit library that, like NVRTC, needs no GPU and no driver.

#include <string>
#include <vector>

namespace slfit {

struct LinkInput {
  std::string name;          // for messages, e.g. "slfit_kernels.cu"
  const std::string* image;  // a relocatable CUBIN
};

// Links the inputs for `arch` ("sm_90"). Throws std::runtime_error with nvJitLink's log.
std::string link_cubins(const std::vector<LinkInput>& inputs, const std::string& arch);

}  // namespace slfit
