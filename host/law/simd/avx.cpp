// The vector math's loops for avx (simd/kernels.inc). Compiler flags: -mavx (CMakeLists.txt);
// run only where vector_math.cpp found the CPU able to.
#include <immintrin.h>
#include <sleef.h>

#include "law/simd/kernels.hpp"

#define SLFIT_WIDTH 4
#define SLFIT_LOAD _mm256_loadu_pd
#define SLFIT_STORE _mm256_storeu_pd
#define SLFIT_SET1 _mm256_set1_pd
#define SLFIT_SLEEF(f) Sleef_cinz_##f##d4_u10avx
#define SLFIT_TABLE kAvx
#define SLFIT_NAME "avx"
#include "law/simd/kernels.inc"
