#include "cuda/de_chunk.hpp"

#include <algorithm>

namespace slfit {

const GeneratedLaws::Entry& GeneratedLaws::of(const Problem& p) {
  auto [it, fresh] = entries_.try_emplace(std::pair(p.compiled.get(), p.objective));
  if (fresh) {
    it->second.law = generate_cuda_law(*p.compiled, p.objective);
    it->second.source_id = source_ids_.try_emplace(it->second.law.source, source_ids_.size()).first->second;
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
    const GeneratedLaw& own = laws.of(p).law;
    const std::vector<double> cols = device_columns(*p.compiled, p.objective, own.columns, *p.data);
    const std::vector<double> observed = device_observed(p.objective, *p.data);
    h.constants.insert(h.constants.end(), own.constants.begin(), own.constants.end());
    h.offset.push_back(static_cast<long long>(h.data.size()));
    h.points.push_back(static_cast<int>(p.data->size()));
    h.max_points = std::max(h.max_points, static_cast<int>(p.data->size()));
    h.data.insert(h.data.end(), cols.begin(), cols.end());
    h.data.insert(h.data.end(), observed.begin(), observed.end());
    h.lower.insert(h.lower.end(), p.bounds.lower.begin(), p.bounds.lower.end());
    h.upper.insert(h.upper.end(), p.bounds.upper.begin(), p.bounds.upper.end());
    if (p.bounds.log_scale.empty()) h.log_scale.insert(h.log_scale.end(), p.bounds.lower.size(), 0);
    else h.log_scale.insert(h.log_scale.end(), p.bounds.log_scale.begin(), p.bounds.log_scale.end());
    h.stream.push_back(p.stream);
  }
  return h;
}

}  // namespace slfit
