#include "cuda/law_program.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "../../kernels/de_params.h"
#include "cuda/cuda_check.hpp"
#include "cuda/jit_link.hpp"
#include "optim/differential_evolution.hpp"

namespace slfit {
namespace detail {
const std::map<std::string, std::string>& embedded_kernel_sources();  // cmake/embed_kernels.cmake
}

const std::string& embedded_kernel_file(const std::string& name) {
  const auto& files = detail::embedded_kernel_sources();
  const auto found = files.find(name);
  if (found == files.end()) throw std::logic_error("slfit: no embedded kernel file '" + name + "'");
  return found->second;
}

namespace {
const std::string& embedded(const std::string& name) { return embedded_kernel_file(name); }
}  // namespace

int de_block_threads(const DEOptions& de, int num_params) {
  const int members = de_population_size(de, num_params);
  return std::min(slfit_kernel::kMaxBlockThreads, (members + 31) / 32 * 32);
}

NvrtcSource kernel_module_source() {
  return NvrtcSource{"slfit_kernels.cu",
                     "#include \"de_steps.hpp\"\n#include \"de_params.h\"\n#include \"law_interface.h\"\n"
                     "#include \"block_reduce.cuh\"\n#include \"de_kernel.cuh\"\n",
                     {{"slfit/host_device.hpp", embedded("slfit/host_device.hpp")},
                      {"slfit/philox.hpp", embedded("slfit/philox.hpp")},
                      {"de_steps.hpp", embedded("de_steps.hpp")},
                      {"de_params.h", embedded("de_params.h")},
                      {"law_interface.h", embedded("law_interface.h")},
                      {"block_reduce.cuh", embedded("block_reduce.cuh")},
                      {"de_kernel.cuh", embedded("de_kernel.cuh")}},
                     true};
}

NvrtcSource law_module_source(const GeneratedLaw& law) {
  // A separable law's module computes the projected objective over its parts (projected_energy.cuh,
  // which solves the linear parameters with bounded_quadratic.hpp); the others, the law's own
  // objective (law_entry.cuh).
  const std::string entry = law.separable ? "projected_energy.cuh" : "law_entry.cuh";
  NvrtcSource source{"slfit_law.cu",
                     "#include \"de_steps.hpp\"\n#include \"law_interface.h\"\n#include \"loss_terms.hpp\"\n",
                     {{"slfit/host_device.hpp", embedded("slfit/host_device.hpp")},
                      {"slfit/philox.hpp", embedded("slfit/philox.hpp")},
                      {"de_steps.hpp", embedded("de_steps.hpp")},
                      {"loss_terms.hpp", embedded("loss_terms.hpp")},
                      {"law_interface.h", embedded("law_interface.h")},
                      {"slfit_law.cuh", law.source},
                      {entry, embedded(entry)}},
                     true};
  if (law.separable) {
    source.text += "#include \"bounded_quadratic.hpp\"\n";
    source.headers.emplace_back("bounded_quadratic.hpp", embedded("bounded_quadratic.hpp"));
  }
  source.text += "#include \"slfit_law.cuh\"\n#include \"" + entry + "\"\n";
  return source;
}

namespace {

// The kernel module for an architecture, compiled (or read from the cache) once per process and
// compiler cache directory: every law of a run links against the same image.
const Cubin& kernel_module(const NvrtcCompiler& compiler, const std::string& arch) {
  static std::mutex mutex;
  static std::map<std::pair<std::filesystem::path, std::string>, Cubin> modules;
  const std::lock_guard lock(mutex);
  const auto key = std::pair(compiler.cache_directory(), arch);
  auto it = modules.find(key);
  if (it == modules.end()) it = modules.emplace(key, compiler.compile(kernel_module_source(), arch)).first;
  return it->second;
}

}  // namespace

Cubin build_law_program(const GeneratedLaw& law, const std::string& arch, const NvrtcCompiler& compiler) {
  const auto start = std::chrono::steady_clock::now();
  const Cubin& kernels = kernel_module(compiler, arch);
  const Cubin own = compiler.compile(law_module_source(law), arch);
  Cubin out;
  out.image = link_cubins({{"slfit_kernels.cu", &kernels.image}, {"slfit_law.cu", &own.image}}, arch);
  out.from_cache = own.from_cache;
  out.key = own.key;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

LawProgram::LawProgram(const CompiledLaw& compiled, const ObjectiveSpec& objective, const DEOptions& de,
                       const CudaDevice& device, const NvrtcCompiler& compiler)
    : LawProgram(generate_cuda_law(compiled, objective), de, device, compiler) {}

LawProgram::LawProgram(GeneratedLaw law, const DEOptions& de, const CudaDevice& device, const NvrtcCompiler& compiler)
    : law_(std::move(law)) {
  if (!device.usable) throw std::runtime_error("CUDA: " + device.reason);
  if (law_.num_params < 1 || law_.num_params > 512)
    throw std::invalid_argument("the CUDA backend needs 1 to 512 parameters");
  block_threads_ = de_block_threads(de, law_.searched_params);
  cubin_ = build_law_program(law_, device.arch, compiler);
  const auto start = std::chrono::steady_clock::now();
  cuda::check(cudaSetDevice(device.index), "cudaSetDevice " + std::to_string(device.index));
  cuda::check(cudaLibraryLoadData(&library_, cubin_.image.data(), nullptr, nullptr, 0, nullptr, nullptr, 0),
              "cudaLibraryLoadData (the law's CUBIN)");
  load_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

LawProgram::~LawProgram() {
  if (library_) cudaLibraryUnload(library_);
}

ProgramKernel LawProgram::kernel(const std::string& name) const {
  cudaKernel_t k = nullptr;
  cuda::check(cudaLibraryGetKernel(&k, library_, name.c_str()), "cudaLibraryGetKernel " + name);
  ProgramKernel out;
  out.handle = reinterpret_cast<const void*>(k);
  out.name = name;
  // cudaFuncGetAttributes takes a cudaKernel_t cast to a function pointer (cuda_runtime_api.h).
  cudaFuncAttributes attributes{};
  cuda::check(cudaFuncGetAttributes(&attributes, out.handle), "cudaFuncGetAttributes " + name);
  out.static_shared = attributes.sharedSizeBytes;
  out.registers = attributes.numRegs;
  return out;
}

}  // namespace slfit
