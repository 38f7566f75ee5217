// The SIMD kernels for neon (simd/kernels.inc), arm64's Advanced SIMD: SLEEF's deterministic
// functions for it without FMA ("cinz", the same bits as the x86-64 tables' cinz functions) and
// NEON's integer vectors for Philox. Every arm64 CPU has Advanced SIMD: no compiler flags
// (CMakeLists.txt), nothing for simd/dispatch.cpp to ask the CPU.
#include <arm_neon.h>
#include <sleef.h>

#include "simd/kernels.hpp"

#define SLFIT_WIDTH 2
#define SLFIT_LOAD vld1q_f64
#define SLFIT_STORE vst1q_f64
#define SLFIT_SET1 vdupq_n_f64
#define SLFIT_SLEEF(f) Sleef_cinz_##f##d2_u10advsimdnofma
#define SLFIT_TABLE kNeon
#define SLFIT_NAME "neon"
// Two 32-bit words, each zero-extended into a 64-bit lane, as in the x86-64 tables; the product
// of the lanes' low words is vmull_u32 of the narrowed halves.
#define SLFIT_PHILOX_LANES 2
#define SLFIT_LOAD_U32(p) vmovl_u32(vld1_u32(p))
#define SLFIT_STORE_U32(p, v) vst1_u32(p, vmovn_u64(v))
#define SLFIT_SET1_U32(x) vdupq_n_u64(x)
#define SLFIT_MUL_U32(a, b) vmull_u32(vmovn_u64(a), vmovn_u64(b))
#define SLFIT_HIGH32(v) vshrq_n_u64(v, 32)
#define SLFIT_AND vandq_u64
#define SLFIT_XOR veorq_u64
#include "simd/kernels.inc"
