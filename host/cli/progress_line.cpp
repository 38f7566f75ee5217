#include "cli/progress_line.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "slfit/ranks.hpp"

namespace slfit::cli {
namespace {

constexpr double kShowAfterSeconds = 1.0;
constexpr double kRedrawEverySeconds = 0.25;
// Under MPI, rank 0's stderr is a pipe to the launcher, which may be a terminal or a log: whole
// lines, less often.
constexpr double kLineEverySeconds = 10.0;

std::string duration_text(double seconds) {
  const long s = std::lround(seconds);
  char buffer[32];
  if (s >= 3600) std::snprintf(buffer, sizeof buffer, "%ldh%02ldm", s / 3600, s / 60 % 60);
  else if (s >= 60) std::snprintf(buffer, sizeof buffer, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(buffer, sizeof buffer, "%lds", s);
  return buffer;
}

}  // namespace

ProgressLine::ProgressLine(std::string what, std::size_t total, std::size_t already_done, bool quiet)
    : what_(std::move(what)),
      total_(total),
      already_done_(already_done),
      lines_(!::isatty(STDERR_FILENO)),
      enabled_(!quiet && is_output_rank() && (!lines_ || batch_ranks() != nullptr)),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressLine::~ProgressLine() {
  if (drawn_ && !lines_) std::fputc('\n', stderr);
}

void ProgressLine::update(std::size_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const bool finished = done >= total_;
  if (elapsed < kShowAfterSeconds) return;
  const double every = lines_ ? kLineEverySeconds : kRedrawEverySeconds;
  if (!finished && std::chrono::duration<double>(now - last_draw_).count() < every && drawn_) return;
  if (finished && lines_ && finished_drawn_) return;
  finished_drawn_ = finished;
  last_draw_ = now;
  const double rate = static_cast<double>(done - already_done_) / elapsed;
  const std::string left = finished ? "done" : rate > 0 ? duration_text(static_cast<double>(total_ - done) / rate) + " left" : "";
  if (lines_) std::fprintf(stderr, "%s: %zu/%zu, %.0f/s, %s\n", what_.c_str(), done, total_, rate, left.c_str());
  else std::fprintf(stderr, "\r%s: %zu/%zu, %.0f/s, %s\033[K", what_.c_str(), done, total_, rate, left.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace slfit::cli
