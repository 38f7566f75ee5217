// JIT cost of the CUDA backend: the time to build a law's program (law_program.hpp: its module
// compiled by NVRTC and linked with the kernel module) per distinct law structure, cold (no slfit
// cache), for the first law of a process (which also pays NVRTC's start-up and the kernel
// module's compile) and for each additional one, one after another, and the law modules of all
// laws compiled concurrently on all cores. Needs no GPU.
//
//   bench_jit [--arch sm_90] [--laws N]
//
// Laws: the built-in laws, then the CUDA tests' custom formulas (tests/cuda_test_laws.hpp), each
// a distinct structure with its own objective. Prints one line per figure.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "cuda/law_program.hpp"
#include "cuda/nvrtc_batch.hpp"
#include "cuda/nvrtc_compiler.hpp"
#include "cuda_test_laws.hpp"
#include "law/cuda_codegen.hpp"
#include "slfit/law_io.hpp"
#include "slfit/objective.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace slfit;
  std::string arch = "sm_90";
  std::size_t limit = 0;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--arch") && i + 1 < argc) {
      arch = argv[++i];
    } else if (!std::strcmp(argv[i], "--laws") && i + 1 < argc) {
      limit = std::strtoul(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: bench_jit [--arch sm_NN] [--laws N]\n");
      return 2;
    }
  }

  std::vector<Law> laws;
  for (const std::string& name : builtin_law_names()) laws.push_back(load_law(name));
  for (Law& law : test::custom_laws()) laws.push_back(std::move(law));
  if (limit > 0 && limit < laws.size()) laws.resize(limit);
  std::vector<GeneratedLaw> generated;
  for (const Law& law : laws) generated.push_back(generate_cuda_law(*compile_law(law), law.objective));

  const NvrtcCompiler cold{std::filesystem::path()};  // no cache: every compile is a real one
  std::vector<double> each(generated.size());
  for (std::size_t k = 0; k < generated.size(); ++k) {
    const auto start = std::chrono::steady_clock::now();
    build_law_program(generated[k], arch, cold);  // the first also compiles the kernel module
    each[k] = seconds_since(start);
  }
  double additional = 0.0, worst = 0.0;
  for (std::size_t k = 1; k < each.size(); ++k) {
    additional += each[k];
    worst = std::max(worst, each[k]);
  }
  const std::size_t more = each.size() - 1;
  std::printf("arch: %s, distinct law structures: %zu\n", arch.c_str(), generated.size());
  std::printf("first law (NVRTC start-up and the kernel module included): %.3f s\n", each[0]);
  if (more > 0) std::printf("each additional law, one at a time: mean %.3f s, max %.3f s\n", additional / more, worst);

  // The law modules of all laws at once, as the CUDA runner's prepare() compiles a batch's laws, then linked.
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::vector<NvrtcSource> sources;
  for (const GeneratedLaw& law : generated) sources.push_back(law_module_source(law));
  const auto start = std::chrono::steady_clock::now();
  compile_programs(cold, sources, arch, static_cast<int>(cores));
  const double wall = seconds_since(start);
  std::printf("all %zu law modules concurrently on %u cores: %.3f s wall, %.3f s per law\n", sources.size(), cores,
              wall, wall / sources.size());
  return 0;
}
