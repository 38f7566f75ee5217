#pragma once
// Many Philox4x32-10 blocks under one key at once (the DE's trials of a whole generation), in the
// CPU's widest vectors (simd/kernels.hpp): each block the bits slfit/philox.hpp's philox4x32_10
// gives it. Structure of arrays: word w of block i is counters[w * n + i], and likewise in out.

#include <cstddef>
#include <cstdint>

namespace slfit {

void philox_blocks(const std::uint32_t* counters, std::size_t n, std::uint64_t seed, std::uint32_t* out);

}  // namespace slfit
