#pragma once
// A batch shared among the ranks of an MPI job (slfit/ranks.hpp): each rank fits its share and
// every rank gets every result.

#include <functional>
#include <span>
#include <vector>

#include "slfit/fit.hpp"
#include "slfit/ranks.hpp"

namespace slfit {

// Fits a part of a batch on this rank (fit_batch_on's single-process path).
using FitShare = std::function<std::vector<FitResult>(std::span<const Problem>, const BatchOptions&)>;

// How a batch's problems are dealt to K ranks. Every problem keeps its Philox stream, so the
// results do not depend on the dealing; only the balance and the locality do.
enum class Dealing {
  // Rank r takes problems r, r + K, r + 2K, ...: each rank gets a like mix of the batch, which
  // balances the ranks where the batch is ordered by cost (a leaderboard's laws, a bootstrap's
  // groups). The CPU's.
  Interleaved,
  // Rank r takes problems [n*r/K, n*(r+1)/K): problems that share a law (a compiled device
  // program) stay on one rank, so each GPU compiles about 1/K of the batch's programs. The GPU's.
  Contiguous,
};

// Collective. Rank 0 reports every problem's completion to its batch.on_problem_done as the
// ranks post them; the others report none to theirs. batch.timing gets the time splits summed
// over the ranks. When a rank's share throws as a whole (its device fails to open, say), every
// rank throws that (exchange_or_throw); failures of single problems are results, as without
// ranks.
std::vector<FitResult> fit_batch_shared(Ranks& ranks, std::span<const Problem> problems, const BatchOptions& batch,
                                        Dealing dealing, const FitShare& fit_share);

}  // namespace slfit
