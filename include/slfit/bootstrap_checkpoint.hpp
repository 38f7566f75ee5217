#pragma once
// The --checkpoint file of `slfit bootstrap`: a header line holding the arguments that decide
// the fits, then one line per finished fit, appended chunk by chunk as fits complete:
//     {"slfit_bootstrap_checkpoint": 1, "arguments": {...}}
//     R <group> <replicate> <status> <objective> <param>...      (J <group> <row> ... for BCa's
//                                                                  leave-one-out fits)
// Numbers are written with 17 significant digits, so a resumed run reads back exactly what it
// wrote and ends with the same result as an uninterrupted one. A process killed mid-write leaves
// at most a partial last line, which is dropped when the file is reopened. In an MPI job
// (slfit/ranks.hpp) rank 0 alone reads and writes the file, and every rank knows what it held:
// constructing one is collective, and append() writes on rank 0 only.

#include <functional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "slfit/bootstrap.hpp"

namespace slfit {

class BootstrapCheckpoint {
 public:
  // Opens `path`, creating it with a header holding `arguments` when it does not exist. An
  // existing file must hold the same arguments (InputError naming the ones that differ); its
  // records are read, each checked with `known_task` and for `num_params` parameters.
  BootstrapCheckpoint(std::string path, const nlohmann::ordered_json& arguments, std::size_t num_params,
                      const std::function<bool(const BootstrapTask&)>& known_task);
  ~BootstrapCheckpoint();
  BootstrapCheckpoint(const BootstrapCheckpoint&) = delete;
  BootstrapCheckpoint& operator=(const BootstrapCheckpoint&) = delete;

  // The fits the file already held when it was opened.
  const std::vector<TaskFit>& finished() const { return finished_; }

  // Appends the fits in one write. Throws std::runtime_error naming the file on failure.
  void append(std::span<const TaskFit> fits);

 private:
  void append_text(const std::string& text);

  std::string path_;
  int fd_ = -1;
  std::vector<TaskFit> finished_;
};

}  // namespace slfit
