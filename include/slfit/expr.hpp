#pragma once
// The expression AST shared by every backend: formulas, bound expressions and initial points.
// Nodes are stored in one vector in topological order (operands before the node that uses
// them), so a single forward pass evaluates an expression and a backward pass differentiates it.

#include <cstdint>
#include <string>
#include <vector>

#include "slfit/law_functions.hpp"

namespace slfit {

enum class Op : std::uint8_t {
  Const,   // value
  Var,     // a data variable (formula input, or a statistic in a bound expression); index
  Param,   // a fitted parameter; index
  Neg,
  Add, Sub, Mul, Div, Pow,
#define SLFIT_ENUMERATOR(op, name, value, adjoint, cuda, array) op,
  SLFIT_LAW_FUNCTIONS(SLFIT_ENUMERATOR)  // exp, log, ...: slfit/law_functions.hpp
#undef SLFIT_ENUMERATOR
  Min, Max,
};

// Whether op is one of the one-argument functions of slfit/law_functions.hpp.
constexpr bool is_function1(Op op) {
  switch (op) {
#define SLFIT_CASE(op, name, value, adjoint, cuda, array) case Op::op:
    SLFIT_LAW_FUNCTIONS(SLFIT_CASE)
#undef SLFIT_CASE
    return true;
    default:
      return false;
  }
}

// Number of operands an operator takes (0, 1 or 2).
int arity(Op op);
// The name used in formulas for a function operator ("exp", "min", ...); "" for the others.
const char* function_name(Op op);

struct Node {
  Op op = Op::Const;
  double value = 0.0;   // Const only
  int index = -1;       // Var and Param: which one
  int lhs = -1;         // first operand (node index), or -1
  int rhs = -1;         // second operand (node index), or -1
  int position = 0;     // 0-based character offset in the source text, for messages
};

struct Expr {
  std::vector<Node> nodes;   // topological order; the root is the last node
  int root() const { return static_cast<int>(nodes.size()) - 1; }
  bool empty() const { return nodes.empty(); }
};

// Evaluates an expression with no parameters over named scalar variables (bound expressions).
// Returns NaN where the arithmetic does.
double evaluate_scalar(const Expr& expr, const std::vector<double>& vars,
                       const std::vector<double>& params = {});

// The subtree rooted at `node`, as an expression of its own (node indices renumbered).
Expr subexpression(const Expr& expr, int node);

// Prints an expression back as formula text that parses to the same tree, with the fewest
// parentheses that precedence needs, variables and parameters named by the given lists.
std::string to_string(const Expr& expr, const std::vector<std::string>& var_names,
                      const std::vector<std::string>& param_names);

}  // namespace slfit
