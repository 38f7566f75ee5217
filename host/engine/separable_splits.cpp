#include "engine/separable_splits.hpp"

#include <optional>
#include <stdexcept>
#include <utility>

namespace slfit {

SeparableSplits::SeparableSplits(std::span<const Problem> problems) {
  for (const Problem& p : problems) {
    if (!asks_separable_search(p)) continue;
    auto [it, fresh] = by_law_.try_emplace(p.law.get());
    if (!fresh) continue;
    try {
      if (std::optional<SeparableForm> form = separable_search(p))
        it->second.programs = std::make_shared<const SeparablePrograms>(*p.law, std::move(*form));
    } catch (...) {
      it->second.failure = std::current_exception();
    }
  }
}

const SeparablePrograms* SeparableSplits::of(const Problem& problem) const {
  if (!asks_separable_search(problem)) return nullptr;
  const auto it = by_law_.find(problem.law.get());
  if (it == by_law_.end())
    throw std::logic_error("slfit: SeparableSplits asked for law '" + problem.law->name + "', not in its batch");
  if (it->second.failure) std::rethrow_exception(it->second.failure);
  return it->second.programs.get();
}

}  // namespace slfit
