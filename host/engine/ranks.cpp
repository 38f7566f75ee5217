#include "slfit/ranks.hpp"

#include <atomic>

#include "engine/wire.hpp"

namespace slfit {
namespace {

Ranks* installed = nullptr;
// Whether an exchange has carried a failure: the ranks are stopping, and the rank that failed
// must not offer its failure again. Atomic: the tests run ranks as threads of one process.
std::atomic<bool> failure_was_shared = false;

// Each rank's part of a checked exchange: a status byte, then its bytes or its failure.
enum Status : std::uint8_t { kOk = 0, kFailed = 1 };

}  // namespace

Ranks* batch_ranks() { return installed; }

void set_batch_ranks(Ranks* ranks) {
  installed = ranks;
  failure_was_shared = false;
}

bool is_output_rank() { return installed == nullptr || installed->rank() == 0; }

std::vector<std::string> exchange_or_throw(Ranks& ranks, const std::string& mine, const ProgressSink& on_progress,
                                           std::exception_ptr failed) {
  Writer w;
  w.u8(failed ? kFailed : kOk);
  w.bytes(failed ? encode_error(failed) : mine);
  const std::vector<std::string> frames = ranks.exchange(w.take(), on_progress);
  std::vector<std::string> out(frames.size());
  for (std::size_t r = 0; r < frames.size(); ++r) {
    Reader in(frames[r]);
    const std::uint8_t status = in.u8();
    std::string payload = in.bytes();
    if (status == kOk) {
      out[r] = std::move(payload);
      continue;
    }
    failure_was_shared = true;
    if (static_cast<int>(r) == ranks.rank()) std::rethrow_exception(failed);
    std::rethrow_exception(decode_error(payload, static_cast<int>(r)));
  }
  return out;
}

std::string on_output_rank(const std::function<std::string()>& work) {
  if (!installed) return work();
  std::string mine;
  std::exception_ptr failed;
  if (installed->rank() == 0) {
    try {
      mine = work();
    } catch (...) {
      failed = std::current_exception();
    }
  }
  return exchange_or_throw(*installed, mine, nullptr, failed)[0];
}

void share_failure(std::exception_ptr failure) noexcept {
  if (!installed || failure_was_shared) return;
  try {
    (void)exchange_or_throw(*installed, {}, nullptr, failure);
  } catch (...) {
    // Expected: the exchange throws the first failure, which every rank now knows. Or the
    // transport itself failed, and the launcher ends the job.
  }
  failure_was_shared = true;
}

}  // namespace slfit
