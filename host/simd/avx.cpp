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
#include "simd/sse_integers.inc"
#include "simd/kernels.inc"
