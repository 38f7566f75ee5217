#include "cuda/jit_link.hpp"

#include <nvJitLink.h>

#include <memory>
#include <stdexcept>

namespace slfit {
namespace {

std::string error_log(nvJitLinkHandle handle) {
  std::size_t size = 0;
  if (nvJitLinkGetErrorLogSize(handle, &size) != NVJITLINK_SUCCESS || size == 0) return {};
  std::string log(size, '\0');
  if (nvJitLinkGetErrorLog(handle, log.data()) != NVJITLINK_SUCCESS) return {};
  return log;
}

}  // namespace

std::string link_cubins(const std::vector<LinkInput>& inputs, const std::string& arch) {
  const std::string arch_option = "-arch=" + arch;
  const char* options[] = {arch_option.c_str()};
  nvJitLinkHandle handle = nullptr;
  if (const nvJitLinkResult r = nvJitLinkCreate(&handle, 1, options); r != NVJITLINK_SUCCESS)
    throw std::runtime_error("nvJitLink: creating a linker for " + arch + " failed (error " + std::to_string(r) + ")");
  const std::unique_ptr<nvJitLinkHandle, void (*)(nvJitLinkHandle*)> guard(
      &handle, [](nvJitLinkHandle* h) { nvJitLinkDestroy(h); });
  auto fail = [&](const std::string& what, nvJitLinkResult r) {
    throw std::runtime_error("nvJitLink: " + what + " for " + arch + " failed (error " + std::to_string(r) + ")\n" +
                             error_log(handle));
  };
  for (const LinkInput& input : inputs)
    if (const nvJitLinkResult r = nvJitLinkAddData(handle, NVJITLINK_INPUT_CUBIN, input.image->data(),
                                                   input.image->size(), input.name.c_str());
        r != NVJITLINK_SUCCESS)
      fail("adding " + input.name, r);
  if (const nvJitLinkResult r = nvJitLinkComplete(handle); r != NVJITLINK_SUCCESS) fail("linking", r);
  std::size_t size = 0;
  if (const nvJitLinkResult r = nvJitLinkGetLinkedCubinSize(handle, &size); r != NVJITLINK_SUCCESS)
    fail("sizing the linked CUBIN", r);
  std::string image(size, '\0');
  if (const nvJitLinkResult r = nvJitLinkGetLinkedCubin(handle, image.data()); r != NVJITLINK_SUCCESS)
    fail("reading the linked CUBIN", r);
  return image;
}

}  // namespace slfit
