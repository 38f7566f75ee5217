#pragma once
// Running one command as several processes (MPI ranks, under mpirun or Slurm's srun). The engine
// sees the ranks through the Ranks interface only, so the library does not depend on MPI: the
// CLI joins the job (join_mpi_job, host/mpi/) and installs the ranks for the command's duration
// (set_batch_ranks); Python and the tests never do, and run alone.
//
// Every rank runs the same command on the same arguments. Rank 0 alone touches files (read_input_file
// and the bootstrap checkpoint read on rank 0 and hand every rank the same bytes; write_output
// writes on rank 0 only), and every rank parses and validates the same bytes, so all reach the
// same decisions. Each batch (fit_batch_on) is dealt to the ranks in shares of equal size
// (interleaved on the CPU, contiguous on GPUs: engine/shared_batch.hpp) and every rank gets every
// result back; each problem keeps its Philox stream, so the results, and the outputs, do not
// depend on the number of ranks.
//
// A failure anywhere stops every rank: the ranks meet only in collective exchanges, each of which
// says whether a rank failed, and a rank that fails outside one offers its failure at the next
// exchange the others reach (share_failure). Each rank then throws the first failure, in rank
// order, and exits with the code a single process would; rank 0 reports it.

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace slfit {

// Receives the batch indices of problems another rank has finished (rank 0 only).
using ProgressSink = std::function<void(std::span<const std::uint64_t>)>;

class Ranks {
 public:
  virtual ~Ranks() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  // This rank's place among the ranks on its node: which of the node's GPUs it takes.
  virtual int local_rank() const = 0;
  // The cores this rank's CPU work should use: those it may run on, shared with the other ranks
  // on its node that may run on any of them (all of them when no launcher bound the ranks, none
  // when each has cores of its own).
  virtual int cores() const = 0;

  // Collective: every rank's bytes, in rank order, on every rank. Waits without spinning; while
  // it waits, rank 0 passes the progress the others post to `on_progress` (when set).
  virtual std::vector<std::string> exchange(const std::string& mine, const ProgressSink& on_progress) = 0;
  // Not collective. On a rank other than 0: problem `index` is finished (sent to rank 0 in
  // batches, at the next exchange at the latest). On rank 0: nothing.
  virtual void post_progress(std::uint64_t index) = 0;
  // Not collective. On rank 0: passes what the others have posted so far to `on_progress`,
  // without waiting. Elsewhere: nothing.
  virtual void poll_progress(const ProgressSink& on_progress) = 0;
};

// The ranks this process's batches are shared among, or null (the default) when it runs alone.
Ranks* batch_ranks();
// Installs (or, with null, removes) the ranks for this process. The caller keeps them alive.
void set_batch_ranks(Ranks* ranks);

// True unless this process is a rank other than 0, which reads no input file and writes no output.
bool is_output_rank();

// Collective when ranks are installed: `work` runs on rank 0 only and every rank gets its bytes,
// or throws what it threw. Alone, simply work().
std::string on_output_rank(const std::function<std::string()>& work);

// Collective: exchange() with each rank's success or failure. Every rank gets the others' bytes,
// or, when any rank failed (`failed` set on that rank), throws the first failure in rank order:
// its own exception when that is its own, else an InputError or std::runtime_error whose message
// starts "rank N: ".
std::vector<std::string> exchange_or_throw(Ranks& ranks, const std::string& mine,
                                           const ProgressSink& on_progress = nullptr,
                                           std::exception_ptr failed = nullptr);

// For a rank whose command threw (the CLI's main): offers the failure at the exchange the other
// ranks are in or reach next, unless an exchange has already shared it. Never throws.
void share_failure(std::exception_ptr failure) noexcept;

// The MPI job this process was started in, when an MPI launcher (mpirun, srun) started it and
// this binary was built with MPI (-DSLFIT_MPI); else null, and MPI is never initialised, so the
// binary behaves as one built without it. Destroying the result finalises MPI. Throws
// std::runtime_error when MPI fails to start, or when this binary, built without MPI, was started
// as one of several ranks.
std::unique_ptr<Ranks> join_mpi_job(int& argc, char**& argv);

}  // namespace slfit
