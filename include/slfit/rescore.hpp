#pragma once
// Re-scoring a leaderboard: every manifest entry's law fitted to every group of its task's
// training data, K restarts each, all (entry x group x restart) fits in one fit_batch, then each
// entry scored on its task's test split with SLDBench's metrics.
//
// Random streams. The fit of (entry, group g, restart r) draws from Philox stream
// r * 2^32 + g under the run's seed, where g is the group's index in the task's training file.
// The stream does not depend on the entry's position, on the other entries or on the batch
// order, so:
//   - an entry's row is the same whatever else the manifest holds, and in whatever order;
//   - every law on a task faces the same random draws (common random numbers: a difference
//     between two rows comes from the laws, not from the luck of their DE starts);
//   - restart 0 draws exactly what `slfit fit` draws (stream = group index), so with one restart
//     an entry's fits are bit-identical to `slfit fit` with the same options.

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "slfit/backend.hpp"
#include "slfit/metrics.hpp"
#include "slfit/manifest.hpp"
#include "slfit/fit.hpp"

namespace slfit {

enum class EntryStatus {
  Converged,          // scored; every kept fit converged
  MaxIter,            // scored; some kept fit's final local search ran out of iterations
  InvalidEntry,       // the entry, its law or its data could not be used; nothing was fitted
  FitFailed,          // a fit threw, or found no parameters with a finite objective
  InvalidPrediction,  // fitted, but the test predictions (or the metrics) are not finite
};
const char* to_string(EntryStatus status);
inline bool is_scored(EntryStatus s) { return s == EntryStatus::Converged || s == EntryStatus::MaxIter; }

// SLDBench's score for an entry that could not be scored.
constexpr double kFailedR2 = -1.0;

// The kept fit of one group: the restart with the lowest training objective.
struct GroupFit {
  const GroupData* group = nullptr;
  FitResult fit;
  int restart = 0;
  std::vector<double> restart_objectives;  // every restart's objective, by restart index
};

struct EntryScore {
  const ManifestEntry* entry = nullptr;
  std::string law_name;                   // the law's name, or the law as written when unloadable
  std::shared_ptr<const Law> law;         // null for InvalidEntry
  std::shared_ptr<const CompiledLaw> compiled;
  std::shared_ptr<const Dataset> train;   // keeps GroupFit::group alive
  FitOptions options;
  std::vector<GroupFit> fits;             // one per training group
  EntryStatus status = EntryStatus::InvalidEntry;
  std::string error;                      // empty unless the entry failed
  Scores test;                            // r2 = kFailedR2, nmse = nmae = NaN when not scored
  std::vector<Scores> test_outputs;       // a multi-output law's outputs, each scored (test is their mean)
  double train_objective = 0.0;           // kept objectives summed over groups; NaN when not fitted
  double seconds = 0.0;                   // fit time summed over the entry's fits
};

struct RescoreOptions {
  FitOptions fit;                         // the command line's; entries may override parts
  int restarts = 1;
  int threads = 0;
  Backend backend = Backend::Cpu;
  std::ostream* backend_note = nullptr;   // where fit_batch_with_backend says which it chose
  bool explain_backend = false;           // and why, in full (choose_backend's `explain`)
  // Called as entries finish (entries that fail before fitting count at once), one call at a
  // time, with the number finished so far.
  std::function<void(std::size_t done, std::size_t total)> on_entries_done;
  // When set and true, fits not yet started are not run (BatchOptions::stop): a caller's Ctrl-C.
  const std::atomic<bool>* stop = nullptr;
};

struct Rescored {
  std::vector<EntryScore> entries;        // one per manifest entry, in manifest order
  std::string backend;                    // the backend that ran the fits: "cpu" or "cuda"
};

// Throws only for failures that are not an entry's (out of memory, an unusable --backend cuda);
// an entry's failure is recorded in its EntryScore. The three steps below in one call.
Rescored rescore(const Manifest& manifest, const RescoreOptions& options);

// Rescoring in three steps, so that the fits of one deterministic plan can be split anywhere (the
// ranks of an MPI job, a caller's own batches): plan_rescore prepares every entry and lists every
// fit of every entry as one batch; any slice of plan.problems can be fitted on its own (fit_batch,
// fit_batch_on: every problem draws from its own stream, so where it runs changes nothing);
// score_rescore turns all the results, in plan order, into the entries' scores.
struct RescorePlan {
  // One per manifest entry, in manifest order: the entries that cannot be fitted are already
  // final (InvalidEntry); the others hold their law, data and options, to be scored.
  std::vector<EntryScore> entries;
  // Every entry's fits: entry by entry, then group by group, restarts fastest. Entry e's are
  // problems[first[e]] to problems[first[e + 1] - 1].
  std::vector<Problem> problems;
  std::vector<std::size_t> first;
  std::vector<std::shared_ptr<const Dataset>> tests;  // per entry; null where it cannot be fitted
  int restarts = 1;
};

// Uses options.fit and options.restarts; the manifest must outlive the plan.
RescorePlan plan_rescore(const Manifest& manifest, const RescoreOptions& options);

// results[i] is the fit of plan.problems[i].
std::vector<EntryScore> score_rescore(const RescorePlan& plan, std::span<const FitResult> results);

// Entry indices best first: by r2 to 10 significant digits, descending (failed entries count as
// kFailedR2), ties in manifest order: fits of one optimum that differ only by rounding (on another
// backend, say) keep their order.
std::vector<std::size_t> ranking(const std::vector<EntryScore>& scores);

}  // namespace slfit
