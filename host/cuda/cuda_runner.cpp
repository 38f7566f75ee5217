// The CUDA backend as the engine sees it: a DeRunner (slfit/de_runner.hpp) over one device. Its
// programs are CudaDifferentialEvolution (cuda/cuda_de_program.hpp); the batch loop is the
// engine's (fit_batch_on_runner).

#include <set>

#include "cuda/cuda_de_program.hpp"
#include "cuda/cuda_device.hpp"
#include "cuda/cuda_surface.hpp"
#include "cuda/de_chunk.hpp"
#include "cuda/law_program.hpp"
#include "cuda/nvrtc_batch.hpp"
#include "cuda/nvrtc_compiler.hpp"
#include "slfit/de_runner.hpp"

namespace slfit {
namespace {

class CudaRunner final : public DeRunner {
 public:
  explicit CudaRunner(CudaDevice device) : device_(std::move(device)) {}

  std::string description() const override { return device_.name + ", " + device_.arch; }

  std::vector<std::vector<std::size_t>> launch_groups(std::span<const Problem> problems) const override {
    return cuda_launch_runs(problems);
  }

  // Compiles the law modules of the batch's distinct law structures concurrently on the host's
  // cores into the NVRTC cache, so that each group, which loads its program when its turn comes,
  // reads its module from there (a leaderboard of many formulas would otherwise compile them one
  // after another). Without a cache directory there is nowhere to keep them, and nothing is done.
  void prepare(std::span<const Problem> problems, std::span<const std::vector<std::size_t>> groups,
               int threads) override {
    const NvrtcCompiler compiler;
    if (groups.size() < 2 || compiler.cache_directory().empty()) return;
    GeneratedLaws laws;
    std::vector<NvrtcSource> sources;
    std::set<std::size_t> seen;
    for (const std::vector<std::size_t>& group : groups) {
      const GeneratedLaws::Entry& entry = laws.of(problems[group.front()]);
      if (seen.insert(entry.source_id).second) sources.push_back(law_module_source(entry.law));
    }
    try {
      compile_programs(compiler, sources, device_.arch, threads);
    } catch (const std::exception&) {
      // open() compiles the failing module again and reports its error with the group's context.
    }
  }

  std::unique_ptr<DeProgram> open(const Problem& prototype) override {
    return std::make_unique<CudaDifferentialEvolution>(prototype, device_);
  }

  std::vector<std::vector<double>> objective_values(std::span<const Problem> problems,
                                                    const std::vector<std::vector<double>>& points) override {
    return cuda_objective_values(device_, problems, points);
  }

 private:
  CudaDevice device_;
};

}  // namespace

RunnerProbe open_cuda_runner(int device_index) {
  CudaDevice device = probe_cuda_device(device_index);
  if (!device.usable) return {nullptr, device.reason};
  device_register_cap();  // a bad SLFIT_CUDA_MAX_REGISTERS fails before any work, not in a compile
  return {std::make_unique<CudaRunner>(std::move(device)), {}};
}

bool cuda_backend_built() { return true; }

}  // namespace slfit
