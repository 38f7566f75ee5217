#pragma once
// The transcendental functions of the host's numerics, for one value and over arrays: the
// evaluation program (law/program.cpp) computes every exp, log, pow, ... of a law with them, and
// every other exp, log, ... of the fits (the DE's and the refinement's log coordinates, the
// gradient of pow, log-space objectives, robust losses, intervals) calls them too, never the C
// library's, whose last bits differ between CPU architectures.
//
// Each is SLEEF's deterministic function ("cinz": the same bits on every instruction set, vector
// width and architecture, as it uses no FMA), so the arrays run in the widest vectors the CPU has
// (AVX-512, AVX, SSE4.1 or SSE2 on x86-64, Advanced SIMD on arm64, chosen at run time:
// simd/kernels.hpp) and still give every value the one-value form gives: results do not depend
// on the CPU, the vector width, a value's position in an array, or the thread count. Other CPUs
// run the same functions one value at a time (SLEEF's portable C), with the same results.
//
// Which set runs them is slfit/cpu_simd.hpp's to say and to choose.

#include <cstddef>

namespace slfit::vmath {

// One value.
double exp(double a);
double log(double a);
double log2(double a);
double log10(double a);
double log1p(double a);
double tanh(double a);
double sinh(double a);
double cosh(double a);
double pow(double base, double exponent);
// Beyond the law language, for the host's other computations (loss_terms.hpp's cauchy and arctan
// losses, the bootstrap's normal quantiles), so that they too are the same bits on every CPU:
// atan within 1 ulp, erfc within 1.5.
double atan(double a);
double erfc(double a);

// out[i] = f(in[i]) for i < n; out may be in.
using ArrayFunction = void (*)(const double* in, double* out, std::size_t n);
void exp(const double* in, double* out, std::size_t n);
void log(const double* in, double* out, std::size_t n);
void log2(const double* in, double* out, std::size_t n);
void log10(const double* in, double* out, std::size_t n);
void log1p(const double* in, double* out, std::size_t n);
void tanh(const double* in, double* out, std::size_t n);
void sinh(const double* in, double* out, std::size_t n);
void cosh(const double* in, double* out, std::size_t n);

// out[i] = pow(base[i], exponent[i]), either operand one value for every i; out may be either.
void pow(const double* base, const double* exponent, double* out, std::size_t n);
void pow(const double* base, double exponent, double* out, std::size_t n);
void pow(double base, const double* exponent, double* out, std::size_t n);

}  // namespace slfit::vmath
