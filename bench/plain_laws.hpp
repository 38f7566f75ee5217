#pragma once
// The built-in laws' mse as a person would write it by hand for a DE generation: a population of
// parameter vectors, the logs of the data hoisted out of the loop, one pass over the points per
// member. bench_eval.cpp compiles these twice: plain (plain_laws_scalar.cpp, the library's
// flags) and vectorised (plain_laws_simd.cpp: -O3 -ffast-math -march=native, so that GCC calls
// glibc's vector exp and log): the scalar loop, and the limit of an evaluator on this CPU.

#include <cstddef>

namespace slfit::bench {

// The hoisted data of one group: log N, log P (or log D), and the targets.
struct PlainData {
  const double* log_n = nullptr;
  const double* log_x = nullptr;  // log P for the ParScale laws, log D for Chinchilla's
  const double* y = nullptr;
  std::size_t n = 0;
};

// values[k] = the mse of member k (params[k * dims ...]) on `data`, for `members` members.
using PlainLaw = void (*)(const PlainData& data, const double* params, std::size_t members, double* values);

struct PlainLaws {
  PlainLaw parallel_power, parscale, chinchilla;
};

PlainLaws scalar_plain_laws();
PlainLaws simd_plain_laws();

}  // namespace slfit::bench
