#include "cuda/evaluation_rate.hpp"

#include <cuda_runtime.h>

#include <memory>
#include <stdexcept>

#include "../../kernels/de_params.h"
#include "cuda/cuda_check.hpp"
#include "cuda/cuda_de_program.hpp"
#include "cuda/de_chunk.hpp"
#include "cuda/device_memory.hpp"
#include "cuda/launch_context.hpp"
#include "cuda/law_program.hpp"
#include "optim/differential_evolution.hpp"
#include "slfit/philox.hpp"

namespace slfit {

using cuda::check;
using cuda::DeviceMemory;
using cuda::upload;

double cuda_evaluation_rate(std::span<const Problem> problems, const CudaDevice& device, int rounds) {
  if (problems.empty()) throw std::invalid_argument("cuda_evaluation_rate: no problems");
  if (cuda_launch_runs(problems).size() != 1)
    throw std::invalid_argument("cuda_evaluation_rate: the problems must form one launch group");
  const Problem& prototype = problems.front();
  const LawProgram program(*prototype.compiled, prototype.objective, prototype.options.de, device);
  const ProgramKernel evaluate = program.kernel("slfit_evaluate");
  GeneratedLaws laws;
  const DeChunk h = pack_de_chunk(problems, laws);
  const std::uint64_t seed = prototype.options.seed;
  const std::size_t n = problems.size(), d = program.law().num_params;
  const std::size_t members = de_population_size(prototype.options.de, static_cast<int>(d));
  std::vector<double> units(members * d);
  for (std::size_t i = 0; i < members; ++i)
    for (std::size_t j = 0; j < d; ++j)
      units[i * d + j] = uniform01({seed, 0, 0, static_cast<std::uint32_t>(i), DrawPurpose::InitOffset},
                                   static_cast<std::uint32_t>(j));
  cudaStream_t stream = nullptr;
  check(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate");
  const std::unique_ptr<CUstream_st, cudaError_t (*)(cudaStream_t)> owned_stream(stream, cudaStreamDestroy);
  DeviceMemory mem;
  slfit_kernel::EvalParams P{};
  double* data = mem.allocate<double>(h.data.size());
  long long* offset = mem.allocate<long long>(n);
  int* points = mem.allocate<int>(n);
  double* lower = mem.allocate<double>(n * d);
  double* upper = mem.allocate<double>(n * d);
  unsigned char* log_scale = mem.allocate<unsigned char>(n * d);
  double* unit = mem.allocate<double>(units.size());
  double* constants = mem.allocate<double>(h.constants.size());
  P.energy_sum = mem.allocate<double>(n * members);
  if (mem.out_of_memory()) throw std::runtime_error("CUDA: out of memory for the evaluation benchmark");
  upload(data, h.data, stream);
  upload(offset, h.offset, stream);
  upload(points, h.points, stream);
  upload(lower, h.lower, stream);
  upload(upper, h.upper, stream);
  upload(log_scale, h.log_scale, stream);
  upload(unit, units, stream);
  upload(constants, h.constants, stream);
  P = {data,
       offset,
       points,
       lower,
       upper,
       log_scale,
       unit,
       constants,
       P.energy_sum,
       static_cast<int>(n),
       static_cast<int>(d),
       static_cast<int>(program.law().columns.size()),
       static_cast<int>(program.law().constants.size()),
       static_cast<int>(members),
       rounds};
  const long long threads = static_cast<long long>(n) * members;
  void* args[] = {&P};
  const LaunchContext context{.kernel = evaluate.name,
                              .law = launch_law_names(problems),
                              .grid = static_cast<unsigned>((threads + 127) / 128),
                              .block = 128,
                              .dynamic_shared = 0,
                              .static_shared = evaluate.static_shared,
                              .registers = evaluate.registers,
                              .max_points = h.max_points,
                              .problems = n};
  auto run = [&] {
    check(cudaLaunchKernel(evaluate.handle, dim3(context.grid), dim3(context.block), args, 0, stream),
          "launching the evaluation kernel", context);
    check(cudaGetLastError(), "launching the evaluation kernel", context);
  };
  run();  // warm-up
  cudaEvent_t start, stop;
  check(cudaEventCreate(&start), "cudaEventCreate");
  check(cudaEventCreate(&stop), "cudaEventCreate");
  check(cudaEventRecord(start, stream), "cudaEventRecord");
  run();
  check(cudaEventRecord(stop, stream), "cudaEventRecord");
  check(cudaEventSynchronize(stop), "running the evaluation kernel", context);
  float ms = 0;
  check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return static_cast<double>(threads) * rounds / (ms * 1e-3);
}

}  // namespace slfit
