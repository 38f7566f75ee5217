#include "cuda/cuda_surface.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "../../kernels/de_params.h"
#include "cuda/cuda_check.hpp"
#include "cuda/cuda_device.hpp"
#include "cuda/device_memory.hpp"
#include "cuda/launch_context.hpp"
#include "cuda/law_program.hpp"

namespace slfit {
namespace {

constexpr unsigned kThreads = 256;
// Parameter vectors per launch: bounds the device memory a grid takes, whatever its size.
constexpr std::size_t kVectorsPerLaunch = std::size_t{1} << 22;

std::vector<double> values_on_device(const LawProgram& program, const Problem& p, const std::vector<double>& points) {
  const GeneratedLaw& law = program.law();
  const std::size_t d = static_cast<std::size_t>(law.num_params);
  const std::size_t count = points.size() / d;
  std::vector<double> data = device_columns(*p.compiled, p.objective, law.columns, *p.data);
  const std::vector<double> observed = device_observed(p.objective, *p.data);
  data.insert(data.end(), observed.begin(), observed.end());

  cuda::DeviceMemory memory;
  double* device_data = memory.allocate<double>(data.size());
  const std::size_t per_launch = std::min(count, kVectorsPerLaunch);
  double* device_params = memory.allocate<double>(per_launch * d);
  double* device_values = memory.allocate<double>(per_launch);
  double* device_constants = memory.allocate<double>(law.constants.size());
  if (memory.out_of_memory()) throw std::runtime_error("CUDA: out of device memory for the surface");
  cuda::upload(device_data, data, nullptr);
  cuda::upload(device_constants, law.constants, nullptr);

  std::vector<double> values(count);
  const ProgramKernel kernel = program.kernel("slfit_objective");
  for (std::size_t begin = 0; begin < count; begin += per_launch) {
    const std::size_t n = std::min(per_launch, count - begin);
    cuda::check(cudaMemcpy(device_params, points.data() + begin * d, n * d * sizeof(double), cudaMemcpyHostToDevice),
                "cudaMemcpy (surface parameters)");
    slfit_kernel::ObjectiveParams P{device_data,   static_cast<int>(p.data->size()),
                                    device_params, device_constants,
                                    device_values, static_cast<long long>(n),
                                    static_cast<int>(d), static_cast<int>(law.columns.size())};
    void* args[] = {&P};
    // One problem; a thread per parameter vector.
    const LaunchContext context{.kernel = kernel.name,
                                .law = launch_law_names(std::span<const Problem>(&p, 1)),
                                .grid = static_cast<unsigned>((n + kThreads - 1) / kThreads),
                                .block = kThreads,
                                .dynamic_shared = 0,
                                .static_shared = kernel.static_shared,
                                .registers = kernel.registers,
                                .max_points = static_cast<int>(p.data->size()),
                                .problems = 1};
    cuda::check(cudaLaunchKernel(kernel.handle, dim3(context.grid), dim3(context.block), args, 0, nullptr),
                "launching the objective kernel", context);
    cuda::check(cudaGetLastError(), "launching the objective kernel", context);
    cuda::check(cudaMemcpy(values.data() + begin, device_values, n * sizeof(double), cudaMemcpyDeviceToHost),
                "running the objective kernel", context);
  }
  return values;
}

}  // namespace

std::vector<std::vector<double>> cuda_objective_values(const CudaDevice& device, std::span<const Problem> problems,
                                                       const std::vector<std::vector<double>>& points) {
  if (!device.usable) throw std::runtime_error("CUDA: " + device.reason);
  std::vector<std::vector<double>> values;
  std::unique_ptr<LawProgram> program;
  const Problem* compiled_for = nullptr;
  for (std::size_t i = 0; i < problems.size(); ++i) {
    const Problem& p = problems[i];
    const bool same = compiled_for && compiled_for->compiled == p.compiled && compiled_for->objective == p.objective;
    if (!same) {
      // The DE options only pick the DE kernel's block size: with the problem's own, the
      // program is the one its fit compiled (one cache entry).
      program = std::make_unique<LawProgram>(*p.compiled, p.objective, p.options.de, device);
      compiled_for = &p;
    }
    values.push_back(values_on_device(*program, p, points[i]));
  }
  return values;
}

}  // namespace slfit
