#include "cuda/cuda_de_program.hpp"

#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>

#include "../../kernels/de_params.h"
#include "cuda/cuda_check.hpp"
#include "cuda/de_chunk.hpp"
#include "cuda/device_memory.hpp"
#include "cuda/launch_context.hpp"
#include "cuda/nvrtc_batch.hpp"
#include "cuda/shared_memory_plan.hpp"
#include "optim/de_steps.hpp"
#include "optim/differential_evolution.hpp"

namespace slfit {

using cuda::check;
using cuda::DeviceMemory;
using cuda::download;
using cuda::upload;

namespace {

// Above this much shared memory per block (the kernel's static part and the population's dynamic
// part together) the population goes to global memory: fewer resident blocks would cost more than
// the slower accesses.
constexpr std::size_t kMaxSharedBytes = 96 * 1024;

// What problems must have in common to share a launch: the generated source (the law's
// structure and the objective; the law's numbers travel per problem) and the DE options and
// seed. Laws that differ only in their numbers, a leaderboard's variants, share one launch.
using LaunchKey = std::tuple<std::size_t, std::uint64_t, int, int, double, double, double, double, double, Updating>;

LaunchKey launch_key(const Problem& p, GeneratedLaws& laws) {
  const DEOptions& de = p.options.de;
  return {laws.of(p).source_id, p.options.seed, de.popsize,      de.maxiter,      de.tol,
          de.atol,              de.mutation_min, de.mutation_max, de.recombination, de.updating};
}

}  // namespace

std::vector<std::vector<std::size_t>> cuda_launch_runs(std::span<const Problem> problems) {
  GeneratedLaws laws;
  std::map<LaunchKey, std::size_t> run_of_key;
  std::vector<std::vector<std::size_t>> runs;
  for (std::size_t i = 0; i < problems.size(); ++i) {
    const auto [it, fresh] = run_of_key.try_emplace(launch_key(problems[i], laws), runs.size());
    if (fresh) runs.emplace_back();
    runs[it->second].push_back(i);
  }
  return runs;
}

struct CudaDifferentialEvolution::Impl {
  std::unique_ptr<LawProgram> program;
  Problem prototype;
  GeneratedLaws laws;
  DEOptions options;
  std::uint64_t seed = 0;
  int members = 0;
  CudaDevice device;
  ProgramKernel de, evaluate;  // with their attributes, queried once per program
  cudaStream_t stream = nullptr;
  // Recorded around the uploads and the kernel of the chunk in flight.
  cudaEvent_t before_upload = nullptr, before_kernel = nullptr, after_kernel = nullptr;
  BatchTiming timing;

  // The chunk in flight.
  DeviceMemory memory;
  DeChunk host;
  slfit_kernel::DeParams params{};
  std::size_t count = 0;
  LaunchContext launched;  // for the errors of collect()

  const GeneratedLaw& law() const { return program->law(); }
  std::size_t population_doubles() const { return de_population_doubles(members, law().searched_params); }
  std::size_t shared_bytes(int max_points) const {
    return de_shared_bytes(members, law().searched_params, law().columns.size(), max_points);
  }
  SharedMemoryPlan shared_memory(int max_points) const {
    return plan_shared_memory(de.static_shared, shared_bytes(max_points), device.shared_per_block, kMaxSharedBytes);
  }

  // Throws std::invalid_argument unless every problem can share this program's launches.
  void require_uniform(std::span<const Problem> problems) {
    const LaunchKey key = launch_key(prototype, laws);
    for (const Problem& p : problems)
      if (launch_key(p, laws) != key)
        throw std::invalid_argument("slfit: the CUDA backend runs batches whose problems share the law's structure, "
                                    "the objective, DE options and seed");
  }
};

CudaDifferentialEvolution::CudaDifferentialEvolution(const Problem& prototype, const CudaDevice& device,
                                                     const NvrtcCompiler& compiler)
    : impl_(std::make_unique<Impl>()) {
  if (!device.usable) throw std::runtime_error("CUDA: " + device.reason);
  validate(prototype.options.de);
  Impl& m = *impl_;
  m.prototype = prototype;
  m.options = prototype.options.de;
  m.seed = prototype.options.seed;
  m.device = device;
  m.program = std::make_unique<LawProgram>(m.laws.of(prototype).law, prototype.options.de, device, compiler);
  m.members = de_population_size(m.options, m.law().searched_params);
  m.de = m.program->kernel("slfit_de");
  m.evaluate = m.program->kernel("slfit_evaluate");
  check(cudaStreamCreateWithFlags(&m.stream, cudaStreamNonBlocking), "cudaStreamCreate");
  for (cudaEvent_t* e : {&m.before_upload, &m.before_kernel, &m.after_kernel})
    check(cudaEventCreate(e), "cudaEventCreate");
  m.timing.compile = m.program->cubin().seconds + m.program->load_seconds();
}

CudaDifferentialEvolution::~CudaDifferentialEvolution() {
  impl_->memory.release();
  for (cudaEvent_t e : {impl_->before_upload, impl_->before_kernel, impl_->after_kernel})
    if (e) cudaEventDestroy(e);
  if (impl_->stream) cudaStreamDestroy(impl_->stream);
}

BatchTiming CudaDifferentialEvolution::timing() const { return impl_->timing; }

const Cubin& CudaDifferentialEvolution::cubin() const { return impl_->program->cubin(); }

std::size_t CudaDifferentialEvolution::capacity(std::span<const Problem> problems) const {
  const Impl& m = *impl_;
  std::size_t free = 0, total = 0;
  check(cudaMemGetInfo(&free, &total), "cudaMemGetInfo");
  std::size_t max_points = 1;
  for (const Problem& p : problems) max_points = std::max(max_points, p.data->size());
  const std::size_t d = m.law().searched_params;
  std::size_t bytes = sizeof(double) * ((m.law().columns.size() + 1) * max_points + (3 + de::kRunnersUp) * d + 1 +
                                        m.law().constants_per_problem()) +
                      sizeof(long long) * 2 + sizeof(int) * 4 + sizeof(unsigned long long) + d;
  if (!m.shared_memory(static_cast<int>(max_points)).in_shared)
    bytes += sizeof(double) * 2 * m.population_doubles();
  // Half the free memory, and at least four chunks for large batches, so that the host's
  // refinement of one chunk overlaps the device's DE of the next.
  const std::size_t by_memory = std::max<std::size_t>(1, free / 2 / bytes);
  const std::size_t for_overlap = std::max<std::size_t>(2048, (problems.size() + 3) / 4);
  return std::min({by_memory, for_overlap, std::size_t{1} << 20});
}

bool CudaDifferentialEvolution::launch(std::span<const Problem> chunk) {
  Impl& m = *impl_;
  if (m.count != 0) throw std::logic_error("slfit: a DE chunk is already in flight");
  m.require_uniform(chunk);
  m.host = pack_de_chunk(chunk, m.laws);
  const std::size_t n = chunk.size(), d = m.law().searched_params;
  const SharedMemoryPlan shared = m.shared_memory(m.host.max_points);
  const bool in_shared = shared.in_shared;

  DeviceMemory& mem = m.memory;
  slfit_kernel::DeParams& P = m.params;
  double* data = mem.allocate<double>(m.host.data.size());
  long long* offset = mem.allocate<long long>(n);
  int* points = mem.allocate<int>(n);
  double* lower = mem.allocate<double>(n * d);
  double* upper = mem.allocate<double>(n * d);
  unsigned char* log_scale = mem.allocate<unsigned char>(n * d);
  unsigned long long* stream = mem.allocate<unsigned long long>(n);
  double* constants = mem.allocate<double>(m.host.constants.size());
  P.scratch = in_shared ? nullptr : mem.allocate<double>(2 * m.population_doubles() * n);
  P.best = mem.allocate<double>(n * d);
  P.best_energy = mem.allocate<double>(n);
  P.runners_up = mem.allocate<double>(n * de::kRunnersUp * d);
  P.runner_count = mem.allocate<int>(n);
  P.generations = mem.allocate<int>(n);
  P.evaluations = mem.allocate<long long>(n);
  P.converged = mem.allocate<int>(n);
  if (mem.out_of_memory()) {
    mem.release();
    return false;
  }
  check(cudaEventRecord(m.before_upload, m.stream), "cudaEventRecord");
  upload(data, m.host.data, m.stream);
  upload(offset, m.host.offset, m.stream);
  upload(points, m.host.points, m.stream);
  upload(lower, m.host.lower, m.stream);
  upload(upper, m.host.upper, m.stream);
  upload(log_scale, m.host.log_scale, m.stream);
  upload(stream, m.host.stream, m.stream);
  upload(constants, m.host.constants, m.stream);
  P.data = data;
  P.data_offset = offset;
  P.points = points;
  P.lower = lower;
  P.upper = upper;
  P.log_scale = log_scale;
  P.stream = stream;
  P.constants = constants;
  P.problems = static_cast<int>(n);
  P.num_params = static_cast<int>(d);
  P.columns = static_cast<int>(m.law().columns.size());
  P.num_constants = static_cast<int>(m.law().constants_per_problem());
  P.members = m.members;
  P.maxiter = m.options.maxiter;
  P.in_shared = in_shared ? 1 : 0;
  P.immediate = m.options.updating == Updating::Immediate ? 1 : 0;
  P.seed = m.seed;
  P.tol = m.options.tol;
  P.atol = m.options.atol;
  P.mutation_min = m.options.mutation_min;
  P.mutation_max = m.options.mutation_max;
  P.recombination = m.options.recombination;

  const LaunchContext context{.kernel = m.de.name,
                              .law = launch_law_names(chunk),
                              .grid = static_cast<unsigned>(n),
                              .block = static_cast<unsigned>(m.program->block_threads()),
                              .dynamic_shared = shared.dynamic_bytes,
                              .static_shared = m.de.static_shared,
                              .registers = m.de.registers,
                              .max_points = m.host.max_points,
                              .problems = n};
  if (shared.opt_in_bytes > 0)
    check(cudaFuncSetAttribute(m.de.handle, cudaFuncAttributeMaxDynamicSharedMemorySize,
                               static_cast<int>(shared.opt_in_bytes)),
          "cudaFuncSetAttribute (dynamic shared memory)", context);
  void* args[] = {&P};
  check(cudaEventRecord(m.before_kernel, m.stream), "cudaEventRecord");
  check(cudaLaunchKernel(m.de.handle, dim3(context.grid), dim3(context.block), args, shared.dynamic_bytes, m.stream),
        "launching the DE kernel", context);
  check(cudaGetLastError(), "launching the DE kernel", context);
  check(cudaEventRecord(m.after_kernel, m.stream), "cudaEventRecord", context);
  m.count = n;
  m.launched = context;
  return true;
}

std::vector<DEOutcome> CudaDifferentialEvolution::collect() {
  Impl& m = *impl_;
  if (m.count == 0) throw std::logic_error("slfit: no DE chunk in flight");
  const std::size_t n = m.count, d = m.law().searched_params;
  m.count = 0;
  check(cudaStreamSynchronize(m.stream), "running the DE kernel", m.launched);
  float upload_ms = 0, kernel_ms = 0;
  check(cudaEventElapsedTime(&upload_ms, m.before_upload, m.before_kernel), "cudaEventElapsedTime");
  check(cudaEventElapsedTime(&kernel_ms, m.before_kernel, m.after_kernel), "cudaEventElapsedTime");
  m.timing.upload += upload_ms * 1e-3;
  m.timing.de += kernel_ms * 1e-3;
  const auto download_start = std::chrono::steady_clock::now();
  std::vector<double> best(n * d), best_energy(n), runners_up(n * de::kRunnersUp * d);
  std::vector<int> generations(n), converged(n), runner_count(n);
  std::vector<long long> evaluations(n);
  download(best, m.params.best);
  download(best_energy, m.params.best_energy);
  download(runners_up, m.params.runners_up);
  download(runner_count, m.params.runner_count);
  download(generations, m.params.generations);
  download(evaluations, m.params.evaluations);
  download(converged, m.params.converged);
  m.timing.download += std::chrono::duration<double>(std::chrono::steady_clock::now() - download_start).count();
  m.memory.release();
  std::vector<DEOutcome> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    out[i].best.assign(best.begin() + i * d, best.begin() + (i + 1) * d);
    out[i].best_energy = best_energy[i];
    for (int r = 0; r < runner_count[i]; ++r) {
      const auto first = runners_up.begin() + static_cast<long>((i * de::kRunnersUp + r) * d);
      out[i].runners_up.emplace_back(first, first + static_cast<long>(d));
    }
    out[i].generations = generations[i];
    out[i].evaluations = evaluations[i];
    out[i].converged = converged[i] != 0;
  }
  return out;
}

}  // namespace slfit
