#pragma once
// The CPU's SIMD kernels: a table of loops per instruction set, each table defined in its own
// translation unit compiled for that set from simd/kernels.inc (x86-64: simd/sse2.cpp, sse4.cpp,
// avx.cpp, avx2.cpp, avx512.cpp; arm64: simd/neon.cpp), and the table in use, chosen at run time
// (simd/dispatch.cpp, which slfit/cpu_simd.hpp reports and steers). Other CPUs have no table:
// SLFIT_SIMD_TABLES is 0 there, and the users compute one value at a time. Their users: the law's vector math
// (law/vector_math.cpp) and the DE's Philox draws (optim/philox_blocks.cpp).
//
// Every kernel gives the same bits in every set. This header and the loops include no C++
// library header with inline functions: an inline function compiled for AVX-512 in one of those
// units could be the copy the linker keeps for the whole program, and would then run on CPUs
// without it.

#include <cstddef>
#include <cstdint>

namespace slfit::simd {

using Unary = void (*)(const double* in, double* out, std::size_t n);
using Pow = void (*)(const double* base, const double* exponent, double* out, std::size_t n);
using PowScalarExponent = void (*)(const double* base, double exponent, double* out, std::size_t n);
using PowScalarBase = void (*)(double base, const double* exponent, double* out, std::size_t n);
// Philox4x32-10 (slfit/philox.hpp) of n counters under one key: counter word w of block i is
// counters[w * n + i], and so are the outputs in out. Computes the blocks of whole vectors only
// and returns how many (a multiple of the lanes, at most n): the caller does the rest.
using PhiloxBlocks = std::size_t (*)(const std::uint32_t* counters, std::size_t n, std::uint32_t key0,
                                     std::uint32_t key1, std::uint32_t* out);

struct Kernels {
  const char* name;  // the instruction set, as SLFIT_SIMD names it
  int width;         // doubles per vector
  // out[i] = f(in[i]) for i < n; out may be in. SLEEF's deterministic 1-ulp functions ("cinz":
  // no FMA), whose results do not depend on the vector width.
  Unary exp, log, log2, log10, log1p, tanh, sinh, cosh;
  Pow pow;
  PowScalarExponent pow_scalar_exponent;
  PowScalarBase pow_scalar_base;
  PhiloxBlocks philox_blocks;
};

#if defined(__x86_64__) || defined(__aarch64__)
#define SLFIT_SIMD_TABLES 1
#else
#define SLFIT_SIMD_TABLES 0
#endif

#if defined(__x86_64__)
extern const Kernels kSse2;    // simd/sse2.cpp: every x86-64 CPU
extern const Kernels kSse4;    // simd/sse4.cpp: SSE4.1
extern const Kernels kAvx;     // simd/avx.cpp
extern const Kernels kAvx2;    // simd/avx2.cpp: AVX's math, AVX2's Philox
extern const Kernels kAvx512;  // simd/avx512.cpp: AVX-512F
#elif defined(__aarch64__)
extern const Kernels kNeon;  // simd/neon.cpp: Advanced SIMD, every arm64 CPU's
#endif

#if SLFIT_SIMD_TABLES
// The table in use (simd/dispatch.cpp): SLFIT_SIMD's or use_cpu_instruction_set's choice, else
// the best the CPU runs. Throws InputError when SLFIT_SIMD names a set the CPU does not run.
const Kernels& kernels();
#endif

}  // namespace slfit::simd
