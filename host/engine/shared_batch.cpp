#include "engine/shared_batch.hpp"

#include "engine/batch_guard.hpp"
#include "engine/wire.hpp"

namespace slfit {

std::vector<FitResult> fit_batch_shared(Ranks& ranks, std::span<const Problem> problems, const BatchOptions& batch,
                                        const FitShare& fit_share) {
  const std::size_t n = problems.size(), count = static_cast<std::size_t>(ranks.size());
  const auto share_begin = [&](std::size_t r) { return n * r / count; };
  const std::size_t rank = static_cast<std::size_t>(ranks.rank());
  const std::size_t begin = share_begin(rank), end = share_begin(rank + 1);

  const ProgressSink forward = [&](std::span<const std::uint64_t> indices) {
    for (std::uint64_t i : indices) batch.on_problem_done(static_cast<std::size_t>(i));
  };
  BatchOptions mine = batch;
  BatchTiming timing;
  mine.timing = &timing;
  // The other ranks always post: rank 0 alone decides whether anyone listens.
  if (rank != 0) mine.on_problem_done = [&](std::size_t i) { ranks.post_progress(begin + i); };
  else if (batch.on_problem_done)
    mine.on_problem_done = [&](std::size_t i) {
      batch.on_problem_done(begin + i);
      ranks.poll_progress(forward);
    };

  std::string bytes;
  std::exception_ptr failed;
  try {
    const std::vector<FitResult> results = fit_share(problems.subspan(begin, end - begin), mine);
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
    if (part.size() != share_begin(r + 1) - share_begin(r) || !in.done())
      throw std::runtime_error("rank " + std::to_string(r) + " returned results that do not match its share");
    std::move(part.begin(), part.end(), results.begin() + static_cast<std::ptrdiff_t>(share_begin(r)));
    if (batch.timing) add_timing(*batch.timing, t);
  }
  return results;
}

}  // namespace slfit
