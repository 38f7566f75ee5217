#include "engine/shared_batch.hpp"

#include "engine/batch_guard.hpp"
#include "engine/wire.hpp"

namespace slfit {
namespace {

// The problems rank r of `count` fits, in batch order.
std::vector<std::size_t> deal(Dealing dealing, std::size_t n, std::size_t count, std::size_t r) {
  std::vector<std::size_t> mine;
  if (dealing == Dealing::Interleaved)
    for (std::size_t i = r; i < n; i += count) mine.push_back(i);
  else
    for (std::size_t i = n * r / count; i < n * (r + 1) / count; ++i) mine.push_back(i);
  return mine;
}

}  // namespace

std::vector<FitResult> fit_batch_shared(Ranks& ranks, std::span<const Problem> problems, const BatchOptions& batch,
                                        Dealing dealing, const FitShare& fit_share) {
  const std::size_t n = problems.size(), count = static_cast<std::size_t>(ranks.size());
  const std::size_t rank = static_cast<std::size_t>(ranks.rank());
  const std::vector<std::size_t> share = deal(dealing, n, count, rank);
  std::vector<Problem> subset;
  subset.reserve(share.size());
  for (std::size_t i : share) subset.push_back(problems[i]);

  const ProgressSink forward = [&](std::span<const std::uint64_t> indices) {
    for (std::uint64_t i : indices) batch.on_problem_done(static_cast<std::size_t>(i));
  };
  BatchOptions mine = batch;
  BatchTiming timing;
  mine.timing = &timing;
  // The other ranks always post: rank 0 alone decides whether anyone listens.
  if (rank != 0) mine.on_problem_done = [&](std::size_t i) { ranks.post_progress(share[i]); };
  else if (batch.on_problem_done)
    mine.on_problem_done = [&](std::size_t i) {
      batch.on_problem_done(share[i]);
      ranks.poll_progress(forward);
    };

  std::string bytes;
  std::exception_ptr failed;
  try {
    const std::vector<FitResult> results = fit_share(subset, mine);
    Writer w;
    write_results(w, results);
    write_timing(w, timing);
    bytes = w.take();
  } catch (...) {
    failed = std::current_exception();
  }
  const std::vector<std::string> shares =
      exchange_or_throw(ranks, bytes, batch.on_problem_done ? forward : ProgressSink{}, failed);

  std::vector<FitResult> results(n);
  for (std::size_t r = 0; r < count; ++r) {
    Reader in(shares[r]);
    std::vector<FitResult> part = read_results(in);
    const BatchTiming t = read_timing(in);
    const std::vector<std::size_t> theirs = deal(dealing, n, count, r);
    if (part.size() != theirs.size() || !in.done())
      throw std::runtime_error("rank " + std::to_string(r) + " returned results that do not match its share");
    for (std::size_t j = 0; j < theirs.size(); ++j) results[theirs[j]] = std::move(part[j]);
    if (batch.timing) add_timing(*batch.timing, t);
  }
  return results;
}

}  // namespace slfit
