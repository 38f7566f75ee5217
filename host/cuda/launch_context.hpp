#pragma once
// What a kernel launch was, for its error messages: GPU sessions are short and rare, so a launch
// that fails or a kernel that faults must be diagnosable offline from the message alone. Every
// launch, shared memory opt-in and wait of the backend's kernels reports one (cuda::check).

#include <cstddef>
#include <span>
#include <string>

#include "slfit/fit.hpp"

namespace slfit {

struct LaunchContext {
  std::string kernel;              // e.g. "slfit_de"
  std::string law;                 // the problems' law names: the generated program holds none
  unsigned grid = 0;               // blocks
  unsigned block = 0;              // threads per block
  std::size_t dynamic_shared = 0;  // bytes asked for by the launch
  std::size_t static_shared = 0;   // bytes of the kernel's own __shared__ arrays
  int registers = 0;               // per thread
  int max_points = 0;              // the most data points of any problem in the launch
  std::size_t problems = 0;        // problems in the launch (the chunk)

  // "grid=... block=... dynamic_shared=... static_shared=... registers=... max_points=...
  // problems=... kernel=... law='...'", every field named.
  std::string to_string() const;
};

// The law names of a launch's problems, for LaunchContext::law: variants of one formula share a
// launch, so there can be several; the first three distinct ones, then how many more.
std::string launch_law_names(std::span<const Problem> problems);

}  // namespace slfit
