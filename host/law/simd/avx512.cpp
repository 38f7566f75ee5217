// The vector math's loops for avx512 (simd/kernels.inc). Compiler flags: -mavx512f (CMakeLists.txt);
// run only where vector_math.cpp found the CPU able to.
#include <immintrin.h>
#include <sleef.h>

#include "law/simd/kernels.hpp"

#define SLFIT_WIDTH 8
#define SLFIT_LOAD _mm512_loadu_pd
#define SLFIT_STORE _mm512_storeu_pd
#define SLFIT_SET1 _mm512_set1_pd
#define SLFIT_SLEEF(f) Sleef_cinz_##f##d8_u10avx512fnofma
#define SLFIT_TABLE kAvx512
#define SLFIT_NAME "avx512"
#include "law/simd/kernels.inc"
