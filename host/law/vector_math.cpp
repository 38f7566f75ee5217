#include "law/vector_math.hpp"

#include <cmath>
#include <numbers>

#include <sleef.h>

#include "simd/kernels.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace slfit::vmath {
namespace {

// One value through the two-lane functions every CPU of the architecture has (SSE2's on x86-64,
// Advanced SIMD's on arm64): the bits of the arrays' wider vectors, faster than SLEEF's portable
// C, which other CPUs use.
#if defined(__x86_64__)

#define SLFIT_ONE(f, ulps, a) _mm_cvtsd_f64(Sleef_cinz_##f##d2_##ulps##sse2(_mm_set_sd(a)))
#define SLFIT_ONE_POW(a, b) _mm_cvtsd_f64(Sleef_cinz_powd2_u10sse2(_mm_set_sd(a), _mm_set_sd(b)))

#elif defined(__aarch64__)

#define SLFIT_ONE(f, ulps, a) vgetq_lane_f64(Sleef_cinz_##f##d2_##ulps##advsimdnofma(vdupq_n_f64(a)), 0)
#define SLFIT_ONE_POW(a, b) \
  vgetq_lane_f64(Sleef_cinz_powd2_u10advsimdnofma(vdupq_n_f64(a), vdupq_n_f64(b)), 0)

#else

#define SLFIT_ONE(f, ulps, a) Sleef_cinz_##f##d1_##ulps##purec(a)
#define SLFIT_ONE_POW(a, b) Sleef_cinz_powd1_u10purec(a, b)

#endif

#define SLFIT_ONE_VALUE(f, a) SLFIT_ONE(f, u10, a)

// SLEEF's accurate domains end before the functions' own: its log1p is inf beyond 1e307 and
// inexact on subnormals, its sinh and cosh overflow past 709 where the values are finite up to
// 710.47. There the values are computed otherwise, for one value and in arrays alike: log1p(a)
// is log(a) beyond 1e307 (they differ by about 1/a) and a itself where |a| < 2^-54 (a^2 / 2 is
// below half an ulp of a); sinh and cosh are e^|a| / 2 = e^(|a| - 1) * (e / 2), where |a| - 1 is
// exact (within 2 ulp).
bool log1p_outside_sleef(double a) { return a > 1e307 || (a != 0.0 && std::fabs(a) < 0x1p-54); }
bool hyperbolic_outside_sleef(double a) { return std::fabs(a) > 709.0 && std::isfinite(a); }
double large_cosh(double a) { return SLFIT_ONE_VALUE(exp, std::fabs(a) - 1.0) * (std::numbers::e / 2); }

}  // namespace

double exp(double a) { return SLFIT_ONE_VALUE(exp, a); }
double log(double a) { return SLFIT_ONE_VALUE(log, a); }
double log2(double a) { return SLFIT_ONE_VALUE(log2, a); }
double log10(double a) { return SLFIT_ONE_VALUE(log10, a); }
double log1p(double a) {
  if (log1p_outside_sleef(a)) return a > 1e307 ? log(a) : a;
  return SLFIT_ONE_VALUE(log1p, a);
}
double tanh(double a) { return SLFIT_ONE_VALUE(tanh, a); }
double sinh(double a) { return hyperbolic_outside_sleef(a) ? std::copysign(large_cosh(a), a) : SLFIT_ONE_VALUE(sinh, a); }
double cosh(double a) { return hyperbolic_outside_sleef(a) ? large_cosh(a) : SLFIT_ONE_VALUE(cosh, a); }
double pow(double base, double exponent) { return SLFIT_ONE_POW(base, exponent); }
double atan(double a) { return SLFIT_ONE_VALUE(atan, a); }
double erfc(double a) { return SLFIT_ONE(erfc, u15, a); }

namespace {

// An array through SLEEF's vectors, or (where `outside` holds for a value, or on CPUs without
// a table) one value at a time: each value the same bits either way.
template <class Vector, class One, class Outside>
void array(const double* in, double* out, std::size_t n, Vector vector, One one, Outside outside) {
#if SLFIT_SIMD_TABLES
  bool patched = false;
  for (std::size_t i = 0; i < n; ++i) patched |= outside(in[i]);
  if (!patched) return vector(simd::kernels())(in, out, n);
#else
  (void)vector;
  (void)outside;
#endif
  for (std::size_t i = 0; i < n; ++i) out[i] = one(in[i]);
}

constexpr auto kNowhere = [](double) { return false; };

#define SLFIT_TABLE_ENTRY(f) [](const auto& table) { return table.f; }

}  // namespace

#define SLFIT_ARRAY(f, outside)                                                            \
  void f(const double* in, double* out, std::size_t n) {                                  \
    array(in, out, n, SLFIT_TABLE_ENTRY(f), static_cast<double (*)(double)>(f), outside); \
  }
SLFIT_ARRAY(exp, kNowhere)
SLFIT_ARRAY(log, kNowhere)
SLFIT_ARRAY(log2, kNowhere)
SLFIT_ARRAY(log10, kNowhere)
SLFIT_ARRAY(log1p, log1p_outside_sleef)
SLFIT_ARRAY(tanh, kNowhere)
SLFIT_ARRAY(sinh, hyperbolic_outside_sleef)
SLFIT_ARRAY(cosh, hyperbolic_outside_sleef)
#undef SLFIT_ARRAY

#if SLFIT_SIMD_TABLES

void pow(const double* base, const double* exponent, double* out, std::size_t n) {
  simd::kernels().pow(base, exponent, out, n);
}
void pow(const double* base, double exponent, double* out, std::size_t n) {
  simd::kernels().pow_scalar_exponent(base, exponent, out, n);
}
void pow(double base, const double* exponent, double* out, std::size_t n) {
  simd::kernels().pow_scalar_base(base, exponent, out, n);
}

#else

void pow(const double* base, const double* exponent, double* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = pow(base[i], exponent[i]);
}
void pow(const double* base, double exponent, double* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = pow(base[i], exponent);
}
void pow(double base, const double* exponent, double* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = pow(base, exponent[i]);
}

#endif

}  // namespace slfit::vmath

