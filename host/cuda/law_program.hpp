#pragma once
// One law and objective as device code: the law's generated functions (law/cuda_codegen.hpp)
// linked with the kernels of kernels/de_kernel.cuh (the DE, the plain evaluation benchmark, the
// objective at given parameters), compiled by NVRTC for the device or read from the cache, and
// loaded. Each GPU user of a law (the DE backend, the surface) holds one.

#include <cuda_runtime.h>

#include <cstddef>
#include <string>

#include "cuda/cuda_device.hpp"
#include "cuda/nvrtc_compiler.hpp"
#include "law/cuda_codegen.hpp"
#include "slfit/options.hpp"

namespace slfit {

// The DE kernel's block size for a population: the smallest multiple of 32 that gives every
// member a thread, at most 256 (larger populations stride). A launch setting, not compiled in.
int de_block_threads(const DEOptions& de, int num_params);

// The two NVRTC translation units of a law's program, both relocatable: the kernel module (the
// DE, evaluation and objective kernels of kernels/de_kernel.cuh), the same for every law, and
// the law's module (kernels/law_entry.cuh over the law's generated code).
NvrtcSource kernel_module_source();
NvrtcSource law_module_source(const GeneratedLaw& law);

// A header NVRTC compiles, as embedded at build time (cmake/embed_kernels.cmake): "de_steps.hpp",
// "loss_terms.hpp", "slfit/philox.hpp", ...; a name not embedded is a std::logic_error.
const std::string& embedded_kernel_file(const std::string& name);

// A law's loadable program for `arch`: the kernel module (compiled once per process, or read
// from the cache) linked with the law's module (compiled, or read from the cache). Needs no GPU.
// `seconds` is the whole time spent; `key` and `from_cache` are the law module's.
Cubin build_law_program(const GeneratedLaw& law, const std::string& arch,
                        const NvrtcCompiler& compiler = NvrtcCompiler());

// An extern "C" kernel of a loaded program: the handle cudaLaunchKernel takes, and what its
// compile fixed, which shared memory plans and launch error messages need.
struct ProgramKernel {
  const void* handle = nullptr;
  std::string name;
  std::size_t static_shared = 0;  // bytes of the kernel's __shared__ arrays
  int registers = 0;              // per thread
};

class LawProgram {
 public:
  // Generates, compiles and loads; throws std::runtime_error with the runtime's or NVRTC's
  // message when that fails, std::invalid_argument when the law has no parameters or more
  // than 512.
  LawProgram(const CompiledLaw& compiled, const ObjectiveSpec& objective, const DEOptions& de,
             const CudaDevice& device, const NvrtcCompiler& compiler = NvrtcCompiler());
  // The same for generated code (generate_cuda_law or generate_cuda_separable_law).
  LawProgram(GeneratedLaw law, const DEOptions& de, const CudaDevice& device,
             const NvrtcCompiler& compiler = NvrtcCompiler());
  ~LawProgram();
  LawProgram(const LawProgram&) = delete;
  LawProgram& operator=(const LawProgram&) = delete;

  const GeneratedLaw& law() const { return law_; }
  const Cubin& cubin() const { return cubin_; }
  int block_threads() const { return block_threads_; }  // the DE kernel's, slfit_de, for searched_params
  double load_seconds() const { return load_seconds_; }  // loading the CUBIN onto the device
  // An extern "C" kernel of the program and its attributes; throws naming it when absent.
  ProgramKernel kernel(const std::string& name) const;

 private:
  GeneratedLaw law_;
  int block_threads_ = 32;
  Cubin cubin_;
  cudaLibrary_t library_ = nullptr;
  double load_seconds_ = 0.0;
};

}  // namespace slfit
