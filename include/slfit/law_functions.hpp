#pragma once
// The law language's one-argument functions, one row each: the only table a new function is
// added to. Every part reads it through the X-macro: the Op enumerators (slfit/expr.hpp), arity,
// names and printing (law/expr.cpp), the parser's names (law/parser.cpp), the evaluation
// program's value and exact derivative (law/program.hpp, law/program.cpp) and the CUDA code
// (law/cuda_codegen.cpp).
//
//   X(Op, formula name, value at a, adjoint of a given the node's adjoint g, a and the value v,
//     CUDA function)
//
// Values and adjoints are C++ expressions over `double a`, `g` and `v`, with <cmath> and
// <numbers> in scope; the CUDA function is called with the argument, in fp64.

#define SLFIT_LAW_FUNCTIONS(X)                                                            \
  X(Exp, "exp", std::exp(a), g * v, "exp")                                                 \
  X(Log, "log", std::log(a), g / a, "log")                                                 \
  X(Log2, "log2", std::log2(a), g / (a * std::numbers::ln2), "log2")                       \
  X(Log10, "log10", std::log10(a), g / (a * std::numbers::ln10), "log10")                  \
  X(Log1p, "log1p", std::log1p(a), g / (1.0 + a), "log1p")                                 \
  X(Sqrt, "sqrt", std::sqrt(a), 0.5 * g / v, "sqrt")                                       \
  X(Abs, "abs", std::fabs(a), (a > 0.0 ? g : (a < 0.0 ? -g : 0.0)), "fabs")                \
  X(Tanh, "tanh", std::tanh(a), g * (1.0 - v * v), "tanh")                                 \
  X(Sinh, "sinh", std::sinh(a), g * std::cosh(a), "sinh")
