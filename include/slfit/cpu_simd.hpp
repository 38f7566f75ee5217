#pragma once
// The CPU backend's vector math: the instruction set in which it evaluates the laws' exp, log,
// pow, ... over many points at once (SLEEF's deterministic 1-ulp functions). The best set the
// CPU has is chosen at run time; the environment variable SLFIT_SIMD (or
// use_cpu_instruction_set) picks another. The results are the same bits in every set, so the
// choice changes speed only.

#include <string>
#include <vector>

namespace slfit {

// The set in use: "avx512", "avx2", "avx", "sse4" or "sse2" on x86-64, "neon" on arm64,
// "portable" elsewhere (SLEEF's C, one value at a time). Throws
// InputError when SLFIT_SIMD names a set this CPU does not run (the fits call it before they
// start, so that the error comes before any work).
std::string cpu_instruction_set();

// The sets this CPU runs, best first.
std::vector<std::string> supported_cpu_instruction_sets();

// Uses `name` from now on, in every thread. Throws InputError naming the supported sets when
// `name` is not one of them.
void use_cpu_instruction_set(const std::string& name);

}  // namespace slfit
