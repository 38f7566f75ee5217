#pragma once
// The array loops of the law's vector math (law/vector_math.hpp) for one instruction set: a table
// of functions, one table per set, each defined in its own translation unit compiled for that set
// (law/simd/*.cpp). vector_math.cpp picks the table the CPU runs at run time.
//
// This header and the loops (kernels.inc) include no C++ library header with inline functions:
// an inline function compiled for AVX-512 in one of those units could be the copy the linker
// keeps for the whole program, and would then run on CPUs without it.

#include <cstddef>

namespace slfit::vmath::simd {

using Unary = void (*)(const double* in, double* out, std::size_t n);
using Pow = void (*)(const double* base, const double* exponent, double* out, std::size_t n);
using PowScalarExponent = void (*)(const double* base, double exponent, double* out, std::size_t n);
using PowScalarBase = void (*)(double base, const double* exponent, double* out, std::size_t n);

// out[i] = f(in[i]) for i < n; out may be in. Every function is SLEEF's deterministic 1-ulp one
// ("cinz": no FMA), whose results do not depend on the vector width.
struct Kernels {
  const char* name;  // the instruction set, as SLFIT_SIMD names it
  int width;         // doubles per vector
  Unary exp, log, log2, log10, log1p, tanh, sinh, cosh;
  Pow pow;
  PowScalarExponent pow_scalar_exponent;
  PowScalarBase pow_scalar_base;
};

#if defined(__x86_64__)
extern const Kernels kSse2;    // simd/sse2.cpp: every x86-64 CPU
extern const Kernels kSse4;    // simd/sse4.cpp: SSE4.1
extern const Kernels kAvx;     // simd/avx.cpp
extern const Kernels kAvx512;  // simd/avx512.cpp: AVX-512F
#endif

}  // namespace slfit::vmath::simd
