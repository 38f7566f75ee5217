#pragma once
// Run-time compilation of generated CUDA code with NVRTC, to CUBIN for one architecture, with an
// on-disk cache. NVRTC needs no GPU and no driver, so everything here works (and is tested)
// on machines without either.

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace slfit {

// A translation unit: the main source and the headers it includes by name, held in memory.
struct NvrtcSource {
  std::string name;                                         // e.g. "slfit_de.cu"
  std::string text;
  std::vector<std::pair<std::string, std::string>> headers;  // include name, text
  // Relocatable device code (-rdc=true), to be linked with others (cuda/jit_link.hpp) before
  // it can be loaded.
  bool relocatable = false;
};

struct Cubin {
  std::string image;      // the CUBIN, for cudaLibraryLoadData
  bool from_cache = false;
  double seconds = 0.0;   // time spent compiling (or reading the cache)
  std::string key;        // the cache key (hex)
};

// The register cap of the device code (--maxrregcount of every module, __maxnreg__ of the DE
// kernel, whose launch bounds would override it): more blocks then share a multiprocessor, at the
// price of some spilling. kDefaultRegisterCap was the fastest on an H200 (bench/RESULTS.md): the
// law's objective otherwise holds about 124 registers, which leaves room for 4 DE blocks of 96
// threads per multiprocessor. 0: no cap.
inline constexpr int kDefaultRegisterCap = 72;

// SLFIT_CUDA_MAX_REGISTERS's value: empty or unset is kDefaultRegisterCap; else 0 or a count
// from 24 to 255, anything else an InputError naming the variable.
int parse_register_cap(const char* text);
// parse_register_cap of the environment, read once per process.
int device_register_cap();

// $XDG_CACHE_HOME/slfit, else $HOME/.cache/slfit; empty when neither variable is set.
std::filesystem::path default_cache_directory();

// The cache key of a source for an architecture ("sm_90"): a 128-bit FNV-1a hash of the slfit
// version, the architecture, the compiler options, NVRTC's version and every source text, in hex.
// Not where the toolkit's headers are (-I): a cache filled on one machine serves another with the
// same NVRTC, wherever its toolkit lives (cuda/cuda_include_dir.hpp).
std::string nvrtc_cache_key(const NvrtcSource& source, const std::string& arch);

class NvrtcCompiler {
 public:
  // An empty cache directory disables the cache.
  explicit NvrtcCompiler(std::filesystem::path cache_directory = default_cache_directory());

  // Compiles `source` for `arch` ("sm_80", "sm_90", ...), or reads it from the cache. Throws
  // std::runtime_error on failure with NVRTC's log and the source lines the log points at.
  // A cache that cannot be written is skipped; a cache entry that does not verify is recompiled.
  // Headers the source includes but does not carry come from the CUDA toolkit's include
  // directory, found at run time (cuda/cuda_include_dir.hpp); without one, compiling throws
  // before NVRTC runs, naming every directory tried.
  Cubin compile(const NvrtcSource& source, const std::string& arch) const;

  const std::filesystem::path& cache_directory() const { return cache_; }

 private:
  std::filesystem::path cache_;
};

// The architectures this NVRTC can emit CUBIN for, as "sm_NN".
std::vector<std::string> nvrtc_supported_architectures();

}  // namespace slfit
