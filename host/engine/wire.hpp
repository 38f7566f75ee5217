#pragma once
// The bytes the ranks of an MPI job exchange (slfit/ranks.hpp): a little writer and reader of
// fixed-width values, lengths and strings, and the encodings of what crosses between ranks, a
// failure and a batch's results. Doubles travel as their bits, so a result read back is the
// result written, NaN's sign and payload included. Every rank runs the same binary, so the byte
// order is the machine's.

#include <cstdint>
#include <cstring>
#include <exception>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "slfit/fit.hpp"

namespace slfit {

class Writer {
 public:
  template <class T>
  void value(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void u8(std::uint8_t v) { value(v); }
  void u64(std::uint64_t v) { value(v); }
  void bytes(const std::string& s) {
    u64(s.size());
    out_ += s;
  }
  template <class T>
  void values(const std::vector<T>& vs) {
    u64(vs.size());
    for (const T& v : vs) value(v);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what a Writer wrote, in the same order; std::runtime_error past the end (bytes from
// another build, which a job of one binary never sees).
class Reader {
 public:
  explicit Reader(const std::string& in) : in_(in) {}
  template <class T>
  T value() {
    static_assert(std::is_trivially_copyable_v<T>);
    T v;
    std::memcpy(&v, take(sizeof v), sizeof v);
    return v;
  }
  std::uint8_t u8() { return value<std::uint8_t>(); }
  std::uint64_t u64() { return value<std::uint64_t>(); }
  std::string bytes() {
    const std::uint64_t n = u64();
    return std::string(take(n), n);
  }
  template <class T>
  std::vector<T> values() {
    std::vector<T> vs(u64());
    for (T& v : vs) v = value<T>();
    return vs;
  }
  bool done() const { return at_ == in_.size(); }

 private:
  const char* take(std::size_t n) {
    if (n > in_.size() - at_) throw std::runtime_error("a message between ranks ended early");
    const char* p = in_.data() + at_;
    at_ += n;
    return p;
  }
  const std::string& in_;
  std::size_t at_ = 0;
};

// A failure as bytes: its kind (an OptionError, an InputError, anything else) and its words.
std::string encode_error(const std::exception_ptr& failure);
// The failure back as an exception of the same kind: exit codes follow the kind. With `rank` >= 0
// (a failure on another rank) the message starts "rank N: ", and an OptionError becomes an
// InputError saying so.
std::exception_ptr decode_error(const std::string& bytes, int rank);

// A batch's results (every field; FitResult::failure as its kind and words) and its time split.
void write_results(Writer& w, std::span<const FitResult> results);
std::vector<FitResult> read_results(Reader& in);
void write_timing(Writer& w, const BatchTiming& t);
BatchTiming read_timing(Reader& in);

}  // namespace slfit
