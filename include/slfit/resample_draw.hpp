#pragma once
// The addresses of bootstrap draws, written once for host and device code so that the CPU and
// the CUDA backend draw the same resamples, and any one replicate can be regenerated alone.
//
// Replicate r of group g (both counted from 0) is the problem stream
//     replicate_stream(g, r) = (g + 1) << 32 | r              (r < 2^31)
// and its leave-one-out fit without row i (BCa's jackknife) is the stream
//     jackknife_stream(g, i) = (g + 1) << 32 | 2^31 | i       (i < 2^31).
// Full-data fits use stream g (< 2^32), so no bootstrap stream equals one of them. A resample's
// fit draws its DE numbers from its own stream as well; those purposes never collide with
// DrawPurpose::Resample.
//
// Within replicate r the rows of each stratum s (strata numbered in order of first appearance in
// the group; without --stratify the group is one stratum) are drawn with replacement: the k-th
// row of stratum s is position
//     uniform_below(site, k mod 512, n_s),  site = {seed, replicate_stream(g, r), k / 512, s, Resample}
// in the stratum's list of rows (kept in file order). The generation field thus pages through
// the draws of a site 512 at a time, and the member field is the stratum (< 2^20).

#include <cstdint>

#include "slfit/philox.hpp"

namespace slfit {

constexpr std::uint32_t kResampleSiteDraws = 512;        // doubles per Philox site
constexpr std::uint64_t kJackknifeStreamFlag = 1ull << 31;

SLFIT_HOST_DEVICE inline std::uint64_t replicate_stream(std::uint32_t group, std::uint32_t replicate) {
  return (static_cast<std::uint64_t>(group) + 1) << 32 | replicate;
}

SLFIT_HOST_DEVICE inline std::uint64_t jackknife_stream(std::uint32_t group, std::uint32_t left_out_row) {
  return (static_cast<std::uint64_t>(group) + 1) << 32 | kJackknifeStreamFlag | left_out_row;
}

// Position (in [0, stratum_size)) within its stratum's row list of the k-th row that replicate
// `replicate` of group `group` draws from stratum `stratum`.
SLFIT_HOST_DEVICE inline std::uint32_t resample_draw(std::uint64_t seed, std::uint32_t group, std::uint32_t replicate,
                                                     std::uint32_t stratum, std::uint32_t k,
                                                     std::uint32_t stratum_size) {
  const DrawSite site{seed, replicate_stream(group, replicate), k / kResampleSiteDraws, stratum, DrawPurpose::Resample};
  return uniform_below(site, k % kResampleSiteDraws, stratum_size);
}

}  // namespace slfit
