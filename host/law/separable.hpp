#pragma once
// The linear parameters of a law, found from its AST: most scaling laws are linear in some of
// their parameters (E, A and B of Chinchilla's E + A / N^alpha + B / D^beta; a and d of the
// seed's a N^b / P^c + d), so that the prediction is
//
//     f(x; theta, c) = base(x; theta) + sum_k c_k basis_k(x; theta)
//
// with theta the other parameters. For a least-squares objective the best c of any theta is a
// small linear least-squares problem (engine/projected_objective.hpp solves it), and the global
// search runs over theta alone: variable projection (Golub and Pereyra).

#include <memory>
#include <optional>
#include <vector>

#include "law/program.hpp"
#include "slfit/expr.hpp"
#include "slfit/fit.hpp"
#include "slfit/law.hpp"

namespace slfit {

// The most linear parameters any fit can solve for at once; a law linear in more keeps the first
// kMaxLinearParams of them linear and searches the rest.
constexpr int kMaxLinearParams = 16;

struct SeparableForm {
  std::vector<int> linear;     // indices into Law::params, ascending; empty: not separable
  std::vector<int> nonlinear;  // the other parameters, ascending
  // The prediction's parts as expressions of the law's variables and `nonlinear` parameters
  // (Param nodes keep the law's indices): empty `base` is 0. basis[k] multiplies linear[k].
  Expr base;
  std::vector<Expr> basis;
};

// Splits the law's prediction as above, choosing the linear parameters greedily in parameter
// order: a parameter joins when the prediction stays affine in all chosen ones jointly (it enters
// only through sums, differences, negations, products with and quotients by terms free of chosen
// parameters). The parts are built from the law's own nodes, so each basis function evaluates as
// the law does (a N^b / P^c has basis N^b / P^c). No linear parameter: `linear` is empty.
SeparableForm separate_linear_params(const Law& law);

// Whether the best linear parameters of an objective are a linear least-squares solution: one mse
// term (any coefficient) in linear space, weighted or not, outputs normalised or not, a ridge on
// any parameters. Log, relative and robust losses make them a nonlinear problem again.
bool separable_objective(const ObjectiveSpec& objective);

// The split of the problem's law when its pipeline solves the linear parameters exactly for each
// candidate (the de pipeline's DE, on either backend, and the local pipeline's search, under
// Separable::Auto, for a separable_objective and a law with linear parameters); nullopt where it
// searches every parameter (and for the seed pipeline, which is the seed program's).
std::optional<SeparableForm> separable_search(const Problem& problem);

// separable_search's conditions other than the law's form: the pipeline, Separable::Auto and a
// separable_objective. A batch analyses the laws of only these problems, once per law
// (engine/separable_splits.hpp).
bool asks_separable_search(const Problem& problem);

// The separable form's parts compiled as programs (the law's, with the part as its expression),
// once per law; the host's projected objective and the device's code generator both use them.
struct SeparablePrograms {
  SeparablePrograms(const Law& law, SeparableForm form);

  SeparableForm form;
  std::shared_ptr<const CompiledLaw> base;  // null where the base is 0
  std::vector<std::shared_ptr<const CompiledLaw>> basis;
};

// The programs in one order: the base (where there is one), then the basis functions.
std::vector<const CompiledLaw*> separable_programs(const SeparablePrograms& programs);

}  // namespace slfit
