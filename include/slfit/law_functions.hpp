#pragma once
// The law language's one-argument functions, one row each: the only table a new function is
// added to. Every part reads it through the X-macro: the Op enumerators (slfit/expr.hpp), arity,
// names and printing (law/expr.cpp), the parser's names (law/parser.cpp), the evaluation
// program's value and exact derivative (law/program.hpp, law/program.cpp) and the CUDA code
// (law/cuda_codegen.cpp).
//
//   X(Op, formula name, value at a, adjoint of a given the node's adjoint g, a and the value v,
//     CUDA function, host array function or nullptr)
//
// Values and adjoints are C++ expressions over `double a`, `g` and `v`, with <cmath>, <numbers>
// and the host's vector math (law/vector_math.hpp, as `vmath`) in scope; the CUDA function is
// called with the argument, in fp64. The array function computes the value over an array of
// arguments (vmath's, vectorised); nullptr where the value's own loop vectorises or is exact.

#define SLFIT_LAW_FUNCTIONS(X)                                                                       \
  X(Exp, "exp", vmath::exp(a), g * v, "exp", vmath::exp)                                               \
  X(Log, "log", vmath::log(a), g / a, "log", vmath::log)                                               \
  X(Log2, "log2", vmath::log2(a), g / (a * std::numbers::ln2), "log2", vmath::log2)                    \
  X(Log10, "log10", vmath::log10(a), g / (a * std::numbers::ln10), "log10", vmath::log10)              \
  X(Log1p, "log1p", vmath::log1p(a), g / (1.0 + a), "log1p", vmath::log1p)                             \
  X(Sqrt, "sqrt", std::sqrt(a), 0.5 * g / v, "sqrt", nullptr)                                          \
  X(Abs, "abs", std::fabs(a), (a > 0.0 ? g : (a < 0.0 ? -g : 0.0)), "fabs", nullptr)                   \
  X(Tanh, "tanh", vmath::tanh(a), g * (1.0 - v * v), "tanh", vmath::tanh)                              \
  X(Sinh, "sinh", vmath::sinh(a), g * vmath::cosh(a), "sinh", vmath::sinh)
