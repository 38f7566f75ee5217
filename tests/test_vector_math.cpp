// The CPU's vector math (host/law/vector_math.*, slfit/cpu_simd.hpp): SLEEF's deterministic
// functions over arrays in every instruction set this CPU runs give each value the bits of the
// one-value form, within 1 ulp of the exact value; and whole fits are the same bits in every set.

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "law/vector_math.hpp"
#include "slfit/cpu_simd.hpp"
#include "slfit/csv.hpp"
#include "slfit/error.hpp"
#include "slfit/fit.hpp"
#include "slfit/law_io.hpp"
#include "cli_runner.hpp"

namespace slfit {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::uint64_t bits(double v) { return std::bit_cast<std::uint64_t>(v); }

// The same bits, or both NaN: a NaN's sign and payload are not part of the results (SLEEF's
// vectors and its one value give log(-1) NaNs of opposite signs; C's pow(-2, 0.5) another).
bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || bits(a) == bits(b); }

// Restores the instruction set in use when a test ends.
class InstructionSetGuard {
 public:
  InstructionSetGuard() : saved_(cpu_instruction_set()) {}
  ~InstructionSetGuard() { use_cpu_instruction_set(saved_); }

 private:
  std::string saved_;
};

struct UnaryCase {
  const char* name;
  double (*one)(double);
  void (*array)(const double*, double*, std::size_t);
  long double (*exact)(long double);
  double lo, hi;  // the range random arguments are drawn from
};

std::vector<UnaryCase> unary_cases() {
  return {
      {"exp", vmath::exp, vmath::exp, [](long double a) { return std::exp(a); }, -745.0, 709.0},
      {"log", vmath::log, vmath::log, [](long double a) { return std::log(a); }, 1e-300, 1e300},
      {"log2", vmath::log2, vmath::log2, [](long double a) { return std::log2(a); }, 1e-300, 1e300},
      {"log10", vmath::log10, vmath::log10, [](long double a) { return std::log10(a); }, 1e-300, 1e300},
      {"log1p", vmath::log1p, vmath::log1p, [](long double a) { return std::log1p(a); }, -0.999, 1e10},
      {"tanh", vmath::tanh, vmath::tanh, [](long double a) { return std::tanh(a); }, -20.0, 20.0},
      {"sinh", vmath::sinh, vmath::sinh, [](long double a) { return std::sinh(a); }, -700.0, 700.0},
      {"cosh", vmath::cosh, vmath::cosh, [](long double a) { return std::cosh(a); }, -700.0, 700.0},
  };
}

// Arguments: special values, then random ones spread over the range (log-uniformly where it is
// positive and wide).
std::vector<double> arguments(const UnaryCase& c, std::size_t count) {
  std::vector<double> values = {0.0,   -0.0,   1.0,   -1.0, 0.5,          1e-310, -1e-310, 2.0,    1e-20,  -1e-20,
                                kInf,  -kInf,  std::nan(""), 709.5, 710.0, 710.47, -710.2, -746.0, 1e308, -1e308,
                                1e307, 2e307, 0x1p-54, -0x1p-55, 0.693147180559945};
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const bool logarithmic = c.lo > 0.0 && c.hi / c.lo > 1e3;
  while (values.size() < count) {
    const double u = unit(rng);
    values.push_back(logarithmic ? std::exp(std::log(c.lo) + u * (std::log(c.hi) - std::log(c.lo)))
                                 : c.lo + u * (c.hi - c.lo));
  }
  return values;
}

TEST(VectorMath, ArraysGiveEveryValueTheOneValueBitsInEveryInstructionSet) {
  InstructionSetGuard guard;
  const std::vector<std::string> sets = supported_cpu_instruction_sets();
  ASSERT_FALSE(sets.empty());
  for (const std::string& set : sets) {
    use_cpu_instruction_set(set);
    EXPECT_EQ(cpu_instruction_set(), set);
    for (const UnaryCase& c : unary_cases()) {
      const std::vector<double> in = arguments(c, 203);
      // Every length up to 35 (whole vectors and every partial one), at every offset of the
      // first value (so each value passes through every lane), then all at once in place.
      for (std::size_t offset = 0; offset < 8; ++offset)
        for (std::size_t n = 0; n <= 35 && offset + n <= in.size(); ++n) {
          std::vector<double> out(n + 1, 12345.0);
          c.array(in.data() + offset, out.data(), n);
          for (std::size_t i = 0; i < n; ++i)
            ASSERT_PRED2(same, out[i], c.one(in[offset + i]))
                << set << " " << c.name << "(" << in[offset + i] << "), length " << n << ", index " << i;
          ASSERT_EQ(out[n], 12345.0) << set << " " << c.name << " wrote past the end, length " << n;
        }
      std::vector<double> inout = in;
      c.array(inout.data(), inout.data(), inout.size());
      for (std::size_t i = 0; i < in.size(); ++i)
        ASSERT_PRED2(same, inout[i], c.one(in[i])) << set << " " << c.name << " in place, index " << i;
    }
    // pow with both operands arrays, and with either one value.
    const std::vector<double> bases = {2.0, 0.5, 0.0, -2.0, -0.5, kInf, -kInf, 1.0, std::nan(""), 3.7, 1e-300, 1e300, 7.0};
    const std::vector<double> exponents = {0.5, -1.0, 3.0, 2.0, 0.25, -0.5, 1.5, std::nan(""), 0.0, -3.3, 40.0, 1e-5, 7.0};
    std::vector<double> out(bases.size());
    vmath::pow(bases.data(), exponents.data(), out.data(), bases.size());
    for (std::size_t i = 0; i < bases.size(); ++i)
      ASSERT_PRED2(same, out[i], vmath::pow(bases[i], exponents[i])) << set << " pow index " << i;
    for (const double e : exponents) {
      vmath::pow(bases.data(), e, out.data(), bases.size());
      for (std::size_t i = 0; i < bases.size(); ++i)
        ASSERT_PRED2(same, out[i], vmath::pow(bases[i], e)) << set << " pow(" << bases[i] << ", " << e << ")";
    }
    for (const double b : bases) {
      vmath::pow(b, exponents.data(), out.data(), exponents.size());
      for (std::size_t i = 0; i < exponents.size(); ++i)
        ASSERT_PRED2(same, out[i], vmath::pow(b, exponents[i])) << set << " pow(" << b << ", " << exponents[i] << ")";
    }
  }
}

// Error in units of the last place of the correctly rounded value.
double ulps(double got, long double exact) {
  const double rounded = static_cast<double>(exact);
  if (std::isinf(rounded)) return got == rounded ? 0.0 : kInf;
  const double ulp = std::nextafter(std::fabs(rounded), kInf) - std::fabs(rounded);
  return static_cast<double>(std::fabs(static_cast<long double>(got) - exact) / ulp);
}

TEST(VectorMath, WithinOneUlpOfTheExactValue) {
  for (const UnaryCase& c : unary_cases()) {
    for (const double a : arguments(c, 20000)) {
      const long double exact = c.exact(a);
      if (std::isnan(static_cast<double>(exact))) {
        EXPECT_TRUE(std::isnan(c.one(a))) << c.name << "(" << a << ")";
        continue;
      }
      // Within 2 ulp where vector_math.cpp computes sinh and cosh past SLEEF's domain.
      const bool past_sleef = (c.name == std::string("sinh") || c.name == std::string("cosh")) && std::fabs(a) > 709.0;
      EXPECT_LE(ulps(c.one(a), exact), past_sleef ? 2.0 : 1.0)
          << c.name << "(" << a << ") = " << c.one(a) << ", exactly " << static_cast<double>(exact);
    }
  }
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> base(1e-3, 1e3), exponent(-30.0, 30.0);
  double worst = 0.0;
  for (int k = 0; k < 20000; ++k) {
    const double b = base(rng), e = exponent(rng);
    worst = std::max(worst, ulps(vmath::pow(b, e), std::pow(static_cast<long double>(b), static_cast<long double>(e))));
  }
  EXPECT_LE(worst, 1.0) << "pow";
  // pow's special cases are C's.
  for (const double b : {0.0, -0.0, -2.0, -kInf, kInf, 1.0, -1.0})
    for (const double e : {2.0, 3.0, 0.5, -1.0, -2.0, 0.0, kInf, -kInf})
      EXPECT_PRED2(same, vmath::pow(b, e), std::pow(b, e)) << "pow(" << b << ", " << e << ")";
}

// atan and erfc, one value only (the losses' and the intervals'): within 1 and 1.5 ulp.
TEST(VectorMath, AtanAndErfcAreWithinTheirUlps) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  double worst_atan = 0.0, worst_erfc = 0.0;
  for (int k = 0; k < 20000; ++k) {
    const double a = (unit(rng) < 0.5 ? -1.0 : 1.0) * std::exp(-40.0 + 80.0 * unit(rng));
    worst_atan = std::max(worst_atan, ulps(vmath::atan(a), std::atan(static_cast<long double>(a))));
    const double x = -6.0 + 32.0 * unit(rng);  // erfc underflows past 27
    worst_erfc = std::max(worst_erfc, ulps(vmath::erfc(x), std::erfc(static_cast<long double>(x))));
  }
  EXPECT_LE(worst_atan, 1.0) << "atan";
  EXPECT_LE(worst_erfc, 1.5) << "erfc";
  for (const double a : {0.0, -0.0, kInf, -kInf}) EXPECT_PRED2(same, vmath::atan(a), std::atan(a)) << "atan(" << a << ")";
  EXPECT_PRED2(same, vmath::erfc(kInf), 0.0);
  EXPECT_PRED2(same, vmath::erfc(-kInf), 2.0);
  EXPECT_TRUE(std::isnan(vmath::atan(std::nan(""))) && std::isnan(vmath::erfc(std::nan(""))));
}

TEST(VectorMath, AnInstructionSetThisCpuDoesNotRunIsRefusedNamingThoseItRuns) {
  InstructionSetGuard guard;
  const std::string before = cpu_instruction_set();
  try {
    use_cpu_instruction_set("avx9000");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'avx9000'"), std::string::npos) << message;
    for (const std::string& set : supported_cpu_instruction_sets())
      EXPECT_NE(message.find(set), std::string::npos) << message;
  }
  EXPECT_EQ(cpu_instruction_set(), before);
}

// Whole fits (DE, refinement, separable solving) of real data give the same bits in every set.
TEST(VectorMath, FitsAreTheSameInEveryInstructionSet) {
  InstructionSetGuard guard;
  std::vector<Problem> problems;
  for (const char* name : {"parallel_power", "parscale"}) {
    const auto law = std::make_shared<const Law>(load_law(name));
    const auto data = std::make_shared<const Dataset>(read_dataset(test::source_dir() + "/examples/parscale/train.csv",
                                                                   ColumnSelection(law->columns, law->target, "group"), 1));
    for (const Separable separable : {Separable::Off, Separable::Auto}) {
      FitOptions options;
      options.separable = separable;
      options.de.maxiter = 60;
      for (Problem& p : make_group_problems(law, compile_law(*law), data, options)) problems.push_back(std::move(p));
    }
  }
  BatchOptions batch;
  batch.threads = 1;
  std::vector<FitResult> reference;
  std::string reference_set;
  for (const std::string& set : supported_cpu_instruction_sets()) {
    use_cpu_instruction_set(set);
    const std::vector<FitResult> results = fit_batch(problems, batch);
    if (reference.empty()) {
      reference = results;
      reference_set = set;
      continue;
    }
    ASSERT_EQ(results.size(), reference.size());
    for (std::size_t i = 0; i < results.size(); ++i) {
      ASSERT_NE(results[i].status, FitStatus::Failed) << results[i].error;
      EXPECT_EQ(bits(results[i].objective), bits(reference[i].objective)) << set << " vs " << reference_set << ", fit " << i;
      ASSERT_EQ(results[i].params.size(), reference[i].params.size());
      for (std::size_t j = 0; j < results[i].params.size(); ++j)
        EXPECT_EQ(bits(results[i].params[j]), bits(reference[i].params[j])) << set << ", fit " << i << ", param " << j;
      EXPECT_EQ(results[i].de.evaluations, reference[i].de.evaluations) << set << ", fit " << i;
    }
  }
}

}  // namespace
}  // namespace slfit
