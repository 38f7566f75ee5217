#include "law/separable.hpp"

#include <optional>
#include <utility>

namespace slfit {
namespace {

constexpr int kZero = -1;  // a part that is identically 0

// Writes an expression as base + sum_k coefficient_k c_k over a set of parameters, appending the
// nodes it needs to a copy of the expression (so the original node i is node i of `out`).
class AffineSplit {
 public:
  AffineSplit(const Expr& expr, const std::vector<int>& linear, int num_params)
      : in_(expr), out_(expr), slot_(static_cast<std::size_t>(num_params), -1) {
    for (std::size_t k = 0; k < linear.size(); ++k) slot_[static_cast<std::size_t>(linear[k])] = static_cast<int>(k);
    width_ = linear.size();
  }

  // The parts of the whole expression (node indices in out(), kZero for 0), or nullopt where it
  // is not affine in the chosen parameters.
  std::optional<std::pair<int, std::vector<int>>> split() {
    const std::size_t n = in_.nodes.size();
    uses_.assign(n, false);
    forms_.assign(n, Form{});
    for (std::size_t i = 0; i < n; ++i)
      if (!visit(static_cast<int>(i))) return std::nullopt;
    Form& root = forms_[static_cast<std::size_t>(in_.root())];
    return std::make_pair(root.base, root.coefficients);
  }

  const Expr& out() const { return out_; }

 private:
  struct Form {
    int base = kZero;
    std::vector<int> coefficients;
  };

  int append(Op op, int lhs, int rhs, double value = 0.0) {
    Node node;
    node.op = op;
    node.value = value;
    node.lhs = lhs;
    node.rhs = rhs;
    out_.nodes.push_back(node);
    return out_.root();
  }
  int one() {
    if (one_ < 0) one_ = append(Op::Const, -1, -1, 1.0);
    return one_;
  }
  bool is_one(int part) const { return part >= 0 && part == one_; }

  int negate(int a) { return a == kZero ? kZero : append(Op::Neg, a, -1); }
  int add(int a, int b, bool subtract) {
    if (b == kZero) return a;
    if (a == kZero) return subtract ? negate(b) : b;
    return append(subtract ? Op::Sub : Op::Add, a, b);
  }
  // a * b where one of them is free of the chosen parameters; the operands keep their order, so
  // a basis evaluates as the law's own product does.
  int multiply(int a, int b) {
    if (a == kZero || b == kZero) return kZero;
    if (is_one(a)) return b;
    if (is_one(b)) return a;
    return append(Op::Mul, a, b);
  }
  int divide(int a, int b) { return a == kZero ? kZero : append(Op::Div, a, b); }

  Form constant_form(int node) {
    Form f;
    f.base = node;
    f.coefficients.assign(width_, kZero);
    return f;
  }
  template <class PartOp>
  Form map(const Form& f, PartOp op) {
    Form g;
    g.base = op(f.base);
    for (const int c : f.coefficients) g.coefficients.push_back(op(c));
    return g;
  }

  bool visit(int i) {
    const Node& node = in_.nodes[static_cast<std::size_t>(i)];
    const auto u = static_cast<std::size_t>(i);
    if (node.op == Op::Param && slot_[static_cast<std::size_t>(node.index)] >= 0) {
      uses_[u] = true;
      forms_[u] = constant_form(kZero);
      forms_[u].coefficients[static_cast<std::size_t>(slot_[static_cast<std::size_t>(node.index)])] = one();
      return true;
    }
    const bool lhs_uses = node.lhs >= 0 && uses_[static_cast<std::size_t>(node.lhs)];
    const bool rhs_uses = node.rhs >= 0 && uses_[static_cast<std::size_t>(node.rhs)];
    uses_[u] = lhs_uses || rhs_uses;
    if (!uses_[u]) {
      forms_[u] = constant_form(i);
      return true;
    }
    const Form& a = forms_[static_cast<std::size_t>(node.lhs)];
    switch (node.op) {
      case Op::Neg:
        forms_[u] = map(a, [&](int p) { return negate(p); });
        return true;
      case Op::Add:
      case Op::Sub: {
        const Form& b = forms_[static_cast<std::size_t>(node.rhs)];
        const bool subtract = node.op == Op::Sub;
        Form sum;
        sum.base = add(a.base, b.base, subtract);
        for (std::size_t k = 0; k < width_; ++k)
          sum.coefficients.push_back(add(a.coefficients[k], b.coefficients[k], subtract));
        forms_[u] = std::move(sum);
        return true;
      }
      case Op::Mul:
        if (lhs_uses && rhs_uses) return false;
        if (lhs_uses) forms_[u] = map(a, [&](int p) { return multiply(p, node.rhs); });
        else forms_[u] = map(forms_[static_cast<std::size_t>(node.rhs)], [&](int p) { return multiply(node.lhs, p); });
        return true;
      case Op::Div:
        if (rhs_uses) return false;
        forms_[u] = map(a, [&](int p) { return divide(p, node.rhs); });
        return true;
      default:  // pow, functions, min and max of a chosen parameter are not affine in it
        return false;
    }
  }

  const Expr& in_;
  Expr out_;
  std::vector<int> slot_;   // per parameter: its position among the chosen ones, or -1
  std::size_t width_ = 0;
  int one_ = -1;            // the Const 1 node, once appended
  std::vector<bool> uses_;  // per input node: whether it depends on a chosen parameter
  std::vector<Form> forms_; // per input node
};

}  // namespace

bool separable_objective(const ObjectiveSpec& objective) {
  return objective.terms.size() == 1 && objective.terms[0].loss == Loss::Mse &&
         objective.terms[0].space == ResidualSpace::Linear;
}

SeparableForm separate_linear_params(const Law& law) {
  const int num_params = static_cast<int>(law.params.size());
  SeparableForm form;
  for (int k = 0; k < num_params && static_cast<int>(form.linear.size()) < kMaxLinearParams; ++k) {
    std::vector<int> trial = form.linear;
    trial.push_back(k);
    if (AffineSplit(law.expr, trial, num_params).split()) form.linear = std::move(trial);
  }
  if (form.linear.empty()) return form;

  AffineSplit split(law.expr, form.linear, num_params);
  const auto parts = split.split();
  const auto& [base, coefficients] = *parts;
  if (base != kZero) form.base = subexpression(split.out(), base);
  for (const int c : coefficients) {
    if (c != kZero) {
      form.basis.push_back(subexpression(split.out(), c));
      continue;
    }
    Expr zero;  // a parameter whose terms cancel to 0 (c - c): its basis is the constant 0
    zero.nodes.push_back(Node{});
    form.basis.push_back(std::move(zero));
  }
  for (int k = 0, next = 0; k < num_params; ++k) {
    if (next < static_cast<int>(form.linear.size()) && form.linear[static_cast<std::size_t>(next)] == k) ++next;
    else form.nonlinear.push_back(k);
  }
  return form;
}

namespace {

std::shared_ptr<const CompiledLaw> compile_part(const Law& law, const Expr& part) {
  Law copy = law;
  copy.expr = part;
  return std::make_shared<const CompiledLaw>(copy);
}

}  // namespace

bool asks_separable_search(const Problem& problem) {
  return problem.options.pipeline != Pipeline::Seed && problem.options.separable == Separable::Auto &&
         separable_objective(problem.objective);
}

std::optional<SeparableForm> separable_search(const Problem& problem) {
  if (!asks_separable_search(problem)) return std::nullopt;
  SeparableForm form = separate_linear_params(*problem.law);
  if (form.linear.empty()) return std::nullopt;
  return form;
}

SeparablePrograms::SeparablePrograms(const Law& law, SeparableForm separable) : form(std::move(separable)) {
  if (!form.base.empty()) base = compile_part(law, form.base);
  for (const Expr& part : form.basis) basis.push_back(compile_part(law, part));
}

std::vector<const CompiledLaw*> separable_programs(const SeparablePrograms& programs) {
  std::vector<const CompiledLaw*> out;
  if (programs.base) out.push_back(programs.base.get());
  for (const auto& part : programs.basis) out.push_back(part.get());
  return out;
}

}  // namespace slfit
