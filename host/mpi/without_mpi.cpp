// join_mpi_job in a build without MPI (SLFIT_MPI=OFF, or no MPI found): CMake compiles this file
// instead of mpi_ranks.cpp, so that the CLI asks the same question either way.

#include <cstdlib>
#include <stdexcept>

#include "slfit/ranks.hpp"

namespace slfit {

std::unique_ptr<Ranks> join_mpi_job(int&, char**&) {
  // Started as one of several ranks, each process would think it ran alone and write every
  // output: refuse instead.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char* size = std::getenv(name); size && std::atoi(size) > 1)
      throw std::runtime_error("started as one of " + std::string(size) +
                               " MPI ranks, but this slfit was built without MPI (rebuild with -DSLFIT_MPI=ON, "
                               "or run it without mpirun)");
  return nullptr;
}

}  // namespace slfit
