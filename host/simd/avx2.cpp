// The SIMD kernels for avx2 (simd/kernels.inc): AVX's SLEEF functions (SLEEF has no AVX2 ones
// without FMA) and AVX2's integer vectors for Philox. Compiler flags: -mavx2 (CMakeLists.txt);
// run only where simd/dispatch.cpp found the CPU able to.
#include <immintrin.h>
#include <sleef.h>

#include "simd/kernels.hpp"

#define SLFIT_WIDTH 4
#define SLFIT_LOAD _mm256_loadu_pd
#define SLFIT_STORE _mm256_storeu_pd
#define SLFIT_SET1 _mm256_set1_pd
#define SLFIT_SLEEF(f) Sleef_cinz_##f##d4_u10avx
#define SLFIT_TABLE kAvx2
#define SLFIT_NAME "avx2"
#define SLFIT_PHILOX_LANES 4
#define SLFIT_LOAD_U32(p) _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)))
#define SLFIT_STORE_U32(p, v) \
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7))))
#define SLFIT_SET1_U32(x) _mm256_set1_epi64x(static_cast<long long>(x))
#define SLFIT_MUL_U32 _mm256_mul_epu32
#define SLFIT_HIGH32(v) _mm256_srli_epi64(v, 32)
#define SLFIT_AND _mm256_and_si256
#define SLFIT_XOR _mm256_xor_si256
#include "simd/kernels.inc"
