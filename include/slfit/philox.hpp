#pragma once
// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), written
// once for host and device code: the CPU and CUDA backends include this header and so draw the
// same numbers. Counter-based: every draw has an address, so draws can be made in any order,
// on any thread, and any one of them can be regenerated on its own.
//
// Addressing used throughout slfit:
//   key     = the 64-bit seed
//   counter = {stream low, stream high, generation, member << 12 | purpose << 8 | block}
// where a stream is one problem (a group, a resample, a restart ...), generation 0 is the
// initial population, and each block yields two doubles. A site (stream, generation, member,
// purpose) therefore holds 512 doubles, and a population may have up to 2^20 members.

#include <cstdint>

#include "slfit/host_device.hpp"

namespace slfit {

struct Philox4x32 {
  std::uint32_t v[4];
};

SLFIT_HOST_DEVICE inline Philox4x32 philox4x32_10(Philox4x32 ctr, std::uint32_t key0, std::uint32_t key1) {
  constexpr std::uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
  constexpr std::uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = static_cast<std::uint64_t>(kMul0) * ctr.v[0];
    const std::uint64_t p1 = static_cast<std::uint64_t>(kMul1) * ctr.v[2];
    const std::uint32_t hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
    const std::uint32_t hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
    ctr = Philox4x32{{hi1 ^ ctr.v[1] ^ key0, lo1, hi0 ^ ctr.v[3] ^ key1, lo0}};
    key0 += kWeyl0;
    key1 += kWeyl1;
  }
  return ctr;
}

// What a draw is for; part of its address, so that draws for different purposes never collide.
enum class DrawPurpose : std::uint32_t {
  InitOffset = 0,  // Latin hypercube: position inside a member's slice, per coordinate
  InitRank = 1,    // Latin hypercube: random keys whose ranks permute the slices, per coordinate
  Dither = 2,      // the generation's mutation factor F
  Pick = 3,        // r1, r2 and the forced crossover coordinate of a member's trial
  Crossover = 4,   // binomial crossover, per coordinate
  Repair = 5,      // redraw of a coordinate that left the unit cube, per coordinate
  Resample = 6,    // bootstrap case resampling
};

struct DrawSite {
  std::uint64_t seed;
  std::uint64_t stream;
  std::uint32_t generation;
  std::uint32_t member;      // < 2^20
  DrawPurpose purpose;
};

// The counter of the Philox block of a site that holds its draws 2 * block and 2 * block + 1
// (block < 256); the key is the site's seed.
SLFIT_HOST_DEVICE inline Philox4x32 block_counter(const DrawSite& site, std::uint32_t block) {
  return {{static_cast<std::uint32_t>(site.stream), static_cast<std::uint32_t>(site.stream >> 32), site.generation,
           (site.member << 12) | (static_cast<std::uint32_t>(site.purpose) << 8) | block}};
}

// That block.
SLFIT_HOST_DEVICE inline Philox4x32 draw_block(const DrawSite& site, std::uint32_t block) {
  return philox4x32_10(block_counter(site, block), static_cast<std::uint32_t>(site.seed),
                       static_cast<std::uint32_t>(site.seed >> 32));
}

// Half `half` (0 or 1) of a block as a uniform double in [0, 1), with 53 random bits.
SLFIT_HOST_DEVICE inline double block_uniform01(const Philox4x32& r, std::uint32_t half) {
  const std::uint32_t hi = r.v[2 * half], lo = r.v[2 * half + 1];
  const std::uint64_t bits = (static_cast<std::uint64_t>(hi) << 32 | lo) >> 11;
  return static_cast<double>(bits) * 0x1.0p-53;
}

// The index-th uniform double in [0, 1) of a site (index < 512), with 53 random bits.
SLFIT_HOST_DEVICE inline double uniform01(const DrawSite& site, std::uint32_t index) {
  return block_uniform01(draw_block(site, index >> 1), index & 1u);
}

// A uniform integer in [0, n), n >= 1, from a uniform double u in [0, 1).
SLFIT_HOST_DEVICE inline std::uint32_t scale_below(double u, std::uint32_t n) {
  const std::uint32_t k = static_cast<std::uint32_t>(u * n);
  return k < n ? k : n - 1;
}

// A uniform integer in [0, n), n >= 1, from the same address.
SLFIT_HOST_DEVICE inline std::uint32_t uniform_below(const DrawSite& site, std::uint32_t index, std::uint32_t n) {
  return scale_below(uniform01(site, index), n);
}

}  // namespace slfit
