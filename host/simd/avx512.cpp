// The SIMD kernels for avx512 (simd/kernels.inc). Compiler flags: -mavx512f (CMakeLists.txt);
// run only where simd/dispatch.cpp found the CPU able to.
#include <immintrin.h>
#include <sleef.h>

#include "simd/kernels.hpp"

#define SLFIT_WIDTH 8
#define SLFIT_LOAD _mm512_loadu_pd
#define SLFIT_STORE _mm512_storeu_pd
#define SLFIT_SET1 _mm512_set1_pd
#define SLFIT_SLEEF(f) Sleef_cinz_##f##d8_u10avx512fnofma
#define SLFIT_TABLE kAvx512
#define SLFIT_NAME "avx512"
#define SLFIT_PHILOX_LANES 8
#define SLFIT_LOAD_U32(p) _mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)))
#define SLFIT_STORE_U32(p, v) _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm512_cvtepi64_epi32(v))
#define SLFIT_SET1_U32(x) _mm512_set1_epi64(static_cast<long long>(x))
#define SLFIT_MUL_U32 _mm512_mul_epu32
#define SLFIT_HIGH32(v) _mm512_srli_epi64(v, 32)
#define SLFIT_AND _mm512_and_si512
#define SLFIT_XOR _mm512_xor_si512
#include "simd/kernels.inc"
