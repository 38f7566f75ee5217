// The DE kernel's shared memory plan and the launch context of the backend's error messages,
// without a device: both are pure, and a wrong plan fails the first launch on a GPU.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "cuda/cuda_check.hpp"
#include "cuda/launch_context.hpp"
#include "cuda/shared_memory_plan.hpp"

namespace slfit {
namespace {

constexpr std::size_t KB = 1024;
constexpr std::size_t kH100OptIn = 227 * KB;  // cudaDevAttrMaxSharedMemoryPerBlockOptin on sm_90
constexpr std::size_t kCap = 96 * KB;         // cuda_de_program.cpp's kMaxSharedBytes

TEST(CudaSharedMemoryPlan, DynamicJustUnder48KbWithStaticOptsIn) {
  // 47 KB dynamic alone is under 48 KB, but with the kernel's 8 KB of static shared memory the
  // block needs 55 KB: without opting in, the launch fails with cudaErrorInvalidValue.
  const SharedMemoryPlan plan = plan_shared_memory(8 * KB, 47 * KB, kH100OptIn, kCap);
  EXPECT_TRUE(plan.in_shared);
  EXPECT_EQ(plan.dynamic_bytes, 47 * KB);
  EXPECT_EQ(plan.opt_in_bytes, 47 * KB);  // the dynamic size: the attribute excludes the static part
}

TEST(CudaSharedMemoryPlan, UpTo48KbTogetherNeedsNoOptIn) {
  const SharedMemoryPlan exact = plan_shared_memory(8 * KB, 40 * KB, kH100OptIn, kCap);
  EXPECT_TRUE(exact.in_shared);
  EXPECT_EQ(exact.dynamic_bytes, 40 * KB);
  EXPECT_EQ(exact.opt_in_bytes, 0u);
  const SharedMemoryPlan over = plan_shared_memory(8 * KB, 40 * KB + 8, kH100OptIn, kCap);
  EXPECT_EQ(over.opt_in_bytes, 40 * KB + 8);
  EXPECT_EQ(plan_shared_memory(0, 48 * KB, kH100OptIn, kCap).opt_in_bytes, 0u);
}

TEST(CudaSharedMemoryPlan, PastTheCapOrTheDeviceLimitTogetherGoesToGlobalMemory) {
  // 90 KB dynamic is under the 96 KB cap, but not with 8 KB static.
  const SharedMemoryPlan capped = plan_shared_memory(8 * KB, 90 * KB, kH100OptIn, kCap);
  EXPECT_FALSE(capped.in_shared);
  EXPECT_EQ(capped.dynamic_bytes, 0u);
  EXPECT_EQ(capped.opt_in_bytes, 0u);
  EXPECT_TRUE(plan_shared_memory(8 * KB, 88 * KB, kH100OptIn, kCap).in_shared);
  // A device whose opt-in limit is below the cap: its limit decides, static part included.
  EXPECT_TRUE(plan_shared_memory(8 * KB, 56 * KB, 64 * KB, kCap).in_shared);
  EXPECT_FALSE(plan_shared_memory(8 * KB, 56 * KB + 8, 64 * KB, kCap).in_shared);
  // No known limit: global memory.
  EXPECT_FALSE(plan_shared_memory(8 * KB, 1 * KB, 0, kCap).in_shared);
}

LaunchContext example_context() {
  return {.kernel = "slfit_de",
          .law = "parscale",
          .grid = 4096,
          .block = 96,
          .dynamic_shared = 51200,
          .static_shared = 8452,
          .registers = 72,
          .max_points = 18,
          .problems = 4096};
}

TEST(CudaLaunchContext, NamesEveryField) {
  const std::string text = example_context().to_string();
  EXPECT_EQ(text,
            "grid=4096 block=96 dynamic_shared=51200B static_shared=8452B registers=72 max_points=18 problems=4096 "
            "kernel=slfit_de law='parscale'");
}

TEST(CudaLaunchContext, CheckedLaunchErrorsEndWithTheLaunch) {
  try {
    cuda::check(cudaErrorInvalidValue, "launching the DE kernel", example_context());
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("CUDA: launching the DE kernel failed: cudaErrorInvalidValue: ", 0), 0u) << what;
    EXPECT_NE(what.find("; launch: " + example_context().to_string()), std::string::npos) << what;
  }
  EXPECT_NO_THROW(cuda::check(cudaSuccess, "launching the DE kernel", example_context()));
}

}  // namespace
}  // namespace slfit
