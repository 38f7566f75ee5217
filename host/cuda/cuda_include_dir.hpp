#pragma once
// Where NVRTC finds the CUDA toolkit's headers, looked up at run time: the build machine's
// toolkit may be elsewhere, or absent, where slfit runs (a bundle carried to a GPU machine). A
// directory counts when it holds cuda_runtime.h, the header every toolkit's include directory
// has, whichever of its libraries (CUB, libcu++) a source uses; NVRTC's own built-in headers
// need no directory. Only sources that include a header they do not carry need one
// (NvrtcCompiler::compile); slfit's kernels carry all of theirs.

#include <filesystem>
#include <string>
#include <vector>

namespace slfit {

struct IncludeCandidate {
  std::string origin;         // where the guess comes from, e.g. "$CUDA_HOME"
  std::filesystem::path dir;  // the include directory it names; empty when it names none (a variable not set)
};

// In order of preference: $CUDA_HOME/include, $CUDA_PATH/include, `build_time` (the build's
// toolkit), the include directories near `nvrtc_directory`, the directory libnvrtc was loaded
// from (../include, ../../include, of it as loaded and with its links resolved; empty: none),
// and /usr/local/cuda/include.
std::vector<IncludeCandidate> cuda_include_candidates(const std::filesystem::path& build_time,
                                                      const std::filesystem::path& nvrtc_directory);

struct IncludeDirSearch {
  std::filesystem::path dir;  // the first candidate that counts; empty when none does
  std::string error;          // when none does: every candidate and why it was rejected
};

// The first candidate that holds cuda_runtime.h.
IncludeDirSearch find_cuda_include_dir(const std::vector<IncludeCandidate>& candidates);

// The directory the loaded libnvrtc came from (dladdr on one of its functions); empty when unknown.
std::filesystem::path loaded_nvrtc_directory();

}  // namespace slfit
