#include "optim/philox_blocks.hpp"

#include "slfit/philox.hpp"

#include "simd/kernels.hpp"

namespace slfit {

void philox_blocks(const std::uint32_t* counters, std::size_t n, std::uint64_t seed, std::uint32_t* out) {
  const auto key0 = static_cast<std::uint32_t>(seed), key1 = static_cast<std::uint32_t>(seed >> 32);
#if SLFIT_SIMD_TABLES
  const std::size_t vectors_done = simd::kernels().philox_blocks(counters, n, key0, key1, out);
#else
  const std::size_t vectors_done = 0;
#endif
  for (std::size_t i = vectors_done; i < n; ++i) {  // the tail past the last whole vector
    const Philox4x32 block =
        philox4x32_10({{counters[i], counters[n + i], counters[2 * n + i], counters[3 * n + i]}}, key0, key1);
    for (std::size_t w = 0; w < 4; ++w) out[w * n + i] = block.v[w];
  }
}

}  // namespace slfit
