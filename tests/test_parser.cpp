// Tests of the formula language: parsing (precedence, functions, errors), printing back with
// to_string, and evaluate_scalar.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "law/parser.hpp"
#include "law/vector_math.hpp"
#include "slfit/error.hpp"
#include "slfit/expr.hpp"
#include "slfit/law_io.hpp"
#include "slfit/text.hpp"

namespace {

using slfit::Expr;
using slfit::InputError;
using slfit::Node;
using slfit::Op;

const std::vector<std::string> kVars = {"x", "y", "N", "P"};
const std::vector<std::string> kParams = {"a", "b", "c", "d"};

Expr parse(const std::string& text) { return slfit::parse_expression(text, kVars, kParams, "ctx"); }

std::string op_name(Op op) {
  switch (op) {
    case Op::Neg: return "neg";
    case Op::Add: return "add";
    case Op::Sub: return "sub";
    case Op::Mul: return "mul";
    case Op::Div: return "div";
    case Op::Pow: return "pow";
    default: return slfit::function_name(op);
  }
}

// The tree below node `i` as an s-expression, e.g. "(neg (pow x 2))".
std::string tree(const Expr& expr, int i) {
  const Node& node = expr.nodes.at(i);
  switch (node.op) {
    case Op::Const: return slfit::shortest_number(node.value);
    case Op::Var: return kVars.at(node.index);
    case Op::Param: return kParams.at(node.index);
    default: break;
  }
  std::string out = "(" + op_name(node.op) + " " + tree(expr, node.lhs);
  if (node.rhs >= 0) out += " " + tree(expr, node.rhs);
  return out + ")";
}

std::string tree(const std::string& text) {
  const Expr expr = parse(text);
  return tree(expr, expr.root());
}

std::string print(const Expr& expr) { return slfit::to_string(expr, kVars, kParams); }
std::string reprint(const std::string& text) { return print(parse(text)); }

// The message of the InputError that parsing `text` throws.
std::string error_of(const std::string& text, const std::vector<std::string>& vars = kVars,
                     const std::vector<std::string>& params = kParams) {
  try {
    slfit::parse_expression(text, vars, params, "ctx");
  } catch (const InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no error for: " << text;
  return {};
}

// Checks "ctx: <what> at character <column>..." and the caret under that column.
void expect_syntax_error(const std::string& text, const std::string& what, int column) {
  const std::string message = error_of(text);
  SCOPED_TRACE("text: " + text + "\nmessage: " + message);
  const std::string head = "ctx: " + what + " at character " + std::to_string(column);
  EXPECT_EQ(message.substr(0, head.size()), head);
  const auto caret_line = message.substr(message.rfind('\n') + 1);
  EXPECT_EQ(caret_line, std::string(static_cast<std::size_t>(column - 1), ' ') + "^");
}

bool same_tree(const Expr& a, const Expr& b) {
  if (a.nodes.size() != b.nodes.size()) return false;
  for (std::size_t i = 0; i < a.nodes.size(); ++i) {
    const Node& m = a.nodes[i];
    const Node& n = b.nodes[i];
    if (m.op != n.op || m.index != n.index || m.lhs != n.lhs || m.rhs != n.rhs) return false;
    if (m.op == Op::Const && std::memcmp(&m.value, &n.value, sizeof m.value) != 0) return false;
  }
  return true;
}

TEST(Parser, PowerBindsTighterThanUnaryMinus) {
  EXPECT_EQ(tree("-x^2"), "(neg (pow x 2))");
  EXPECT_EQ(tree("-2^2"), "(neg (pow 2 2))");
  EXPECT_EQ(tree("(-x)^2"), "(pow (neg x) 2)");
}

TEST(Parser, PowerIsRightAssociativeAndTakesASignedExponent) {
  EXPECT_EQ(tree("a^b^c"), "(pow a (pow b c))");
  EXPECT_EQ(tree("(a^b)^c"), "(pow (pow a b) c)");
  EXPECT_EQ(tree("2^-1"), "(pow 2 (neg 1))");
  EXPECT_EQ(tree("a^-b^c"), "(pow a (neg (pow b c)))");
  EXPECT_EQ(tree("2^+x"), "(pow 2 x)");
}

TEST(Parser, DoubleStarIsPythonsSpellingOfPower) {
  EXPECT_EQ(tree("a**b**c"), "(pow a (pow b c))");
  EXPECT_EQ(tree("-x**2"), "(neg (pow x 2))");
  EXPECT_EQ(tree("a * N**b / P**-c"), "(div (mul a (pow N b)) (pow P (neg c)))");
  EXPECT_EQ(tree("a ** 2"), tree("a ^ 2"));
  expect_syntax_error("a * * b", "expected a number, a name or '(', found '*'", 5);  // spaced: not '**'
  expect_syntax_error("a***b", "expected a number, a name or '(', found '*'", 4);
}

TEST(Parser, BinaryOperatorsAreLeftAssociative) {
  EXPECT_EQ(tree("a-b-c"), "(sub (sub a b) c)");
  EXPECT_EQ(tree("a/b/c"), "(div (div a b) c)");
  EXPECT_EQ(tree("a-b+c"), "(add (sub a b) c)");
  EXPECT_EQ(tree("a/b*c"), "(mul (div a b) c)");
  EXPECT_EQ(tree("a-(b-c)"), "(sub a (sub b c))");
}

TEST(Parser, ProductsBindTighterThanSums) {
  EXPECT_EQ(tree("a+b*c"), "(add a (mul b c))");
  EXPECT_EQ(tree("a*b+c"), "(add (mul a b) c)");
  EXPECT_EQ(tree("(a+b)*c"), "(mul (add a b) c)");
  EXPECT_EQ(tree("a * N^b / (P^c + 1e-10) + d"), "(add (div (mul a (pow N b)) (add (pow P c) 1e-10)) d)");
}

TEST(Parser, UnarySigns) {
  EXPECT_EQ(tree("-a*b"), "(mul (neg a) b)");
  EXPECT_EQ(tree("a*-b"), "(mul a (neg b))");
  EXPECT_EQ(tree("a - -b"), "(sub a (neg b))");
  EXPECT_EQ(tree("--a"), "(neg (neg a))");
  EXPECT_EQ(tree("-(a+b)"), "(neg (add a b))");
  EXPECT_EQ(tree("+a"), "a");  // unary plus adds no node
  EXPECT_EQ(tree("a*+b"), "(mul a b)");
}

TEST(Parser, Numbers) {
  const std::vector<std::pair<std::string, double>> cases = {
      {"1e-10", 1e-10}, {".5", 0.5}, {"3.", 3.0}, {"42", 42.0}, {"1E+3", 1000.0},
      {"2.5e2", 250.0}, {"0.1", 0.1}, {"1e-320", 1e-320}};
  for (const auto& [text, value] : cases) {
    const Expr expr = parse(text);
    ASSERT_EQ(expr.nodes.size(), 1u) << text;
    EXPECT_EQ(expr.nodes[0].op, Op::Const) << text;
    EXPECT_EQ(expr.nodes[0].value, value) << text;
  }
}

TEST(Parser, NoConstantFolding) {
  const Expr expr = parse("2*3 + -1");
  EXPECT_EQ(tree(expr, expr.root()), "(add (mul 2 3) (neg 1))");
  EXPECT_EQ(expr.nodes.size(), 6u);
}

TEST(Parser, EveryFunction) {
  for (const std::string name : {"exp", "log", "log2", "log10", "log1p", "sqrt", "abs", "tanh", "sinh"}) {
    EXPECT_EQ(tree(name + "(x + 1)"), "(" + name + " (add x 1))");
  }
  EXPECT_EQ(tree("min(a, b*c)"), "(min a (mul b c))");
  EXPECT_EQ(tree("max(N, 1e-10)^b"), "(pow (max N 1e-10) b)");
  EXPECT_EQ(tree("pow(N, -b)"), "(pow N (neg b))");
  EXPECT_EQ(tree("exp(log(x))"), "(exp (log x))");
  EXPECT_EQ(slfit::detail::function_names(),
            (std::vector<std::string>{"exp", "log", "log2", "log10", "log1p", "sqrt", "abs", "tanh", "sinh",
                                      "pow", "min", "max"}));
}

TEST(Parser, NamesResolveToVarsAndParams) {
  const Expr expr = parse("P * d");
  ASSERT_EQ(expr.nodes.size(), 3u);
  EXPECT_EQ(expr.nodes[0].op, Op::Var);
  EXPECT_EQ(expr.nodes[0].index, 3);
  EXPECT_EQ(expr.nodes[1].op, Op::Param);
  EXPECT_EQ(expr.nodes[1].index, 3);
}

TEST(Parser, NodesAreTopologicalWithPositions) {
  const Expr expr = parse("a * N^b");
  // a, N, b, ^, *
  ASSERT_EQ(expr.nodes.size(), 5u);
  for (std::size_t i = 0; i < expr.nodes.size(); ++i) {
    EXPECT_LT(expr.nodes[i].lhs, static_cast<int>(i));
    EXPECT_LT(expr.nodes[i].rhs, static_cast<int>(i));
  }
  EXPECT_EQ(expr.nodes[expr.root()].op, Op::Mul);
  std::vector<int> positions;
  for (const Node& node : expr.nodes) positions.push_back(node.position);
  EXPECT_EQ(positions, (std::vector<int>{0, 4, 6, 5, 2}));
  EXPECT_EQ(parse("  max(x, 1)").nodes.back().position, 2);
}

TEST(Parser, WhitespaceIncludingNewlines) {
  EXPECT_EQ(tree(" a\t*\n( x\r\n+ 1 ) "), "(mul a (add x 1))");
}

TEST(ParserErrors, ExactMessageWithCaret) {
  EXPECT_EQ(error_of("a + * b"), "ctx: expected a number, a name or '(', found '*' at character 5\na + * b\n    ^");
  EXPECT_EQ(error_of("a * N + Q"),
            "ctx: unknown identifier 'Q' at character 9 (not an input or a parameter)\na * N + Q\n        ^");
}

TEST(ParserErrors, Operands) {
  expect_syntax_error("", "empty expression", 1);
  expect_syntax_error("   ", "empty expression", 4);
  expect_syntax_error("a +", "expected a number, a name or '(', found the end of the expression", 4);
  expect_syntax_error("a * )", "expected a number, a name or '(', found ')'", 5);
  expect_syntax_error("()", "expected a number, a name or '(', found ')'", 2);
  expect_syntax_error("^2", "expected a number, a name or '(', found '^'", 1);
  expect_syntax_error("a^", "expected a number, a name or '(', found the end of the expression", 3);
}

TEST(ParserErrors, Operators) {
  expect_syntax_error("a b", "expected an operator, found name 'b'", 3);
  expect_syntax_error("2 3", "expected an operator, found number '3'", 3);
  expect_syntax_error("1.2.3", "expected an operator, found number '.3'", 4);
  expect_syntax_error("a, b", "expected an operator, found ','", 2);
  expect_syntax_error("2x", "expected an operator, found name 'x'", 2);
}

TEST(ParserErrors, Parentheses) {
  expect_syntax_error("(a + b", "'(' is never closed", 1);
  expect_syntax_error("x * ((a + b)", "'(' is never closed", 5);
  expect_syntax_error("(a b)", "expected an operator or ')', found name 'b'", 4);
  expect_syntax_error("a)", "unmatched ')'", 2);
  expect_syntax_error("(a))", "unmatched ')'", 4);
}

TEST(ParserErrors, Characters) {
  expect_syntax_error("a $ b", "unexpected character '$'", 3);
  expect_syntax_error(".", "unexpected character '.'", 1);
  expect_syntax_error("x \xC3\x97 y", "unexpected byte 0xC3", 3);
  expect_syntax_error("x\x01", "unexpected byte 0x01", 2);
}

TEST(ParserErrors, CaretStaysAlignedAcrossTabsAndNewlines) {
  const std::string message = error_of("a\t+\n$");
  EXPECT_EQ(message, "ctx: unexpected character '$' at character 5\na + $\n    ^");
}

TEST(ParserErrors, Numbers) {
  expect_syntax_error("1e", "malformed number '1e'", 1);
  expect_syntax_error("x + 1e+", "malformed number '1e+'", 5);
  expect_syntax_error("2.5Eq", "malformed number '2.5E'", 1);
  expect_syntax_error("1e999", "number '1e999' is out of range", 1);
}

TEST(ParserErrors, Functions) {
  expect_syntax_error("exp(a, b)", "function 'exp' takes 1 argument, not 2", 1);
  expect_syntax_error("1 + exp()", "function 'exp' takes 1 argument, not 0", 5);
  expect_syntax_error("min(a)", "function 'min' takes 2 arguments, not 1", 1);
  expect_syntax_error("pow(a, b, c)", "function 'pow' takes 2 arguments, not 3", 1);
  expect_syntax_error("max()", "function 'max' takes 2 arguments, not 0", 1);
  expect_syntax_error("exp(a", "'(' is never closed", 4);
  expect_syntax_error("min(a b)", "expected an operator, ',' or ')', found name 'b'", 7);
  expect_syntax_error("exp + 1", "function 'exp' needs its arguments in parentheses", 1);
  expect_syntax_error("a * sqrt", "function 'sqrt' needs its arguments in parentheses", 5);
}

TEST(ParserErrors, UnknownNames) {
  expect_syntax_error("foo(a)", "unknown function 'foo'", 1);
  expect_syntax_error("x * N(2)", "unknown function 'N'", 5);
  expect_syntax_error("a + Q", "unknown identifier 'Q'", 5);
  EXPECT_NE(error_of("foo(a)").find("(functions: exp, log, log2"), std::string::npos);
  // A bound expression has no parameters: the message lists the names it may use.
  const std::string message = error_of("y_mn", {"y_min", "y_max"}, {});
  EXPECT_NE(message.find("unknown identifier 'y_mn' at character 1 (names available: y_min, y_max"),
            std::string::npos)
      << message;
}

TEST(ParserErrors, AMisspelledNameGetsTheNearestOneSuggested) {
  // kVars and kParams of these tests: x, y, N, P and a, b, c, d.
  const std::string names = error_of("d + exq(a)");
  EXPECT_NE(names.find("unknown function 'exq' at character 5 (did you mean 'exp'? functions: exp,"),
            std::string::npos)
      << names;
  const std::string bound = error_of("y_mn", {"y_min", "y_max"}, {});
  EXPECT_NE(bound.find("(names available: y_min, y_max; did you mean 'y_min'?)"), std::string::npos) << bound;
  // One letter is too short to guess from: Q is not taken for N.
  EXPECT_EQ(error_of("a + Q").find("did you mean"), std::string::npos);
  EXPECT_EQ(slfit::nearest_name("Num_Params", {"num_params", "tokens"}), "num_params");  // case alone
  EXPECT_EQ(slfit::nearest_name("num_param", {"num_params", "tokens"}), "num_params");
  EXPECT_EQ(slfit::nearest_name("loss", {"num_params", "tokens"}), std::nullopt);
}

TEST(ParserErrors, NoContextPrefix) {
  try {
    slfit::parse_expression("a +", kVars, kParams, "");
    FAIL();
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()).rfind("expected a number", 0), 0u) << error.what();
  }
}

TEST(ParserErrors, DeepNestingIsAnErrorNotACrash) {
  const auto repeat = [](const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  const std::string too_deep = "expression nested too deeply (more than 200 levels)";
  EXPECT_NE(error_of(repeat("(", 100000) + "a" + repeat(")", 100000)).find(too_deep), std::string::npos);
  EXPECT_NE(error_of(repeat("-", 100000) + "a").find(too_deep), std::string::npos);
  EXPECT_NE(error_of(repeat("a^", 100000) + "a").find(too_deep), std::string::npos);
  EXPECT_NE(error_of(repeat("exp(", 100000) + "a" + repeat(")", 100000)).find(too_deep), std::string::npos);
  EXPECT_NO_THROW(parse(repeat("(", 150) + "a" + repeat(")", 150)));
  // Character 201 is where the 201st level would start.
  expect_syntax_error(repeat("(", 300) + "a", too_deep, 201);
}

TEST(Parser, LongFlatChainsNeedNoRecursion) {
  std::string text = "a";
  for (int i = 0; i < 100000; ++i) text += " + x";
  const Expr expr = parse(text);
  EXPECT_EQ(expr.nodes.size(), 200001u);
  EXPECT_EQ(print(expr), text);
  EXPECT_EQ(slfit::evaluate_scalar(expr, {0.5, 0, 0, 0}, {1, 0, 0, 0}), 50001.0);
}

TEST(ExprPrint, MinimalParentheses) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a * N^b / (P^c + 1e-10) + d", "a * N^b / (P^c + 1e-10) + d"},
      {"(a - b) - c", "a - b - c"},
      {"a - (b - c)", "a - (b - c)"},
      {"a + (b + c)", "a + (b + c)"},
      {"a / (b * c)", "a / (b * c)"},
      {"(a*b)/c", "a * b / c"},
      {"-x^2", "-x^2"},
      {"(-x)^2", "(-x)^2"},
      {"-(x^2)", "-x^2"},
      {"2^-1", "2^-1"},
      {"a^b^c", "a^b^c"},
      {"(a^b)^c", "(a^b)^c"},
      {"a^(b*c)", "a^(b * c)"},
      {"--a", "-(-a)"},
      {"-(a+b)", "-(a + b)"},
      {"-a*b", "-a * b"},
      {"a*-b", "a * -b"},
      {"a - -b", "a - -b"},
      {"+a", "a"},
      {"pow(N, b)", "N^b"},
      {"max(N,1e-10)^b", "max(N, 1e-10)^b"},
      {"exp(-(x))", "exp(-x)"},
      {"min((a+b), c)", "min(a + b, c)"},
      {"log2(x)+log10(x)*log1p(x)", "log2(x) + log10(x) * log1p(x)"},
      {"sqrt(abs(tanh(x)))", "sqrt(abs(tanh(x)))"},
  };
  for (const auto& [text, printed] : cases) {
    EXPECT_EQ(reprint(text), printed) << text;
  }
}

TEST(ExprPrint, NumbersRoundTripExactly) {
  for (const double value : {0.1, 1e-10, 1.0 / 3.0, 0.1 + 0.2, 6.02214076e23, 5e-324, 1.7976931348623157e308, 3.0,
                             1e21, 123456789012345680.0}) {
    const std::string text = slfit::shortest_number(value);
    const Expr expr = parse(text);
    ASSERT_EQ(expr.nodes.size(), 1u) << text;
    EXPECT_EQ(expr.nodes[0].value, value) << text;
  }
  EXPECT_EQ(slfit::shortest_number(0.1), "0.1");
  EXPECT_EQ(slfit::shortest_number(1e-10), "1e-10");
  EXPECT_EQ(slfit::shortest_number(3.0), "3");
}

TEST(ExprPrint, RoundTripGivesTheSameTree) {
  for (const std::string text :
       {"a * max(N, 1e-10)^b / (max(P, 1e-10)^c + 1e-10) + d", "a + (b * 1e9 / (N * (c * log(P) + 1)))^d",
        "a + b / N^c + d / P^c", "-a^-b^-c", "((a))", "a / (b / (c / d))", "a - (b + c) * -(d - x)",
        "min(max(a, b), -c) ^ 2 ^ -d", "exp(-a * x) + log1p(b) - sqrt(c^2 + d^2)", "2^-1^2", "-(-(-x))",
        "a * (b * c)", "(a + b) ^ (c - d)", "0.30000000000000004 * x + 1e-300", "tanh(a) * abs(b - c) / log10(d)",
        "pow(pow(a, b), c)", "-a - -b * --c"}) {
    const Expr expr = parse(text);
    const std::string printed = print(expr);
    const Expr reparsed = parse(printed);
    EXPECT_TRUE(same_tree(expr, reparsed)) << text << " printed as " << printed;
    EXPECT_EQ(print(reparsed), printed) << text;
  }
}

TEST(ExprPrint, NegativeConstantsBuiltByHandKeepTheirValue) {
  // The parser never makes a negative Const, but other code may; its text must still evaluate alike.
  Expr expr;
  expr.nodes = {Node{Op::Const, -2.0, -1, -1, -1, 0}, Node{Op::Var, 0.0, 0, -1, -1, 0},
                Node{Op::Pow, 0.0, -1, 0, 1, 0}};
  const std::string printed = print(expr);
  EXPECT_EQ(printed, "(-2)^x");
  EXPECT_EQ(slfit::evaluate_scalar(parse(printed), {3, 0, 0, 0}), -8.0);
}

TEST(ExprPrint, EmptyExpression) { EXPECT_EQ(print(Expr{}), ""); }

// The law language's functions are the CPU's vector math (law/vector_math.hpp), within 1 ulp of
// the C library's (tests/test_vector_math.cpp).
TEST(Evaluate, MatchesArithmeticAndTheVectorMath) {
  const std::vector<double> vars = {0.7, 2.5, 1.5e9, 4.0};
  const std::vector<double> params = {3.0, -0.05, 0.15, 1.8};
  const double x = vars[0], y = vars[1], N = vars[2], P = vars[3];
  const double a = params[0], b = params[1], c = params[2], d = params[3];
  const auto eval = [&](const std::string& text) { return slfit::evaluate_scalar(parse(text), vars, params); };
  EXPECT_EQ(eval("a * N^b / (P^c + 1e-10) + d"), a * slfit::vmath::pow(N, b) / (slfit::vmath::pow(P, c) + 1e-10) + d);
  EXPECT_EQ(eval("-x^2"), -(x * x));
  EXPECT_EQ(eval("2^-1"), 0.5);
  EXPECT_EQ(eval("P^a^c"), slfit::vmath::pow(P, slfit::vmath::pow(a, c)));
  EXPECT_EQ(eval("a - b - c"), a - b - c);
  EXPECT_EQ(eval("a / b / c"), a / b / c);
  EXPECT_EQ(eval("exp(x)"), slfit::vmath::exp(x));
  EXPECT_EQ(eval("log(y)"), slfit::vmath::log(y));
  EXPECT_EQ(eval("log2(y)"), slfit::vmath::log2(y));
  EXPECT_EQ(eval("log10(N)"), slfit::vmath::log10(N));
  EXPECT_EQ(eval("log1p(x)"), slfit::vmath::log1p(x));
  EXPECT_EQ(eval("sqrt(y)"), std::sqrt(y));
  EXPECT_EQ(eval("abs(b)"), 0.05);
  EXPECT_EQ(eval("tanh(x)"), slfit::vmath::tanh(x));
  EXPECT_EQ(eval("sinh(x)"), slfit::vmath::sinh(x));
  EXPECT_EQ(eval("pow(P, c)"), slfit::vmath::pow(P, c));
  EXPECT_EQ(eval("min(x, y)"), x);
  EXPECT_EQ(eval("max(x, y)"), y);
  EXPECT_EQ(eval("a + (a * 1e9 / (N * (c * log(P) + 1)))^d"), a + slfit::vmath::pow(a * 1e9 / (N * (c * slfit::vmath::log(P) + 1)), d));
}

TEST(Evaluate, NonFiniteArithmetic) {
  const auto eval = [](const std::string& text) { return slfit::evaluate_scalar(parse(text), {0, 0, 0, 0}); };
  EXPECT_TRUE(std::isnan(eval("log(-1)")));
  EXPECT_TRUE(std::isnan(eval("sqrt(-1)")));
  EXPECT_EQ(eval("1 / x"), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(eval("x / x")));
  // min and max propagate NaN from either side.
  EXPECT_TRUE(std::isnan(eval("min(x / x, 1)")));
  EXPECT_TRUE(std::isnan(eval("max(1, x / x)")));
  EXPECT_TRUE(std::isnan(slfit::evaluate_scalar(Expr{}, {})));
  // Ties go to the first operand, as in the evaluation program: visible only in zero's sign.
  EXPECT_FALSE(std::signbit(eval("min(x, -x)")));
  EXPECT_TRUE(std::signbit(eval("max(-x, x)")));
}

TEST(ExprMeta, ArityAndFunctionNames) {
  EXPECT_EQ(slfit::arity(Op::Const), 0);
  EXPECT_EQ(slfit::arity(Op::Var), 0);
  EXPECT_EQ(slfit::arity(Op::Param), 0);
  EXPECT_EQ(slfit::arity(Op::Neg), 1);
  EXPECT_EQ(slfit::arity(Op::Tanh), 1);
  EXPECT_EQ(slfit::arity(Op::Pow), 2);
  EXPECT_EQ(slfit::arity(Op::Max), 2);
  EXPECT_STREQ(slfit::function_name(Op::Log1p), "log1p");
  EXPECT_STREQ(slfit::function_name(Op::Add), "");
  EXPECT_STREQ(slfit::function_name(Op::Pow), "");
  EXPECT_EQ(slfit::detail::function_op("pow"), Op::Pow);
  EXPECT_EQ(slfit::detail::function_op("N"), std::nullopt);
  EXPECT_TRUE(slfit::detail::is_identifier("_x9"));
  EXPECT_FALSE(slfit::detail::is_identifier("9x"));
  EXPECT_FALSE(slfit::detail::is_identifier(""));
  EXPECT_FALSE(slfit::detail::is_identifier("a-b"));
}

}  // namespace
