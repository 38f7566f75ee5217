// The SIMD kernels for sse2 (simd/kernels.inc). Compiler flags: none: SSE2 is every x86-64 CPU's (CMakeLists.txt);
// run only where simd/dispatch.cpp found the CPU able to.
#include <immintrin.h>
#include <sleef.h>

#include "simd/kernels.hpp"

#define SLFIT_WIDTH 2
#define SLFIT_LOAD _mm_loadu_pd
#define SLFIT_STORE _mm_storeu_pd
#define SLFIT_SET1 _mm_set1_pd
#define SLFIT_SLEEF(f) Sleef_cinz_##f##d2_u10sse2
#define SLFIT_TABLE kSse2
#define SLFIT_NAME "sse2"
#include "simd/sse_integers.inc"
#include "simd/kernels.inc"
