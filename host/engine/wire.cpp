#include "engine/wire.hpp"

#include "slfit/error.hpp"

namespace slfit {
namespace {

enum ErrorKind : std::uint8_t { kOther = 0, kInput = 1, kOption = 2 };

}  // namespace

std::string encode_error(const std::exception_ptr& failure) {
  Writer w;
  try {
    std::rethrow_exception(failure);
  } catch (const OptionError& e) {
    w.u8(kOption);
    w.bytes(e.field());
    w.bytes(e.requirement());
  } catch (const InputError& e) {
    w.u8(kInput);
    w.bytes(e.what());
  } catch (const std::exception& e) {
    w.u8(kOther);
    w.bytes(e.what());
  } catch (...) {
    w.u8(kOther);
    w.bytes("an exception that is not a std::exception");
  }
  return w.take();
}

std::exception_ptr decode_error(const std::string& bytes, int rank) {
  Reader in(bytes);
  const std::uint8_t kind = in.u8();
  const std::string prefix = rank >= 0 ? "rank " + std::to_string(rank) + ": " : "";
  if (kind == kOption) {
    std::string field = in.bytes(), requirement = in.bytes();
    if (rank < 0) return std::make_exception_ptr(OptionError(std::move(field), std::move(requirement)));
    return std::make_exception_ptr(InputError(prefix + field + " " + requirement));
  }
  const std::string message = prefix + in.bytes();
  if (kind == kInput) return std::make_exception_ptr(InputError(message));
  return std::make_exception_ptr(std::runtime_error(message));
}

void write_results(Writer& w, std::span<const FitResult> results) {
  w.u64(results.size());
  for (const FitResult& r : results) {
    w.values(r.params);
    w.values(r.separable);
    w.value(r.objective);
    w.value(r.r2_train);
    w.value(r.status);
    w.value(r.de.ran);
    w.value(r.de.generations);
    w.value(r.de.evaluations);
    w.value(r.de.converged);
    w.value(r.de.best);
    w.value(r.lbfgsb.ran);
    w.value(r.lbfgsb.runs);
    w.value(r.lbfgsb.iterations);
    w.value(r.lbfgsb.evaluations);
    w.bytes(r.lbfgsb.status);
    w.value(r.lbfgsb.rescaled_gain);
    w.value(r.newton.ran);
    w.value(r.newton.iterations);
    w.value(r.newton.evaluations);
    w.bytes(r.newton.status);
    w.value(r.newton.gain);
    w.value(r.restarts.ran);
    w.value(r.restarts.starts);
    w.value(r.restarts.gain);
    w.value(r.seconds);
    w.bytes(r.error);
    w.bytes(r.failure ? encode_error(r.failure) : std::string());
  }
}

std::vector<FitResult> read_results(Reader& in) {
  std::vector<FitResult> results(in.u64());
  for (FitResult& r : results) {
    r.params = in.values<double>();
    r.separable = in.values<int>();
    r.objective = in.value<double>();
    r.r2_train = in.value<double>();
    r.status = in.value<FitStatus>();
    r.de.ran = in.value<bool>();
    r.de.generations = in.value<int>();
    r.de.evaluations = in.value<long long>();
    r.de.converged = in.value<bool>();
    r.de.best = in.value<double>();
    r.lbfgsb.ran = in.value<bool>();
    r.lbfgsb.runs = in.value<int>();
    r.lbfgsb.iterations = in.value<int>();
    r.lbfgsb.evaluations = in.value<long long>();
    r.lbfgsb.status = in.bytes();
    r.lbfgsb.rescaled_gain = in.value<double>();
    r.newton.ran = in.value<bool>();
    r.newton.iterations = in.value<int>();
    r.newton.evaluations = in.value<long long>();
    r.newton.status = in.bytes();
    r.newton.gain = in.value<double>();
    r.restarts.ran = in.value<bool>();
    r.restarts.starts = in.value<int>();
    r.restarts.gain = in.value<double>();
    r.seconds = in.value<double>();
    r.error = in.bytes();
    // The failure as the kind it was on the rank that fitted it, with the words FitResult::error
    // already holds (no rank prefix: the problem's failure, not the rank's).
    if (const std::string failure = in.bytes(); !failure.empty()) r.failure = decode_error(failure, -1);
  }
  return results;
}

void write_timing(Writer& w, const BatchTiming& t) {
  for (double part : {t.compile, t.upload, t.de, t.download, t.refine}) w.value(part);
}

BatchTiming read_timing(Reader& in) {
  BatchTiming t;
  for (double* part : {&t.compile, &t.upload, &t.de, &t.download, &t.refine}) *part = in.value<double>();
  return t;
}

}  // namespace slfit
