#pragma once
// A one-line progress report on stderr for long runs: items done, rate and time left, redrawn in
// place. It appears only once a run has taken more than a second, and never when stderr is not
// a terminal (logs and pipes stay clean) or when the user asked for quiet. In an MPI job rank 0
// alone reports, counting every rank's work; its stderr reaches the user through the launcher as
// a pipe, so it writes a whole line every ten seconds instead of redrawing one.

#include <chrono>
#include <cstddef>
#include <string>

namespace slfit::cli {

class ProgressLine {
 public:
  // `total` items, of which `already_done` were finished before this run (a resumed checkpoint):
  // they count as done but not towards the rate.
  ProgressLine(std::string what, std::size_t total, std::size_t already_done, bool quiet);
  ~ProgressLine();

  void update(std::size_t done);

 private:
  std::string what_;
  std::size_t total_, already_done_;
  bool lines_;      // whole lines (stderr is not a terminal: an MPI job's rank 0)
  bool enabled_;
  bool drawn_ = false;
  bool finished_drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace slfit::cli
