#pragma once
// CUDA's built-ins on CPU threads, for the kernel's CPU twin: the kernel sources NVRTC compiles
// (kernels/de_kernel.cuh and a law's module, as law_program.cpp assembles them) compiled by the
// host's C++ compiler with this header force-included (-include), and run block after block,
// each block's threads as std::threads.
//
//   __syncthreads()        a std::barrier over the block's threads
//   __shfl_down_sync       a per-warp exchange between two per-warp barriers
//   __shared__             static: one object for the block (blocks run one at a time)
//   dynamic shared memory  a buffer per block (SLFIT_DYNAMIC_SHARED, de_kernel.cuh's one seam)
//   law_exp, ..., law_pow  the law's functions as the CPU backend's (law/vector_math.hpp), where
//                          the device calls CUDA's exp, ...
//
// ThreadSanitizer sees the threads, the barriers and the shared objects, so a missing barrier
// is a reported race. Defining SLFIT_TWIN_WITHOUT_BARRIERS makes __syncthreads do nothing, which
// the tests use to show that it does.

// Every standard header first: the macros below would break them (libstdc++ spells attributes
// such as __noinline__).
#include <barrier>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <math.h>  // the math functions in the global namespace, as device code calls them
#include <memory>
#include <thread>
#include <vector>

#include "law/vector_math.hpp"

// The law's functions (law/cuda_codegen.cpp's law_exp, ...) as the CPU backend computes them.
#define SLFIT_TWIN_LAW_FUNCTIONS
inline double law_exp(double a) { return slfit::vmath::exp(a); }
inline double law_log(double a) { return slfit::vmath::log(a); }
inline double law_log2(double a) { return slfit::vmath::log2(a); }
inline double law_log10(double a) { return slfit::vmath::log10(a); }
inline double law_log1p(double a) { return slfit::vmath::log1p(a); }
inline double law_sqrt(double a) { return std::sqrt(a); }
inline double law_fabs(double a) { return std::fabs(a); }
inline double law_tanh(double a) { return slfit::vmath::tanh(a); }
inline double law_sinh(double a) { return slfit::vmath::sinh(a); }
inline double law_pow(double a, double b) { return slfit::vmath::pow(a, b); }

#define __device__
#define __global__
#define __host__
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __shared__ static
#define SLFIT_DYNAMIC_SHARED(name) double* const name = slfit_twin::current_block().dynamic.data()

struct TwinDim3 {
  unsigned x = 0, y = 1, z = 1;
};
inline thread_local TwinDim3 threadIdx, blockIdx;
inline TwinDim3 blockDim, gridDim;

namespace slfit_twin {

constexpr unsigned kWarp = 32;

// One block's synchronisation and memory.
struct Block {
  explicit Block(unsigned threads, std::size_t dynamic_bytes)
      : all(threads), dynamic((dynamic_bytes + sizeof(double) - 1) / sizeof(double)), lanes(threads) {
    for (unsigned w = 0; w < (threads + kWarp - 1) / kWarp; ++w)
      warps.push_back(std::make_unique<std::barrier<>>(std::min(kWarp, threads - w * kWarp)));
  }
  std::barrier<> all;
  std::vector<std::unique_ptr<std::barrier<>>> warps;
  std::vector<double> dynamic;
  std::vector<std::uint64_t> lanes;  // each thread's value in a shuffle
};

inline Block*& current_block_pointer() {
  static Block* block = nullptr;
  return block;
}
inline Block& current_block() { return *current_block_pointer(); }

template <class T>
T shuffle_down(T value, unsigned delta) {
  static_assert(sizeof(T) <= sizeof(std::uint64_t));
  Block& b = current_block();
  const unsigned lane = threadIdx.x % kWarp, base = threadIdx.x - lane;
  std::barrier<>& warp = *b.warps[threadIdx.x / kWarp];
  std::memcpy(&b.lanes[threadIdx.x], &value, sizeof(T));
  warp.arrive_and_wait();
  T out = value;  // a source lane past the warp's end leaves the value as it is, as on the device
  if (lane + delta < kWarp && base + lane + delta < b.lanes.size())
    std::memcpy(&out, &b.lanes[base + lane + delta], sizeof(T));
  warp.arrive_and_wait();  // every lane has read before any writes the next shuffle
  return out;
}

// Runs kernel(params) on a grid of blocks, one block at a time, each on `threads` threads.
template <class Params>
void launch(void (*kernel)(Params), unsigned grid, unsigned threads, std::size_t dynamic_bytes, const Params& params) {
  gridDim.x = grid;
  blockDim.x = threads;
  for (unsigned b = 0; b < grid; ++b) {
    Block block(threads, dynamic_bytes);
    current_block_pointer() = &block;
    std::vector<std::jthread> team;
    for (unsigned t = 0; t < threads; ++t)
      team.emplace_back([&, t] {
        threadIdx.x = t;
        blockIdx.x = b;
        kernel(params);
      });
  }  // each block's threads are joined before the next block starts
  current_block_pointer() = nullptr;
}

}  // namespace slfit_twin

inline void __syncthreads() {
#ifndef SLFIT_TWIN_WITHOUT_BARRIERS
  slfit_twin::current_block().all.arrive_and_wait();
#endif
}
inline double __shfl_down_sync(unsigned, double value, unsigned delta, int = 32) {
  return slfit_twin::shuffle_down(value, delta);
}
inline int __shfl_down_sync(unsigned, int value, unsigned delta, int = 32) {
  return slfit_twin::shuffle_down(value, delta);
}
inline double __longlong_as_double(long long bits) { return std::bit_cast<double>(bits); }
