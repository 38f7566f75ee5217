// The SIMD kernels for avx (simd/kernels.inc). Compiler flags: -mavx (CMakeLists.txt);
// run only where simd/dispatch.cpp found the CPU able to.
#include <immintrin.h>
#include <sleef.h>

#include "simd/kernels.hpp"

#define SLFIT_WIDTH 4
#define SLFIT_LOAD _mm256_loadu_pd
#define SLFIT_STORE _mm256_storeu_pd
#define SLFIT_SET1 _mm256_set1_pd
#define SLFIT_SLEEF(f) Sleef_cinz_##f##d4_u10avx
#define SLFIT_TABLE kAvx
#define SLFIT_NAME "avx"
#define SLFIT_PHILOX_LANES 2
#define SLFIT_LOAD_U32(p) _mm_unpacklo_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)), _mm_setzero_si128())
#define SLFIT_STORE_U32(p, v) _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_shuffle_epi32(v, 0x08))
#define SLFIT_SET1_U32(x) _mm_set1_epi64x(static_cast<long long>(x))
#define SLFIT_MUL_U32 _mm_mul_epu32
#define SLFIT_HIGH32(v) _mm_srli_epi64(v, 32)
#define SLFIT_AND _mm_and_si128
#define SLFIT_XOR _mm_xor_si128
#include "simd/kernels.inc"
