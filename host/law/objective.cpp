// The objective of a law on one group: the law's predictions (BoundProgram) reduced against the
// observed values by the law's ObjectiveSpec, and its exact gradient.

#include "slfit/objective.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "law/loss_terms.hpp"
#include "law/program.hpp"

namespace slfit {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

void check_size(const CompiledLaw& law, std::size_t size, const char* what) {
  if (size != static_cast<std::size_t>(law.num_params))
    throw std::invalid_argument("slfit: expected " + std::to_string(law.num_params) + " " + what + ", got " +
                                std::to_string(size));
}

// The per-point loss term of residual r, and its derivative with respect to r, from the terms
// the CUDA code calls too (law/loss_terms.hpp).
template <ObjectiveKind kind>
inline double term(double r, double delta) {
  if constexpr (kind == ObjectiveKind::Mse) return loss::squared(r);
  else return loss::huber(r, delta);
}

template <ObjectiveKind kind>
inline double term_derivative(double r, double delta) {
  if constexpr (kind == ObjectiveKind::Mse) return loss::squared_derivative(r);
  else return loss::huber_derivative(r, delta);
}

// Sums the loss terms over the points; with_adjoint also stores d(sum)/d(prediction) per point.
// In log space `observed` holds log(y); `scale` is the residuals' scale (weighted) or unused.
// Not finite when any prediction or log is not.
template <ObjectiveKind kind, ResidualSpace space, bool weighted, bool with_adjoint>
double sum_terms(std::span<const double> prediction, const std::vector<double>& observed, const double* scale,
                 double delta, double* adjoint) {
  double sum = 0.0;
  for (std::size_t i = 0; i < prediction.size(); ++i) {
    const double p = prediction[i];
    const double raw = (space == ResidualSpace::Log ? std::log(p) : p) - observed[i];
    const double r = weighted ? scale[i] * raw : raw;
    sum += term<kind>(r, delta);
    if constexpr (with_adjoint) {
      const double d = weighted ? term_derivative<kind>(r, delta) * scale[i] : term_derivative<kind>(r, delta);
      adjoint[i] = space == ResidualSpace::Log ? d / p : d;
    }
  }
  return sum;
}

using SumTerms = double (*)(std::span<const double>, const std::vector<double>&, const double*, double, double*);

template <ObjectiveKind kind, ResidualSpace space, bool with_adjoint>
SumTerms select_weighting(bool weighted) {
  return weighted ? sum_terms<kind, space, true, with_adjoint> : sum_terms<kind, space, false, with_adjoint>;
}

template <bool with_adjoint>
SumTerms select_sum_terms(const ObjectiveSpec& spec) {
  using enum ObjectiveKind;
  using enum ResidualSpace;
  const bool log = spec.space == Log, w = spec.weighted;
  if (spec.kind == Mse)
    return log ? select_weighting<Mse, Log, with_adjoint>(w) : select_weighting<Mse, Linear, with_adjoint>(w);
  return log ? select_weighting<Huber, Log, with_adjoint>(w) : select_weighting<Huber, Linear, with_adjoint>(w);
}

}  // namespace

std::shared_ptr<const CompiledLaw> compile_law(const Law& law) { return std::make_shared<const CompiledLaw>(law); }

std::vector<double> predict(const CompiledLaw& law, const GroupData& data, std::span<const double> params) {
  check_size(law, params.size(), "parameters");
  BoundProgram program(law, data);
  const std::span<const double> prediction = program.forward(params);
  return {prediction.begin(), prediction.end()};
}

struct Objective::Impl {
  Impl(std::shared_ptr<const CompiledLaw> compiled, const GroupData& data, const ObjectiveSpec& objective)
      : law(std::move(compiled)),
        program(*law, data),
        spec(objective),
        sum_value(select_sum_terms<false>(objective)),
        sum_with_adjoint(select_sum_terms<true>(objective)),
        observed(data.target),
        scale(data.residual_scale),
        adjoint(data.size()) {
    if (spec.space == ResidualSpace::Log)
      for (double& y : observed) y = std::log(y);
    if (spec.weighted && scale.size() != data.size())
      throw std::invalid_argument("slfit: a weighted objective on group '" + data.name + "', which has " +
                                  std::to_string(scale.size()) + " residual scales for " +
                                  std::to_string(data.size()) + " rows");
  }

  // The objective of these predictions: +inf when not finite. In the gradient pass, also
  // leaves d(objective)/d(prediction) in `adjoint`.
  double reduce(std::span<const double> prediction, bool gradient) {
    const double sum = gradient ? sum_with_adjoint(prediction, observed, scale.data(), spec.delta, adjoint.data())
                                : sum_value(prediction, observed, scale.data(), spec.delta, nullptr);
    const bool mean = spec.reduce == Reduction::Mean;
    const double n = static_cast<double>(prediction.size());
    const double value = mean ? sum / n : sum;
    if (!std::isfinite(value)) return kInfinity;
    if (gradient && mean)
      for (double& a : adjoint) a /= n;
    return value;
  }

  std::shared_ptr<const CompiledLaw> law;
  BoundProgram program;
  ObjectiveSpec spec;
  SumTerms sum_value;
  SumTerms sum_with_adjoint;
  std::vector<double> observed;  // y, or log(y) in log space
  std::vector<double> scale;     // per point: its residual's factor (weighted objectives)
  std::vector<double> adjoint;   // d(objective)/d(prediction), per point
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
  return impl_->reduce(impl_->program.forward(params), false);
}

void Objective::values(std::span<const double> params, std::span<double> values) {
  const std::size_t d = static_cast<std::size_t>(num_params());
  if (params.size() != values.size() * d)
    throw std::invalid_argument("slfit: expected " + std::to_string(values.size()) + " vectors of " +
                                std::to_string(d) + " parameters, got " + std::to_string(params.size()) + " values");
  for (std::size_t k = 0; k < values.size(); ++k) values[k] = value(params.subspan(k * d, d));
}

double Objective::value_and_gradient(std::span<const double> params, std::span<double> grad) {
  check_size(*impl_->law, params.size(), "parameters");
  check_size(*impl_->law, grad.size(), "gradient entries");
  const double value = impl_->reduce(impl_->program.forward(params), true);
  if (value != kInfinity) impl_->program.backward(impl_->adjoint, grad);
  return value;
}

}  // namespace slfit
