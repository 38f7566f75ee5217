#pragma once
// One law and objective as device code: the law's generated functions (law/cuda_codegen.hpp)
// with the kernels of kernels/de_kernel.cuh (the DE, the plain evaluation benchmark, the
// objective at given parameters), compiled by NVRTC for the device or read from the cache, and
// loaded. The DE kernel is compiled for the block size of the DE options' population. Each GPU user of a law (the DE backend, the surface) holds one.

#include <cuda_runtime.h>

#include <string>

#include "cuda/cuda_device.hpp"
#include "cuda/nvrtc_compiler.hpp"
#include "law/cuda_codegen.hpp"
#include "slfit/options.hpp"

namespace slfit {

// The DE kernel's block size for a population: the smallest multiple of 32 that gives every
// member a thread, at most 256 (larger populations stride). It is compiled in (one kernel
// instantiation per program, where four block sizes would take four times the NVRTC time).
int de_block_threads(const DEOptions& de, int num_params);

// The NVRTC translation unit of the kernels for one generated law and DE block size.
NvrtcSource de_program_source(const GeneratedLaw& law, int block_threads);

class LawProgram {
 public:
  // Generates, compiles and loads; throws std::runtime_error with the runtime's or NVRTC's
  // message when that fails, std::invalid_argument when the law has no parameters or more
  // than 512.
  LawProgram(const CompiledLaw& compiled, const ObjectiveSpec& objective, const DEOptions& de,
             const CudaDevice& device, const NvrtcCompiler& compiler = NvrtcCompiler());
  ~LawProgram();
  LawProgram(const LawProgram&) = delete;
  LawProgram& operator=(const LawProgram&) = delete;

  const GeneratedLaw& law() const { return law_; }
  const Cubin& cubin() const { return cubin_; }
  int block_threads() const { return block_threads_; }  // the DE kernel's, slfit_de
  double load_seconds() const { return load_seconds_; }  // loading the CUBIN onto the device
  // An extern "C" kernel of the program, for cudaLaunchKernel; throws naming it when absent.
  const void* kernel(const std::string& name) const;

 private:
  GeneratedLaw law_;
  int block_threads_ = 32;
  Cubin cubin_;
  cudaLibrary_t library_ = nullptr;
  double load_seconds_ = 0.0;
};

}  // namespace slfit
