#pragma once
// The separable split (separable_search) of every law of a batch, analysed and compiled once per
// law rather than once per problem: a bootstrap's thousands of resamples, a device chunk's
// problems, share a law (the AST analysis and the parts' compilation were 1.2% of a local
// refit's instructions, and serial work before a device batch's refinement).

#include <exception>
#include <memory>
#include <span>
#include <unordered_map>

#include "law/separable.hpp"
#include "slfit/fit.hpp"

namespace slfit {

class SeparableSplits {
 public:
  // Analyses the law of each problem that asks for a separable search (asks_separable_search).
  // Built on one thread; const afterwards, so any thread may read it.
  explicit SeparableSplits(std::span<const Problem> problems);

  // separable_search(problem) compiled as programs, or null where the problem's search covers
  // every parameter. The problem's law must be one of the problems' the object was built from.
  // Where the analysis of its law threw, throws that again: the problem fails, not the batch.
  const SeparablePrograms* of(const Problem& problem) const;

 private:
  struct Split {
    std::shared_ptr<const SeparablePrograms> programs;  // null: not separable
    std::exception_ptr failure;
  };
  // Keyed by the law itself: the problems hold it, so it outlives this object's use in a batch.
  std::unordered_map<const Law*, Split> by_law_;
};

}  // namespace slfit
