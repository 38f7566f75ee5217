// The kernel's CPU twin: runs the DE kernel of a law's program (kernels/de_kernel.cuh linked
// with the law's module, both compiled from the sources NVRTC compiles, cuda_emulation.hpp
// force-included) on one launch's inputs, and writes its outputs.
//
//   twin LAUNCH_FILE OUTCOMES_FILE
//
// Built and run by tests/test_cuda_twin.cpp, which compares the outcomes with the CPU backend's.

#include <cstdio>
#include <exception>

#include "de_params.h"
#include "de_steps.hpp"
#include "twin_io.hpp"

extern "C" void slfit_de(const slfit_kernel::DeParams P);

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: twin LAUNCH_FILE OUTCOMES_FILE\n");
    return 2;
  }
  try {
    slfit::twin::Launch in = slfit::twin::read<slfit::twin::Launch>(argv[1]);
    const std::size_t n = static_cast<std::size_t>(in.problems), d = static_cast<std::size_t>(in.num_params);
    slfit::twin::Outcomes out;
    out.best.assign(n * d, -1.0);
    out.best_energy.assign(n, -1.0);
    out.generations.assign(n, -1);
    out.converged.assign(n, -1);
    out.evaluations.assign(n, -1);
    out.runners_up.assign(n * slfit::de::kRunnersUp * d, -1.0);
    out.runner_count.assign(n, -1);
    const std::size_t population_doubles = static_cast<std::size_t>(in.members) * (d + 1);
    std::vector<double> scratch(in.in_shared ? 0 : 2 * population_doubles * n);

    slfit_kernel::DeParams P{};
    P.data = in.data.data();
    P.data_offset = in.offset.data();
    P.points = in.points.data();
    P.lower = in.lower.data();
    P.upper = in.upper.data();
    P.log_scale = in.log_scale.data();
    P.stream = in.stream.data();
    P.constants = in.constants.data();
    P.scratch = scratch.data();
    P.best = out.best.data();
    P.best_energy = out.best_energy.data();
    P.runners_up = out.runners_up.data();
    P.runner_count = out.runner_count.data();
    P.generations = out.generations.data();
    P.evaluations = out.evaluations.data();
    P.converged = out.converged.data();
    P.problems = in.problems;
    P.num_params = in.num_params;
    P.columns = in.columns;
    P.num_constants = in.num_constants;
    P.members = in.members;
    P.maxiter = in.maxiter;
    P.in_shared = in.in_shared;
    P.immediate = in.immediate;
    P.seed = in.seed;
    P.tol = in.tol;
    P.atol = in.atol;
    P.mutation_min = in.mutation_min;
    P.mutation_max = in.mutation_max;
    P.recombination = in.recombination;
    slfit_twin::launch(&slfit_de, static_cast<unsigned>(n), static_cast<unsigned>(in.block_threads),
                       in.in_shared ? in.dynamic_bytes : 0, P);
    slfit::twin::write(argv[2], out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "twin: %s\n", e.what());
    return 1;
  }
  return 0;
}
