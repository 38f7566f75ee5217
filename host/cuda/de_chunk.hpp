#pragma once
// The host side of a DE launch, apart from the CUDA runtime: each problem's generated law, and a
// chunk of problems packed into the arrays the DE kernel reads (DeParams in kernels/de_params.h).
// The CUDA backend uploads them; the kernel's CPU twin (tests/kernel_twin) reads them as they are.

#include <cstddef>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "law/cuda_codegen.hpp"
#include "slfit/fit.hpp"

namespace slfit {

// The generated code of each distinct (compiled law, objective, search asked for) of a batch,
// made once, and an id per distinct source, so that comparing two problems' code is comparing two
// numbers. A problem whose DE solves the linear parameters exactly (separable_search) gets its
// law's separable code (generate_cuda_separable_law), the others the law's own.
class GeneratedLaws {
 public:
  struct Entry {
    GeneratedLaw law;
    std::shared_ptr<const SeparablePrograms> separable;  // the parts' programs of a separable law
    std::size_t source_id = 0;
  };

  const Entry& of(const Problem& p);

 private:
  std::map<std::tuple<const CompiledLaw*, ObjectiveSpec, bool>, Entry> entries_;
  std::map<std::string, std::size_t> source_ids_;
};

// A chunk's inputs, problem after problem: data + offset[p] holds problem p's law's columns
// (column-major, points[p] each) then its observed values; the searched parameters' bounds and
// log-coordinate flags, streams and the law's numbers (K, and a separable law's linear
// parameters' lower and upper bounds after them) per problem.
struct DeChunk {
  std::vector<double> data, lower, upper, constants;
  std::vector<unsigned char> log_scale;
  std::vector<long long> offset;
  std::vector<int> points;
  std::vector<unsigned long long> stream;
  int max_points = 0;
};

// The DE kernel's per-problem layout (kernels/de_kernel.cuh): the population and its energies,
// then as many again for the trials, in doubles; in shared memory the problem's points follow
// (its columns and observed values, max_points each).
std::size_t de_population_doubles(int members, int num_params);
std::size_t de_shared_bytes(int members, int num_params, std::size_t columns, int max_points);

// Packs problems that share a launch (their generated sources are one; each brings its numbers).
DeChunk pack_de_chunk(std::span<const Problem> chunk, GeneratedLaws& laws);

}  // namespace slfit
