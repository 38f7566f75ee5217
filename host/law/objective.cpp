// The objective of a law on one group: the law's predictions (BoundProgram) reduced against the
// observed values by the law's ObjectiveSpec, and its exact gradient.

#include "slfit/objective.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "law/loss_terms.hpp"
#include "law/program.hpp"
#include "law/residuals.hpp"
#include "law/vector_math.hpp"

namespace slfit {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

void check_size(const CompiledLaw& law, std::size_t size, const char* what) {
  if (size != static_cast<std::size_t>(law.num_params))
    throw std::invalid_argument("slfit: expected " + std::to_string(law.num_params) + " " + what + ", got " +
                                std::to_string(size));
}

// A loss and its derivative with respect to the residual, from the functions the CUDA code
// calls too (law/loss_terms.hpp). `scale` is Huber's delta or the f_scale of the others.
template <Loss loss>
inline double loss_value(double r, double scale) {
  if constexpr (loss == Loss::Mse) return loss::squared(r);
  else if constexpr (loss == Loss::Mae) return loss::absolute(r);
  else if constexpr (loss == Loss::Huber) return loss::huber(r, scale);
  else if constexpr (loss == Loss::SoftL1) return loss::soft_l1(r, scale);
  else if constexpr (loss == Loss::Cauchy) return loss::cauchy(r, scale);
  else return loss::arctan(r, scale);
}

template <Loss loss>
inline double loss_derivative(double r, double scale) {
  if constexpr (loss == Loss::Mse) return loss::squared_derivative(r);
  else if constexpr (loss == Loss::Mae) return loss::absolute_derivative(r);
  else if constexpr (loss == Loss::Huber) return loss::huber_derivative(r, scale);
  else if constexpr (loss == Loss::SoftL1) return loss::soft_l1_derivative(r, scale);
  else if constexpr (loss == Loss::Cauchy) return loss::cauchy_derivative(r, scale);
  else return loss::arctan_derivative(r, scale);
}

// One term's inputs over the points: its observed values (observed_values), the targets, and
// each residual's scale (all ones when the objective is not weighted, which multiplies exactly).
struct TermData {
  const double* observed;
  const double* y;
  const double* scale;
  double loss_scale;
  double coefficient;
};

// Adds coefficient * loss(scale * residual) to each point's total; with_adjoint also adds its
// derivative with respect to the prediction to each point's adjoint. The per-point totals are
// summed over the points afterwards, so the points' terms add up in term order, as on the GPU.
template <Loss loss, ResidualSpace space, bool with_adjoint>
void add_term(std::span<const double> prediction, const TermData& t, double* total, double* adjoint) {
  for (std::size_t i = 0; i < prediction.size(); ++i) {
    const double p = prediction[i];
    const double r = t.scale[i] * residual<space>(p, t.observed[i]);
    total[i] += t.coefficient * loss_value<loss>(r, t.loss_scale);
    if constexpr (with_adjoint)
      adjoint[i] += t.coefficient * loss_derivative<loss>(r, t.loss_scale) * t.scale[i] /
                    residual_divisor<space>(p, t.y[i]);
  }
}

// The sum over the points of one term, for an objective of one term: the same operations as
// add_term then the sum of the totals (0 + c * loss is c * loss; both sums in
// loss::sum_over_points' order), without the per-point totals' pass; with_adjoint sets each point's adjoint. Unscaled, the scale's exact multiplication by 1
// is left out.
template <Loss loss, ResidualSpace space, bool scaled, bool with_adjoint>
double sum_one_term(std::span<const double> prediction, const TermData& t, double* adjoint) {
  return loss::sum_over_points(prediction.size(), [&](std::size_t i) {
    const double p = prediction[i];
    const double raw = residual<space>(p, t.observed[i]);
    const double r = scaled ? t.scale[i] * raw : raw;
    if constexpr (with_adjoint) {
      const double d = t.coefficient * loss_derivative<loss>(r, t.loss_scale);
      adjoint[i] = (scaled ? d * t.scale[i] : d) / residual_divisor<space>(p, t.y[i]);
    }
    return t.coefficient * loss_value<loss>(r, t.loss_scale);
  });
}

// Calls f.template operator()<loss, space>() for a term's run-time loss and space, so that each
// pair gets its own instantiation of the loops above.
template <class F>
decltype(auto) visit_term(const ObjectiveTerm& term, F&& f) {
  auto in_space = [&]<Loss loss>() -> decltype(auto) {
    return visit_space(term.space, [&]<ResidualSpace space>() -> decltype(auto) {
      return f.template operator()<loss, space>();
    });
  };
  switch (term.loss) {
    case Loss::Mse: return in_space.template operator()<Loss::Mse>();
    case Loss::Mae: return in_space.template operator()<Loss::Mae>();
    case Loss::Huber: return in_space.template operator()<Loss::Huber>();
    case Loss::SoftL1: return in_space.template operator()<Loss::SoftL1>();
    case Loss::Cauchy: return in_space.template operator()<Loss::Cauchy>();
    case Loss::Arctan: return in_space.template operator()<Loss::Arctan>();
  }
  throw std::logic_error("slfit: objective: unknown loss");
}

using AddTerm = void (*)(std::span<const double>, const TermData&, double*, double*);
using SumOneTerm = double (*)(std::span<const double>, const TermData&, double*);

template <bool with_adjoint>
AddTerm select_add_term(const ObjectiveTerm& term) {
  return visit_term(term, [&]<Loss loss, ResidualSpace space>() -> AddTerm {
    return add_term<loss, space, with_adjoint>;
  });
}

template <bool with_adjoint>
SumOneTerm select_sum_one_term(const ObjectiveTerm& term, bool scaled) {
  return visit_term(term, [&]<Loss loss, ResidualSpace space>() -> SumOneTerm {
    return scaled ? sum_one_term<loss, space, true, with_adjoint> : sum_one_term<loss, space, false, with_adjoint>;
  });
}

}  // namespace

std::shared_ptr<const CompiledLaw> compile_law(const Law& law) { return std::make_shared<const CompiledLaw>(law); }

bool ObjectiveSpec::least_squares() const {
  return terms.size() == 1 && terms[0].loss == Loss::Mse && terms[0].coefficient == 1.0 && ridge == 0.0;
}

std::vector<double> observed_values(ResidualSpace space, std::span<const double> target) {
  std::vector<double> observed(target.begin(), target.end());
  if (space == ResidualSpace::Log)
    for (double& y : observed) y = vmath::log(y);
  if (space == ResidualSpace::NegLog)
    for (double& y : observed) y = vmath::log(-y);
  return observed;
}

std::vector<double> residual_scales(const ObjectiveSpec& objective, const GroupData& data) {
  const std::size_t n = data.size();
  if (objective.weighted && data.residual_scale.size() != n)
    throw std::invalid_argument("slfit: a weighted objective on group '" + data.name + "', which has " +
                                std::to_string(data.residual_scale.size()) + " residual scales for " +
                                std::to_string(n) + " points");
  std::vector<double> scales = objective.weighted ? data.residual_scale : std::vector<double>(n, 1.0);
  if (!objective.normalize_outputs) return scales;
  const std::size_t rows = data.rows();
  for (std::size_t k = 0; k < data.outputs; ++k) {
    const std::span<const double> y(data.target.data() + k * rows, rows);
    double mean = 0.0, squares = 0.0;
    for (const double v : y) mean += v;
    mean /= static_cast<double>(rows);
    for (const double v : y) squares += (v - mean) * (v - mean);
    const double inverse_sd = 1.0 / std::sqrt(squares / static_cast<double>(rows));
    for (std::size_t i = k * rows; i < (k + 1) * rows; ++i) scales[i] *= inverse_sd;
  }
  return scales;
}

double ridge_penalty(const ObjectiveSpec& objective, std::span<const double> params) {
  double sum = 0.0;
  for (const int k : objective.ridge_params) sum += params[k] * params[k];
  return objective.ridge * sum;
}

std::vector<double> predict(const CompiledLaw& law, const GroupData& data, std::span<const double> params) {
  check_size(law, params.size(), "parameters");
  BoundProgram program(law, data);
  const std::span<const double> prediction = program.forward(params);
  return {prediction.begin(), prediction.end()};
}

struct Objective::Impl {
  Impl(std::shared_ptr<const CompiledLaw> compiled, const GroupData& data, const ObjectiveSpec& objective)
      : law(std::move(compiled)),
        program(*law, data, batch_for_points(data.size())),
        spec(objective),
        target(data.target),
        scale(residual_scales(objective, data)),
        total(data.size()),
        adjoint(data.size()) {
    if (spec.terms.empty()) throw std::invalid_argument("slfit: an objective without terms");
    for (std::size_t t = 0; t < spec.terms.size(); ++t) {
      observed.push_back(observed_values(spec.terms[t].space, data.target));
      add_value.push_back(select_add_term<false>(spec.terms[t]));
      add_with_adjoint.push_back(select_add_term<true>(spec.terms[t]));
    }
    sum_value = select_sum_one_term<false>(spec.terms.front(), spec.scales_residuals());
    sum_with_adjoint = select_sum_one_term<true>(spec.terms.front(), spec.scales_residuals());
  }

  // The terms summed over the points: one term directly, several through per-point totals.
  double sum_terms(std::span<const double> prediction, bool gradient) {
    if (spec.terms.size() == 1) {
      const TermData data{observed[0].data(), target.data(), scale.data(), spec.terms[0].scale,
                          spec.terms[0].coefficient};
      return (gradient ? sum_with_adjoint : sum_value)(prediction, data, adjoint.data());
    }
    std::fill(total.begin(), total.end(), 0.0);
    if (gradient) std::fill(adjoint.begin(), adjoint.end(), 0.0);
    for (std::size_t t = 0; t < spec.terms.size(); ++t) {
      const TermData data{observed[t].data(), target.data(), scale.data(), spec.terms[t].scale,
                          spec.terms[t].coefficient};
      (gradient ? add_with_adjoint[t] : add_value[t])(prediction, data, total.data(), adjoint.data());
    }
    return loss::sum_over_points(total.size(), [&](std::size_t i) { return total[i]; });
  }

  // The objective of these predictions: +inf when not finite. In the gradient pass, also
  // leaves d(objective)/d(prediction) in `adjoint` (the ridge's gradient is backward()'s).
  double reduce(std::span<const double> prediction, std::span<const double> params, bool gradient) {
    const double sum = sum_terms(prediction, gradient);
    const bool mean = spec.reduce == Reduction::Mean;
    const double n = static_cast<double>(prediction.size());
    const double value = (mean ? sum / n : sum) + ridge_penalty(spec, params);
    if (!std::isfinite(value)) return kInfinity;
    if (gradient && mean)
      for (double& a : adjoint) a /= n;
    return value;
  }

  std::shared_ptr<const CompiledLaw> law;
  BoundProgram program;
  ObjectiveSpec spec;
  std::vector<AddTerm> add_value, add_with_adjoint;  // per term
  SumOneTerm sum_value = nullptr, sum_with_adjoint = nullptr;  // the first term alone
  std::vector<std::vector<double>> observed;         // per term: y as its space compares it
  std::vector<double> target;
  std::vector<double> scale;    // per point: its residual's factor (residual_scales)
  std::vector<double> total;    // per point: the sum of its terms
  std::vector<double> adjoint;  // d(objective)/d(prediction), per point
};

Objective::Objective(std::shared_ptr<const CompiledLaw> law, const GroupData& data, const ObjectiveSpec& spec)
    : impl_(std::make_unique<Impl>(std::move(law), data, spec)) {}
Objective::~Objective() = default;
Objective::Objective(Objective&&) noexcept = default;
Objective& Objective::operator=(Objective&&) noexcept = default;

int Objective::num_params() const { return impl_->law->num_params; }
std::size_t Objective::num_points() const { return impl_->program.size(); }

double Objective::value(std::span<const double> params) {
  check_size(*impl_->law, params.size(), "parameters");
  return impl_->reduce(impl_->program.forward(params), params, false);
}

void Objective::values(std::span<const double> params, std::span<double> values) {
  const std::size_t d = static_cast<std::size_t>(num_params());
  if (params.size() != values.size() * d)
    throw std::invalid_argument("slfit: expected " + std::to_string(values.size()) + " vectors of " +
                                std::to_string(d) + " parameters, got " + std::to_string(params.size()) + " values");
  const std::size_t n = num_points(), batch = impl_->program.batch();
  for (std::size_t first = 0; first < values.size(); first += batch) {
    const std::size_t count = std::min(batch, values.size() - first);
    const std::span<const double> members = params.subspan(first * d, count * d);
    const std::span<const double> predictions = impl_->program.forward(members, count);
    for (std::size_t k = 0; k < count; ++k)
      values[first + k] = impl_->reduce(predictions.subspan(k * n, n), members.subspan(k * d, d), false);
  }
}

double Objective::value_and_gradient(std::span<const double> params, std::span<double> grad) {
  check_size(*impl_->law, params.size(), "parameters");
  check_size(*impl_->law, grad.size(), "gradient entries");
  const double value = impl_->reduce(impl_->program.forward(params), params, true);
  if (value == kInfinity) return value;
  impl_->program.backward(impl_->adjoint, grad);
  for (const int k : impl_->spec.ridge_params) grad[k] += 2.0 * impl_->spec.ridge * params[k];
  return value;
}

}  // namespace slfit
