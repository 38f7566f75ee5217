#include "cuda/nvrtc_batch.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>

#include "slfit/fit.hpp"

namespace slfit {

std::vector<Cubin> compile_programs(const NvrtcCompiler& compiler, const std::vector<NvrtcSource>& sources,
                                    const std::string& arch, int threads) {
  std::vector<Cubin> out(sources.size());
  const auto cores = static_cast<std::size_t>(thread_count(threads));
  const std::size_t workers = std::min(cores, sources.size());
  std::atomic<std::size_t> next{0};
  std::vector<std::exception_ptr> failures(sources.size());
  auto work = [&] {
    for (std::size_t k = next++; k < sources.size(); k = next++) {
      try {
        out[k] = compiler.compile(sources[k], arch);
      } catch (...) {
        failures[k] = std::current_exception();
        next = sources.size();  // the others stop after their current compile
      }
    }
  };
  std::vector<std::jthread> pool;
  for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  pool.clear();  // joins
  // The failure of the first source that failed, whichever thread saw it first.
  for (const std::exception_ptr& failure : failures)
    if (failure) std::rethrow_exception(failure);
  return out;
}

}  // namespace slfit
