#include "cuda/cuda_backend.hpp"

#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

#include "../../kernels/de_params.h"
#include "cuda/cuda_check.hpp"
#include "cuda/de_chunk.hpp"
#include "cuda/device_memory.hpp"
#include "cuda/launch_context.hpp"
#include "cuda/nvrtc_batch.hpp"
#include "cuda/shared_memory_plan.hpp"
#include "engine/batch_guard.hpp"
#include "engine/pipeline.hpp"
#include "slfit/philox.hpp"

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
using LaunchKey = std::tuple<std::size_t, std::uint64_t, int, int, double, double, double, double, double>;

LaunchKey launch_key(const Problem& p, GeneratedLaws& laws) {
  const DEOptions& de = p.options.de;
  return {laws.of(p).source_id, p.options.seed, de.popsize,      de.maxiter,      de.tol,
          de.atol,              de.mutation_min, de.mutation_max, de.recombination};
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

namespace {

// The law names of a launch's problems for its error messages: variants of one formula share a
// launch, so there can be several; the first three distinct ones, then how many more.
std::string law_names(std::span<const Problem> problems) {
  std::vector<std::string> names;
  for (const Problem& p : problems) {
    const std::string name = p.law ? p.law->name : "(unnamed)";
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::string out;
  for (std::size_t i = 0; i < std::min<std::size_t>(3, names.size()); ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > 3) out += " and " + std::to_string(names.size() - 3) + " more";
  return out;
}

}  // namespace

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
  std::size_t population_doubles() const { return de_population_doubles(members, law().num_params); }
  std::size_t shared_bytes(int max_points) const {
    return de_shared_bytes(members, law().num_params, law().columns.size(), max_points);
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
  const long long members =
      std::max(5LL, static_cast<long long>(m.options.popsize) * prototype.compiled->num_params);
  if (members > (1 << 20))
    throw std::invalid_argument("differential evolution: population exceeds the limit of 2^20 members");
  m.members = static_cast<int>(members);
  m.program =
      std::make_unique<LawProgram>(*prototype.compiled, prototype.objective, prototype.options.de, device, compiler);
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

const BatchTiming& CudaDifferentialEvolution::timing() const { return impl_->timing; }

const Cubin& CudaDifferentialEvolution::cubin() const { return impl_->program->cubin(); }

std::size_t CudaDifferentialEvolution::chunk_capacity(std::span<const Problem> problems) const {
  const Impl& m = *impl_;
  std::size_t free = 0, total = 0;
  check(cudaMemGetInfo(&free, &total), "cudaMemGetInfo");
  std::size_t max_points = 1;
  for (const Problem& p : problems) max_points = std::max(max_points, p.data->size());
  const std::size_t d = m.law().num_params;
  std::size_t bytes = sizeof(double) * ((m.law().columns.size() + 1) * max_points + 3 * d + 1) +
                      sizeof(long long) * 2 + sizeof(int) * 3 + sizeof(unsigned long long);
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
  const std::size_t n = chunk.size(), d = m.law().num_params;
  const SharedMemoryPlan shared = m.shared_memory(m.host.max_points);
  const bool in_shared = shared.in_shared;

  DeviceMemory& mem = m.memory;
  slfit_kernel::DeParams& P = m.params;
  double* data = mem.allocate<double>(m.host.data.size());
  long long* offset = mem.allocate<long long>(n);
  int* points = mem.allocate<int>(n);
  double* lower = mem.allocate<double>(n * d);
  double* upper = mem.allocate<double>(n * d);
  unsigned long long* stream = mem.allocate<unsigned long long>(n);
  double* constants = mem.allocate<double>(m.host.constants.size());
  P.scratch = in_shared ? nullptr : mem.allocate<double>(2 * m.population_doubles() * n);
  P.best = mem.allocate<double>(n * d);
  P.best_energy = mem.allocate<double>(n);
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
  upload(stream, m.host.stream, m.stream);
  upload(constants, m.host.constants, m.stream);
  P.data = data;
  P.data_offset = offset;
  P.points = points;
  P.lower = lower;
  P.upper = upper;
  P.stream = stream;
  P.constants = constants;
  P.problems = static_cast<int>(n);
  P.num_params = static_cast<int>(d);
  P.columns = static_cast<int>(m.law().columns.size());
  P.num_constants = static_cast<int>(m.law().constants.size());
  P.members = m.members;
  P.maxiter = m.options.maxiter;
  P.in_shared = in_shared ? 1 : 0;
  P.seed = m.seed;
  P.tol = m.options.tol;
  P.atol = m.options.atol;
  P.mutation_min = m.options.mutation_min;
  P.mutation_max = m.options.mutation_max;
  P.recombination = m.options.recombination;

  const LaunchContext context{.kernel = m.de.name,
                              .law = law_names(chunk),
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
  const std::size_t n = m.count, d = m.law().num_params;
  m.count = 0;
  check(cudaStreamSynchronize(m.stream), "running the DE kernel", m.launched);
  float upload_ms = 0, kernel_ms = 0;
  check(cudaEventElapsedTime(&upload_ms, m.before_upload, m.before_kernel), "cudaEventElapsedTime");
  check(cudaEventElapsedTime(&kernel_ms, m.before_kernel, m.after_kernel), "cudaEventElapsedTime");
  m.timing.upload += upload_ms * 1e-3;
  m.timing.de += kernel_ms * 1e-3;
  const auto download_start = std::chrono::steady_clock::now();
  std::vector<double> best(n * d), best_energy(n);
  std::vector<int> generations(n), converged(n);
  std::vector<long long> evaluations(n);
  download(best, m.params.best);
  download(best_energy, m.params.best_energy);
  download(generations, m.params.generations);
  download(evaluations, m.params.evaluations);
  download(converged, m.params.converged);
  m.timing.download += std::chrono::duration<double>(std::chrono::steady_clock::now() - download_start).count();
  m.memory.release();
  std::vector<DEOutcome> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    out[i].best.assign(best.begin() + i * d, best.begin() + (i + 1) * d);
    out[i].best_energy = best_energy[i];
    out[i].generations = generations[i];
    out[i].evaluations = evaluations[i];
    out[i].converged = converged[i] != 0;
  }
  return out;
}

double CudaDifferentialEvolution::evaluate_only_rate(std::span<const Problem> problems, int rounds) {
  Impl& m = *impl_;
  m.require_uniform(problems);
  const DeChunk h = pack_de_chunk(problems, m.laws);
  const std::size_t n = problems.size(), d = m.law().num_params, members = m.members;
  std::vector<double> units(members * d);
  for (std::size_t i = 0; i < members; ++i)
    for (std::size_t j = 0; j < d; ++j)
      units[i * d + j] = uniform01({m.seed, 0, 0, static_cast<std::uint32_t>(i), DrawPurpose::InitOffset},
                                   static_cast<std::uint32_t>(j));
  DeviceMemory mem;
  slfit_kernel::EvalParams P{};
  double* data = mem.allocate<double>(h.data.size());
  long long* offset = mem.allocate<long long>(n);
  int* points = mem.allocate<int>(n);
  double* lower = mem.allocate<double>(n * d);
  double* upper = mem.allocate<double>(n * d);
  double* unit = mem.allocate<double>(units.size());
  double* constants = mem.allocate<double>(h.constants.size());
  P.energy_sum = mem.allocate<double>(n * members);
  if (mem.out_of_memory()) throw std::runtime_error("CUDA: out of memory for the evaluation benchmark");
  upload(data, h.data, m.stream);
  upload(offset, h.offset, m.stream);
  upload(points, h.points, m.stream);
  upload(lower, h.lower, m.stream);
  upload(upper, h.upper, m.stream);
  upload(unit, units, m.stream);
  upload(constants, h.constants, m.stream);
  P = {data, offset, points, lower, upper, unit, constants, P.energy_sum, static_cast<int>(n), static_cast<int>(d),
       static_cast<int>(m.law().columns.size()), static_cast<int>(m.law().constants.size()), static_cast<int>(members),
       rounds};
  const long long threads = static_cast<long long>(n) * members;
  void* args[] = {&P};
  const LaunchContext context{.kernel = m.evaluate.name,
                              .law = law_names(problems),
                              .grid = static_cast<unsigned>((threads + 127) / 128),
                              .block = 128,
                              .dynamic_shared = 0,
                              .static_shared = m.evaluate.static_shared,
                              .registers = m.evaluate.registers,
                              .max_points = h.max_points,
                              .problems = n};
  auto run = [&] {
    check(cudaLaunchKernel(m.evaluate.handle, dim3(context.grid), dim3(context.block), args, 0, m.stream),
          "launching the evaluation kernel", context);
    check(cudaGetLastError(), "launching the evaluation kernel", context);
  };
  run();  // warm-up
  cudaEvent_t start, stop;
  check(cudaEventCreate(&start), "cudaEventCreate");
  check(cudaEventCreate(&stop), "cudaEventCreate");
  check(cudaEventRecord(start, m.stream), "cudaEventRecord");
  run();
  check(cudaEventRecord(stop, m.stream), "cudaEventRecord");
  check(cudaEventSynchronize(stop), "running the evaluation kernel", context);
  float ms = 0;
  check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return static_cast<double>(threads) * rounds / (ms * 1e-3);
}

namespace {

// Runs the DE of every problem chunk by chunk; after each launch, `between(range)` runs on the
// host with the previous chunk's outcomes while the device works.
template <class Between>
void run_chunks(CudaDifferentialEvolution& de, std::span<const Problem> problems, Between between) {
  std::size_t chunk = de.chunk_capacity(problems);
  std::size_t next = 0, previous_begin = 0;
  std::vector<DEOutcome> previous;
  while (next < problems.size() || !previous.empty()) {
    bool launched = false;
    std::size_t begin = next;
    while (next < problems.size()) {
      const std::size_t count = std::min(chunk, problems.size() - next);
      if (de.launch(problems.subspan(next, count))) {
        next += count;
        launched = true;
        break;
      }
      if (chunk == 1) throw std::runtime_error("CUDA: out of device memory for a single problem");
      chunk = std::max<std::size_t>(1, chunk / 2);  // an allocation failure halves the chunk
    }
    if (!previous.empty()) between(previous_begin, previous);
    previous.clear();
    if (launched) {
      previous = de.collect();
      previous_begin = begin;
    }
  }
}

}  // namespace

std::vector<DEOutcome> cuda_differential_evolution(std::span<const Problem> problems, const CudaDevice& device) {
  std::vector<DEOutcome> out(problems.size());
  if (problems.empty()) return out;
  CudaDifferentialEvolution de(problems.front(), device);
  run_chunks(de, problems, [&](std::size_t begin, std::vector<DEOutcome>& outcomes) {
    std::move(outcomes.begin(), outcomes.end(), out.begin() + static_cast<std::ptrdiff_t>(begin));
  });
  return out;
}

namespace {

// One run of problems that share a launch: DE on the GPU chunk by chunk, each chunk refined on
// the host's cores while the GPU works on the next.
std::vector<FitResult> fit_uniform_run_cuda(std::span<const Problem> problems, const BatchOptions& batch,
                                            const CudaDevice& device) {
  std::vector<FitResult> results(problems.size());
  if (batch.failures) batch.failures->assign(problems.size(), nullptr);
  CudaDifferentialEvolution de(problems.front(), device);
  const int threads = thread_count(batch.threads);
  std::exception_ptr failure;
  double refine = 0.0;
  run_chunks(de, problems, [&](std::size_t begin, const std::vector<DEOutcome>& outcomes) {
    const auto start = std::chrono::steady_clock::now();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (std::size_t k = 0; k < outcomes.size(); ++k) {
      const std::size_t i = begin + k;
      fit_guarded(i, batch, failure, [&] { results[i] = fit_problem_from_de(problems[i], outcomes[k]); });
    }
    refine += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  });
  if (batch.timing) {
    const BatchTiming& t = de.timing();
    batch.timing->compile += t.compile;
    batch.timing->upload += t.upload;
    batch.timing->de += t.de;
    batch.timing->download += t.download;
    batch.timing->refine += refine;
  }
  if (failure) std::rethrow_exception(failure);
  return results;
}

// Compiles the law modules of a batch's distinct law structures concurrently on the host's
// cores into the NVRTC cache, so that each run, which loads its program when its turn comes,
// reads its module from there (a leaderboard of many formulas would otherwise compile them one
// after another). Without a cache directory there is nowhere to keep them, and nothing is done.
// Failures are left for the run concerned to meet and report.
void precompile_law_modules(std::span<const Problem> problems, const std::vector<std::vector<std::size_t>>& runs,
                            const CudaDevice& device, int threads) {
  const NvrtcCompiler compiler;
  if (runs.size() < 2 || compiler.cache_directory().empty()) return;
  GeneratedLaws laws;
  std::vector<NvrtcSource> sources;
  std::set<std::size_t> seen;
  for (const std::vector<std::size_t>& run : runs) {
    const GeneratedLaws::Entry& entry = laws.of(problems[run.front()]);
    if (seen.insert(entry.source_id).second) sources.push_back(law_module_source(entry.law));
  }
  try {
    compile_programs(compiler, sources, device.arch, threads);
  } catch (const std::exception&) {
  }
}

}  // namespace

std::vector<FitResult> fit_batch_cuda(std::span<const Problem> problems, const BatchOptions& batch,
                                      const CudaDevice& device) {
  std::vector<FitResult> results(problems.size());
  if (batch.failures) batch.failures->assign(problems.size(), nullptr);
  for (const Problem& p : problems)
    if (p.options.pipeline != Pipeline::De)
      throw std::invalid_argument("slfit: the CUDA backend runs the de pipeline only");
  const std::vector<std::vector<std::size_t>> runs = cuda_launch_runs(problems);
  precompile_law_modules(problems, runs, device, batch.threads);
  for (const std::vector<std::size_t>& run : runs)
    fit_subset(problems, run, batch, results, [&](std::span<const Problem> subset, const BatchOptions& sub) {
      return fit_uniform_run_cuda(subset, sub, device);
    });
  return results;
}

}  // namespace slfit
