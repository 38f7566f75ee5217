#include "cuda/cuda_include_dir.hpp"

#include <dlfcn.h>
#include <nvrtc.h>

#include <algorithm>
#include <cstdlib>
#include <system_error>

namespace slfit {
namespace {

constexpr const char* kMarker = "cuda_runtime.h";

IncludeCandidate from_variable(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return {std::string("$") + name + " (not set)", {}};
  return {std::string("$") + name, std::filesystem::path(value) / "include"};
}

// Why `c` does not count; empty when it does.
std::string rejection(const IncludeCandidate& c) {
  if (c.dir.empty()) return "names no directory";
  std::error_code ec;
  if (!std::filesystem::is_directory(c.dir, ec)) return "no such directory";
  if (!std::filesystem::is_regular_file(c.dir / kMarker, ec)) return std::string("no ") + kMarker + " in it";
  return {};
}

}  // namespace

std::vector<IncludeCandidate> cuda_include_candidates(const std::filesystem::path& build_time,
                                                      const std::filesystem::path& nvrtc_directory) {
  std::vector<IncludeCandidate> out{from_variable("CUDA_HOME"), from_variable("CUDA_PATH"),
                                    {"the build's toolkit", build_time}};
  if (nvrtc_directory.empty()) {
    out.push_back({"beside libnvrtc (its location is unknown)", {}});
  } else {
    // lib64/ or lib/ beside include/ (a toolkit, conda), or two levels down (lib/x86_64-linux-gnu/).
    std::vector<std::filesystem::path> dirs{nvrtc_directory};
    std::error_code ec;
    const std::filesystem::path real = std::filesystem::canonical(nvrtc_directory, ec);
    if (!ec && real != nvrtc_directory) dirs.push_back(real);
    std::vector<std::filesystem::path> seen;
    for (const auto& dir : dirs)
      for (const char* up : {"../include", "../../include"}) {
        const std::filesystem::path include = (dir / up).lexically_normal();
        if (std::find(seen.begin(), seen.end(), include) != seen.end()) continue;
        seen.push_back(include);
        out.push_back({"beside libnvrtc (" + dir.string() + ")", include});
      }
  }
  out.push_back({"the default toolkit", "/usr/local/cuda/include"});
  return out;
}

IncludeDirSearch find_cuda_include_dir(const std::vector<IncludeCandidate>& candidates) {
  IncludeDirSearch search;
  std::string tried;
  for (const IncludeCandidate& c : candidates) {
    const std::string why = rejection(c);
    if (why.empty()) {
      search.dir = c.dir;
      return search;
    }
    tried += "\n  " + c.origin + (c.dir.empty() ? "" : ": " + c.dir.string()) + ": " + why;
  }
  search.error = std::string("no CUDA toolkit include directory (one holding ") + kMarker +
                 ") was found; set CUDA_HOME to the toolkit's root. Tried:" + tried;
  return search;
}

std::filesystem::path loaded_nvrtc_directory() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&nvrtcVersion), &info) == 0 || !info.dli_fname) return {};
  // The object that holds the address: libnvrtc, unless the executable has a stub for it.
  const std::filesystem::path library(info.dli_fname);
  if (library.filename().string().rfind("libnvrtc", 0) != 0) return {};
  return library.parent_path();
}

}  // namespace slfit
