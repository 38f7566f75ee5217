// Block-wide reductions for the DE kernel, in one fixed order: within each warp a shuffle tree
// (offsets 16, 8, 4, 2, 1: lane 0 folds lanes in pairs), then the warps' partial results folded
// in warp order by every thread. Every thread returns the same value, so no broadcast follows.
//
// Written here rather than taken from CUB: NVRTC spends about 2 s parsing CUB's block-reduce
// header for each law's program (bench/bench_jit), while these few lines cost nothing, and the
// kernel's CPU twin (tests/kernel_twin) runs them as they are, in the device's order.
//
// Every thread of the block must call a reduction (it holds __syncthreads), and the block must be
// a whole number of warps, at most kMaxBlockThreads (law_program.cpp's de_block_threads).

namespace slfit_kernel {

constexpr unsigned kFullWarp = 0xffffffffu;
constexpr int kWarp = 32;

__device__ __forceinline__ double shuffle_down(double v, int offset) {
  return __shfl_down_sync(kFullWarp, v, offset);
}
__device__ __forceinline__ int shuffle_down(int v, int offset) { return __shfl_down_sync(kFullWarp, v, offset); }

// A value and an index: the lowest energy and its member, or a sum and a count.
struct ValueAndIndex {
  double value;
  int index;
};
__device__ __forceinline__ ValueAndIndex shuffle_down(ValueAndIndex v, int offset) {
  return {shuffle_down(v.value, offset), shuffle_down(v.index, offset)};
}

template <class T, class Op>
__device__ T block_reduce(T value, Op op) {
  __shared__ T warp_results[kMaxBlockThreads / kWarp];
  const int warps = blockDim.x / kWarp;
  const int lane = threadIdx.x % kWarp;
  for (int offset = kWarp / 2; offset > 0; offset /= 2) {
    const T other = shuffle_down(value, offset);  // every lane shuffles; lanes past the end keep theirs
    if (lane + offset < kWarp) value = op(value, other);
  }
  if (lane == 0) warp_results[threadIdx.x / kWarp] = value;
  __syncthreads();
  T total = warp_results[0];
  for (int w = 1; w < warps; ++w) total = op(total, warp_results[w]);
  __syncthreads();  // every thread has read warp_results before the next reduction writes them
  return total;
}

}  // namespace slfit_kernel
