#pragma once
// Many NVRTC compiles at once: the distinct law structures of a batch (a leaderboard's formulas)
// compiled concurrently on the host's cores before the first launch. NVRTC compiles separate
// programs on separate threads safely, and each compile is single-threaded.

#include <string>
#include <vector>

#include "cuda/nvrtc_compiler.hpp"

namespace slfit {

// Compiles every source for `arch` on up to `threads` threads (<= 0: all cores), in any order;
// the result k is sources[k]'s. After a failure the threads stop taking new sources, and the
// failure of the lowest-numbered source that failed is rethrown once all have stopped.
std::vector<Cubin> compile_programs(const NvrtcCompiler& compiler, const std::vector<NvrtcSource>& sources,
                                    const std::string& arch, int threads);

}  // namespace slfit
