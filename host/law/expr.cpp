// Operator metadata, scalar evaluation and printing of the expression AST.

#include "slfit/expr.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "law/parser.hpp"
#include "law/program.hpp"
#include "slfit/text.hpp"

namespace slfit {

int arity(Op op) {
  if (is_function1(op)) return 1;
  switch (op) {
    case Op::Const:
    case Op::Var:
    case Op::Param:
      return 0;
    case Op::Neg:
      return 1;
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
    case Op::Pow:
    case Op::Min:
    case Op::Max:
      return 2;
    default:
      return 0;
  }
}

const char* function_name(Op op) {
  switch (op) {
#define SLFIT_CASE(op, name, value, adjoint, cuda, array) \
  case Op::op:                                     \
    return name;
    SLFIT_LAW_FUNCTIONS(SLFIT_CASE)
#undef SLFIT_CASE
    case Op::Min: return "min";
    case Op::Max: return "max";
    default: return "";
  }
}

namespace {

// min and max propagate NaN from either operand (as numpy's minimum and maximum do, unlike
// std::fmin), and take the first operand on ties, like the evaluation program.
// How tightly a printed node binds; an operand is parenthesised when it binds too loosely for
// its place. Mirrors the parser's grammar levels.
enum Precedence { kSum = 1, kProduct, kUnary, kPower, kAtom };

Precedence precedence(const Node& node) {
  switch (node.op) {
    case Op::Add:
    case Op::Sub:
      return kSum;
    case Op::Mul:
    case Op::Div:
      return kProduct;
    case Op::Neg:
      return kUnary;
    case Op::Pow:
      return kPower;
    case Op::Const:
      // A negative constant (never produced by the parser) prints with a sign, like a negation.
      return std::signbit(node.value) ? kUnary : kAtom;
    default:
      return kAtom;
  }
}

const char* infix_symbol(Op op) {
  switch (op) {
    case Op::Add: return " + ";
    case Op::Sub: return " - ";
    case Op::Mul: return " * ";
    case Op::Div: return " / ";
    case Op::Pow: return "^";
    default: return "";
  }
}

std::string parenthesised(std::string text, bool needed) {
  if (!needed) return text;  // moved, not copied: a long chain's text is handed up node by node
  return "(" + text + ")";
}

// Builds the text of every node in one forward pass (no recursion, so no depth limit); an
// operand's text is moved into its only user rather than copied, keeping long chains linear.
class Printer {
 public:
  Printer(const Expr& expr, const std::vector<std::string>& var_names,
          const std::vector<std::string>& param_names)
      : expr_(expr), var_names_(var_names), param_names_(param_names), text_(expr.nodes.size()),
        uses_(expr.nodes.size(), 0) {
    for (const Node& node : expr.nodes) {
      if (node.lhs >= 0) ++uses_[node.lhs];
      if (node.rhs >= 0) ++uses_[node.rhs];
    }
  }

  std::string print() {
    for (std::size_t i = 0; i < expr_.nodes.size(); ++i) text_[i] = print_node(expr_.nodes[i]);
    return expr_.empty() ? std::string() : std::move(text_.back());
  }

 private:
  std::string print_node(const Node& node) {
    switch (node.op) {
      case Op::Const: return shortest_number(node.value);
      case Op::Var: return var_names_.at(node.index);
      case Op::Param: return param_names_.at(node.index);
      case Op::Neg: return std::string(1, '-').append(operand(node.lhs, precedence(node) + 1));
      case Op::Add:
      case Op::Sub:
      case Op::Mul:
      case Op::Div:
        // Left-associative: an equal-precedence right operand keeps its parentheses.
        return operand(node.lhs, precedence(node)) + infix_symbol(node.op) +
               operand(node.rhs, precedence(node) + 1);
      case Op::Pow:
        // The base is a primary; the exponent may be signed (2^-1) or a power itself (a^b^c).
        return operand(node.lhs, kAtom) + infix_symbol(node.op) + operand(node.rhs, kUnary);
      case Op::Min:
      case Op::Max:
        return std::string(function_name(node.op)) + "(" + operand(node.lhs, kSum) + ", " +
               operand(node.rhs, kSum) + ")";
      default:
        return std::string(function_name(node.op)) + "(" + operand(node.lhs, kSum) + ")";
    }
  }

  // The text of operand `index`, in parentheses if it binds less tightly than `minimum`.
  std::string operand(int index, int minimum) {
    const bool needed = precedence(expr_.nodes[index]) < minimum;
    std::string text = uses_[index] == 1 ? std::move(text_[index]) : text_[index];
    return parenthesised(std::move(text), needed);
  }

  const Expr& expr_;
  const std::vector<std::string>& var_names_;
  const std::vector<std::string>& param_names_;
  std::vector<std::string> text_;
  std::vector<int> uses_;
};

}  // namespace

double evaluate_scalar(const Expr& expr, const std::vector<double>& vars, const std::vector<double>& params) {
  std::vector<double> values(expr.nodes.size());
  for (std::size_t i = 0; i < expr.nodes.size(); ++i) {
    const Node& node = expr.nodes[i];
    switch (node.op) {
      case Op::Const: values[i] = node.value; break;
      case Op::Var: values[i] = vars.at(node.index); break;
      case Op::Param: values[i] = params.at(node.index); break;
      default: {
        // The evaluator's definition of each operator, so both agree to the bit.
        const double a = node.lhs >= 0 ? values[node.lhs] : 0.0;
        const double b = node.rhs >= 0 ? values[node.rhs] : 0.0;
        values[i] = apply(node.op, a, b);
      }
    }
  }
  return expr.empty() ? std::numeric_limits<double>::quiet_NaN() : values.back();
}

Expr subexpression(const Expr& expr, int node) {
  std::vector<char> reached(static_cast<std::size_t>(node) + 1, 0);
  reached[static_cast<std::size_t>(node)] = 1;
  for (int i = node; i >= 0; --i) {
    if (!reached[static_cast<std::size_t>(i)]) continue;
    const Node& n = expr.nodes[static_cast<std::size_t>(i)];
    if (n.lhs >= 0) reached[static_cast<std::size_t>(n.lhs)] = 1;
    if (n.rhs >= 0) reached[static_cast<std::size_t>(n.rhs)] = 1;
  }
  Expr out;
  std::vector<int> renumbered(reached.size(), -1);
  for (int i = 0; i <= node; ++i) {
    if (!reached[static_cast<std::size_t>(i)]) continue;
    Node n = expr.nodes[static_cast<std::size_t>(i)];
    if (n.lhs >= 0) n.lhs = renumbered[static_cast<std::size_t>(n.lhs)];
    if (n.rhs >= 0) n.rhs = renumbered[static_cast<std::size_t>(n.rhs)];
    renumbered[static_cast<std::size_t>(i)] = static_cast<int>(out.nodes.size());
    out.nodes.push_back(n);
  }
  return out;
}

std::string to_string(const Expr& expr, const std::vector<std::string>& var_names,
                      const std::vector<std::string>& param_names) {
  return Printer(expr, var_names, param_names).print();
}

}  // namespace slfit
