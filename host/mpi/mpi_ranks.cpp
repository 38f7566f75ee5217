// The ranks of an MPI job (slfit/ranks.hpp) over MPI: the only file that includes mpi.h.
//
// An exchange is MPI_Allgather of the sizes and MPI_Allgatherv of the bytes, after a
// non-blocking barrier that the ranks wait on with short sleeps rather than MPI's busy polling,
// so that a rank that finished its share early leaves the cores to the ranks still working
// beside it. Progress travels point to point to rank 0 on one tag: batches of finished problem
// indices, and, before each exchange, a marker (an empty message) from every other rank. MPI
// keeps the messages of one sender on one tag in order, so once rank 0 has every marker it has
// every index posted before it, and no message is left unreceived for a later exchange.

#include <mpi.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <list>
#include <stdexcept>
#include <thread>

#include "slfit/ranks.hpp"

namespace slfit {
namespace {

constexpr int kProgressTag = 7301;
// A rank other than 0 sends its finished indices at most this often (and before each exchange).
constexpr auto kPostEvery = std::chrono::milliseconds(200);

std::string mpi_error_text(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  return std::string(text, static_cast<std::size_t>(length));
}

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + ": " + mpi_error_text(code));
}

// Whether an MPI launcher started this process: mpirun (Open MPI), or a PMI/PMIx launcher such
// as Slurm's srun or MPICH's hydra.
bool started_by_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(name)) return true;
  return false;
}

class MpiRanks final : public Ranks {
 public:
  MpiRanks() {
    // Errors come back as codes (checked), so that they become exceptions with their words.
    check(MPI_Comm_dup(MPI_COMM_WORLD, &world_), "MPI_Comm_dup");
    MPI_Comm_set_errhandler(world_, MPI_ERRORS_RETURN);
    check(MPI_Comm_rank(world_, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(world_, &size_), "MPI_Comm_size");
    MPI_Comm node;
    check(MPI_Comm_split_type(world_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node), "MPI_Comm_split_type");
    check(MPI_Comm_rank(node, &local_rank_), "MPI_Comm_rank");
    cores_ = share_of_cores(node);
    MPI_Comm_free(&node);
  }

  ~MpiRanks() override {
    finish_sends();
    MPI_Comm_free(&world_);
    MPI_Finalize();
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int local_rank() const override { return local_rank_; }
  int cores() const override { return cores_; }

  std::vector<std::string> exchange(const std::string& mine, const ProgressSink& on_progress) override {
    if (rank_ != 0) {
      send_pending();
      send({});  // the marker
    }
    MPI_Request barrier;
    check(MPI_Ibarrier(world_, &barrier), "MPI_Ibarrier");
    for (auto pause = std::chrono::microseconds(20);;) {
      if (rank_ == 0) receive_available(on_progress);
      int done = 0;
      check(MPI_Test(&barrier, &done, MPI_STATUS_IGNORE), "MPI_Test");
      if (done) break;
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::microseconds(500));
    }
    // Every marker has been sent; take those still on their way.
    while (rank_ == 0 && markers_ < size_ - 1) receive_one(on_progress);
    markers_ = 0;
    finish_sends();
    return all_gather(mine);
  }

  void post_progress(std::uint64_t index) override {
    if (rank_ == 0) return;
    pending_.push_back(index);
    if (std::chrono::steady_clock::now() - last_post_ >= kPostEvery) send_pending();
  }

  void poll_progress(const ProgressSink& on_progress) override {
    if (rank_ == 0) receive_available(on_progress);
  }

 private:
  // The cores this rank may run on, divided among the ranks of its node that may run on any of
  // them: a launcher that bound each rank to its own cores leaves them whole, one that bound
  // none divides the node (collective over `node`: a rank whose mask cannot be read still takes
  // part, with an empty mask, and gets one core).
  static int share_of_cores(MPI_Comm node) {
    cpu_set_t mine;
    CPU_ZERO(&mine);
    if (sched_getaffinity(0, sizeof mine, &mine) != 0) CPU_ZERO(&mine);
    int count = 0;
    check(MPI_Comm_size(node, &count), "MPI_Comm_size");
    std::vector<cpu_set_t> all(static_cast<std::size_t>(count));
    check(MPI_Allgather(&mine, sizeof mine, MPI_BYTE, all.data(), sizeof mine, MPI_BYTE, node), "MPI_Allgather");
    int sharing = 0;
    for (cpu_set_t& other : all) {
      cpu_set_t both;
      CPU_AND(&both, &mine, &other);
      if (CPU_COUNT(&both) > 0) ++sharing;
    }
    return std::max(1, CPU_COUNT(&mine) / std::max(1, sharing));
  }

  std::vector<std::string> all_gather(const std::string& mine) {
    const auto length = static_cast<unsigned long long>(mine.size());
    std::vector<unsigned long long> lengths(static_cast<std::size_t>(size_));
    check(MPI_Allgather(&length, 1, MPI_UNSIGNED_LONG_LONG, lengths.data(), 1, MPI_UNSIGNED_LONG_LONG, world_),
          "MPI_Allgather");
    // Allgatherv counts in int: every rank sees the same lengths, so all refuse alike.
    std::vector<int> counts(lengths.size()), offsets(lengths.size());
    unsigned long long total = 0;
    for (std::size_t r = 0; r < lengths.size(); ++r) {
      if (total + lengths[r] > static_cast<unsigned long long>(INT_MAX))
        throw std::runtime_error("MPI: the ranks' results exceed 2 GiB in one exchange; use smaller batches");
      offsets[r] = static_cast<int>(total);
      counts[r] = static_cast<int>(lengths[r]);
      total += lengths[r];
    }
    std::string all(total, '\0');
    check(MPI_Allgatherv(mine.data(), counts[static_cast<std::size_t>(rank_)], MPI_BYTE, all.data(), counts.data(),
                         offsets.data(), MPI_BYTE, world_),
          "MPI_Allgatherv");
    std::vector<std::string> out(lengths.size());
    for (std::size_t r = 0; r < lengths.size(); ++r)
      out[r] = all.substr(static_cast<std::size_t>(offsets[r]), static_cast<std::size_t>(counts[r]));
    return out;
  }

  void send_pending() {
    last_post_ = std::chrono::steady_clock::now();
    if (pending_.empty()) return;
    send(std::move(pending_));
    pending_.clear();
  }

  // Sends without waiting; the buffer lives until the send completes.
  void send(std::vector<std::uint64_t> indices) {
    buffers_.push_back(std::move(indices));
    MPI_Request request;
    check(MPI_Isend(buffers_.back().data(), static_cast<int>(buffers_.back().size()), MPI_UINT64_T, 0, kProgressTag,
                    world_, &request),
          "MPI_Isend");
    requests_.push_back(request);
  }

  void finish_sends() {
    if (requests_.empty()) return;
    MPI_Waitall(static_cast<int>(requests_.size()), requests_.data(), MPI_STATUSES_IGNORE);
    requests_.clear();
    buffers_.clear();
  }

  void receive_available(const ProgressSink& on_progress) {
    for (;;) {
      int waiting = 0;
      check(MPI_Iprobe(MPI_ANY_SOURCE, kProgressTag, world_, &waiting, MPI_STATUS_IGNORE), "MPI_Iprobe");
      if (!waiting) return;
      receive_one(on_progress);
    }
  }

  void receive_one(const ProgressSink& on_progress) {
    MPI_Status status;
    check(MPI_Probe(MPI_ANY_SOURCE, kProgressTag, world_, &status), "MPI_Probe");
    int count = 0;
    MPI_Get_count(&status, MPI_UINT64_T, &count);
    std::vector<std::uint64_t> indices(static_cast<std::size_t>(count));
    check(MPI_Recv(indices.data(), count, MPI_UINT64_T, status.MPI_SOURCE, kProgressTag, world_, MPI_STATUS_IGNORE),
          "MPI_Recv");
    if (indices.empty()) ++markers_;
    else if (on_progress) on_progress(indices);
  }

  MPI_Comm world_ = MPI_COMM_NULL;
  int rank_ = 0, size_ = 1, local_rank_ = 0, cores_ = 1;
  int markers_ = 0;  // rank 0: markers received towards the exchange in progress
  std::vector<std::uint64_t> pending_;
  std::chrono::steady_clock::time_point last_post_ = std::chrono::steady_clock::now();
  std::list<std::vector<std::uint64_t>> buffers_;  // a list: the buffers in flight never move
  std::vector<MPI_Request> requests_;
};

}  // namespace

std::unique_ptr<Ranks> join_mpi_job(int& argc, char**& argv) {
  if (!started_by_launcher()) return nullptr;
  int provided = 0;
  // Funneled: only the thread that called main makes MPI calls (progress reaches it through
  // BatchOptions::on_problem_done, which runs on the batch's calling thread).
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    throw std::runtime_error("MPI: this MPI library does not allow threads (MPI_THREAD_FUNNELED)");
  }
  return std::make_unique<MpiRanks>();
}

}  // namespace slfit
