#include "cuda/de_chunk.hpp"

#include <algorithm>
#include <optional>

namespace slfit {

const GeneratedLaws::Entry& GeneratedLaws::of(const Problem& p) {
  // Keyed by what separable_search reads besides the law, so that its analysis of the law's AST
  // runs once per entry, not once per problem (a batch can hold a million problems).
  const bool asks_separable = p.options.pipeline == Pipeline::De && p.options.separable == Separable::Auto;
  auto [it, fresh] = entries_.try_emplace(std::tuple(p.compiled.get(), p.objective, asks_separable));
  if (fresh) {
    Entry& e = it->second;
    if (std::optional<SeparableForm> form = separable_search(p)) {
      e.separable = std::make_shared<const SeparablePrograms>(*p.law, std::move(*form));
      e.law = generate_cuda_separable_law(*e.separable, p.objective);
    } else {
      e.law = generate_cuda_law(*p.compiled, p.objective);
    }
    e.source_id = source_ids_.try_emplace(e.law.source, source_ids_.size()).first->second;
  }
  return it->second;
}

std::size_t de_population_doubles(int members, int num_params) {
  return static_cast<std::size_t>(members) * (static_cast<std::size_t>(num_params) + 1);
}

std::size_t de_shared_bytes(int members, int num_params, std::size_t columns, int max_points) {
  return sizeof(double) *
         (2 * de_population_doubles(members, num_params) + (columns + 1) * static_cast<std::size_t>(max_points));
}

DeChunk pack_de_chunk(std::span<const Problem> chunk, GeneratedLaws& laws) {
  DeChunk h;
  for (const Problem& p : chunk) {
    const GeneratedLaws::Entry& entry = laws.of(p);
    const GeneratedLaw& own = entry.law;
    const std::vector<double> cols =
        entry.separable ? device_columns(separable_programs(*entry.separable), p.objective, own.columns, *p.data)
                        : device_columns(*p.compiled, p.objective, own.columns, *p.data);
    const std::vector<double> observed = device_observed(p.objective, *p.data);
    h.constants.insert(h.constants.end(), own.constants.begin(), own.constants.end());
    h.offset.push_back(static_cast<long long>(h.data.size()));
    h.points.push_back(static_cast<int>(p.data->size()));
    h.max_points = std::max(h.max_points, static_cast<int>(p.data->size()));
    h.data.insert(h.data.end(), cols.begin(), cols.end());
    h.data.insert(h.data.end(), observed.begin(), observed.end());
    const auto log_scale_of = [&](int k) -> unsigned char {
      return p.bounds.log_scale.empty() ? 0 : p.bounds.log_scale[static_cast<std::size_t>(k)];
    };
    if (entry.separable) {  // the DE searches the nonlinear parameters; K ends with the linear ones' box
      const SeparableForm& form = entry.separable->form;
      for (const int k : form.nonlinear) {
        h.lower.push_back(p.bounds.lower[static_cast<std::size_t>(k)]);
        h.upper.push_back(p.bounds.upper[static_cast<std::size_t>(k)]);
        h.log_scale.push_back(log_scale_of(k));
      }
      for (const int k : form.linear) h.constants.push_back(p.bounds.lower[static_cast<std::size_t>(k)]);
      for (const int k : form.linear) h.constants.push_back(p.bounds.upper[static_cast<std::size_t>(k)]);
    } else {
      h.lower.insert(h.lower.end(), p.bounds.lower.begin(), p.bounds.lower.end());
      h.upper.insert(h.upper.end(), p.bounds.upper.begin(), p.bounds.upper.end());
      for (std::size_t k = 0; k < p.bounds.lower.size(); ++k) h.log_scale.push_back(log_scale_of(static_cast<int>(k)));
    }
    h.stream.push_back(p.stream);
  }
  return h;
}

}  // namespace slfit
