#pragma once
// The files between a test and the kernel's CPU twin (twin_main.cpp): a launch's inputs, as the
// host packs them for the device (cuda/de_chunk.hpp) with the DE settings, and the DE kernel's
// outputs. Raw native-endian arrays, each preceded by its element count; both ends are built on
// the same machine from this header.

#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace slfit::twin {

struct Launch {
  // DeParams' scalars.
  std::int32_t problems = 0, num_params = 0, columns = 0, num_constants = 0, members = 0, maxiter = 0;
  std::int32_t in_shared = 0;  // 1: the population and points in dynamic shared memory
  std::int32_t immediate = 0;  // 1: immediate updating
  std::uint64_t seed = 0;
  double tol = 0, atol = 0, mutation_min = 0, mutation_max = 0, recombination = 0;
  // The launch's shape.
  std::int32_t block_threads = 0;
  std::uint64_t dynamic_bytes = 0;
  // The chunk (DeChunk).
  std::vector<double> data, lower, upper, constants;
  std::vector<unsigned char> log_scale;
  std::vector<long long> offset;
  std::vector<int> points;
  std::vector<unsigned long long> stream;
};

struct Outcomes {
  std::vector<double> best, best_energy, runners_up;
  std::vector<int> generations, converged, runner_count;
  std::vector<long long> evaluations;
};

class Writer {
 public:
  explicit Writer(const std::string& path) : out_(path, std::ios::binary) {
    if (!out_) throw std::runtime_error("cannot write " + path);
  }
  template <class T>
  void value(const T& v) {
    out_.write(reinterpret_cast<const char*>(&v), sizeof v);
  }
  template <class T>
  void array(const std::vector<T>& v) {
    value<std::uint64_t>(v.size());
    out_.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(T)));
  }

 private:
  std::ofstream out_;
};

class Reader {
 public:
  explicit Reader(const std::string& path) : in_(path, std::ios::binary), path_(path) {
    if (!in_) throw std::runtime_error("cannot read " + path);
  }
  template <class T>
  void value(T& v) {
    if (!in_.read(reinterpret_cast<char*>(&v), sizeof v)) throw std::runtime_error(path_ + ": truncated");
  }
  template <class T>
  void array(std::vector<T>& v) {
    std::uint64_t n = 0;
    value(n);
    v.resize(n);
    if (!in_.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(n * sizeof(T))))
      throw std::runtime_error(path_ + ": truncated");
  }

 private:
  std::ifstream in_;
  std::string path_;
};

// Both directions of each record, field by field in one order.
template <class Io>
void fields(Io& io, Launch& l) {
  for (auto* v : {&l.problems, &l.num_params, &l.columns, &l.num_constants, &l.members, &l.maxiter, &l.in_shared,
                  &l.immediate, &l.block_threads})
    io.value(*v);
  io.value(l.seed);
  io.value(l.dynamic_bytes);
  for (auto* v : {&l.tol, &l.atol, &l.mutation_min, &l.mutation_max, &l.recombination}) io.value(*v);
  io.array(l.data);
  io.array(l.lower);
  io.array(l.upper);
  io.array(l.log_scale);
  io.array(l.constants);
  io.array(l.offset);
  io.array(l.points);
  io.array(l.stream);
}
template <class Io>
void fields(Io& io, Outcomes& o) {
  io.array(o.best);
  io.array(o.best_energy);
  io.array(o.generations);
  io.array(o.converged);
  io.array(o.evaluations);
  io.array(o.runners_up);
  io.array(o.runner_count);
}

template <class Record>
void write(const std::string& path, const Record& record) {
  Writer w(path);
  fields(w, const_cast<Record&>(record));  // Writer only reads the fields
}
template <class Record>
Record read(const std::string& path) {
  Reader r(path);
  Record record;
  fields(r, record);
  return record;
}

}  // namespace slfit::twin
