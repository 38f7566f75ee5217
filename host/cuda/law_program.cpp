#include "cuda/law_program.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <stdexcept>

#include "cuda/cuda_check.hpp"

namespace slfit {
namespace detail {
const std::map<std::string, std::string>& embedded_kernel_sources();  // cmake/embed_kernels.cmake
}

namespace {
std::string embedded(const std::string& name) { return detail::embedded_kernel_sources().at(name); }
}  // namespace

int de_block_threads(const DEOptions& de, int num_params) {
  const long long members = std::max(5LL, static_cast<long long>(de.popsize) * num_params);
  return static_cast<int>(std::min(256LL, (members + 31) / 32 * 32));
}

NvrtcSource de_program_source(const GeneratedLaw& law, int block_threads) {
  return NvrtcSource{"slfit_de.cu",
                     "#define SLFIT_DE_THREADS " + std::to_string(block_threads) +
                         "\n#include \"slfit/philox.hpp\"\n#include \"de_params.h\"\n#include \"slfit_law.cuh\"\n"
                         "#include \"de_kernel.cuh\"\n",
                     {{"slfit/philox.hpp", embedded("slfit/philox.hpp")},
                      {"de_params.h", embedded("de_params.h")},
                      {"slfit_law.cuh", law.source},
                      {"de_kernel.cuh", embedded("de_kernel.cuh")}}};
}

LawProgram::LawProgram(const CompiledLaw& compiled, const ObjectiveSpec& objective, const DEOptions& de,
                       const CudaDevice& device, const NvrtcCompiler& compiler)
    : law_(generate_cuda_law(compiled, objective)) {
  if (!device.usable) throw std::runtime_error("CUDA: " + device.reason);
  if (law_.num_params < 1 || law_.num_params > 512)
    throw std::invalid_argument("the CUDA backend needs 1 to 512 parameters");
  block_threads_ = de_block_threads(de, law_.num_params);
  cubin_ = compiler.compile(de_program_source(law_, block_threads_), device.arch);
  const auto start = std::chrono::steady_clock::now();
  cuda::check(cudaSetDevice(0), "cudaSetDevice");
  cuda::check(cudaLibraryLoadData(&library_, cubin_.image.data(), nullptr, nullptr, 0, nullptr, nullptr, 0),
              "cudaLibraryLoadData (the law's CUBIN)");
  load_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

LawProgram::~LawProgram() {
  if (library_) cudaLibraryUnload(library_);
}

const void* LawProgram::kernel(const std::string& name) const {
  cudaKernel_t k = nullptr;
  cuda::check(cudaLibraryGetKernel(&k, library_, name.c_str()), "cudaLibraryGetKernel " + name);
  return reinterpret_cast<const void*>(k);
}

}  // namespace slfit
