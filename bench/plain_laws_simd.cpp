// The plain loops vectorised (CMake compiles this file alone with -O3 -ffast-math -march=native
// -fopenmp-simd): glibc's vector exp and log (libmvec), at most 4 ulp. A bound on what an
// evaluator could reach on this CPU, not something the library may do.
#include <cmath>

#include "plain_laws.hpp"
#include "plain_laws_body.inc"

slfit::bench::PlainLaws slfit::bench::simd_plain_laws() { return {parallel_power, parscale, chinchilla}; }
