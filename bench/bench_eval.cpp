// Where the CPU backend stands against the hardware (issue #19), in one run:
//
//   evaluation  ns per point evaluation of each built-in law's objective (mse) over a DE
//               generation's population (80 members): slfit's Objective::values (predictions
//               from the law's evaluation program, residuals, the mean), the plain scalar loop a
//               person would write for the same law (logs hoisted; bench/plain_laws_scalar.cpp),
//               and that loop vectorised with glibc's vector exp and log
//               (bench/plain_laws_simd.cpp, -ffast-math -march=native): the limit;
//   whole fits  ns per point evaluation of a whole fit (DE, refinement, bookkeeping) of copies
//               of one real group with the seed's settings, on one thread, with the linear
//               parameters searched (--separable off) and solved (auto): what the fits cost
//               beyond the evaluations, i.e. the split between evaluation and the rest.
//
// Each value is checked against slfit's to 1e-10 relative (the plain loops compute the same
// objective), each timing is the best of five runs of at least 0.2 s, so the ratios in one run
// are what to read.
//
//     build/bench_eval [SOURCE_DIR]     (the examples' data are read from SOURCE_DIR, default .)

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "plain_laws.hpp"
#include "slfit/csv.hpp"
#include "slfit/fit.hpp"
#include "slfit/law_io.hpp"
#include "slfit/objective.hpp"

namespace {

using namespace slfit;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMembers = 80;  // a DE generation of the seed's popsize 20 x 4 parameters

// The best of five timings of `run` repeated until it has taken 0.2 s: seconds per call.
template <class Run>
double seconds_per_call(Run&& run) {
  double best = 1e300;
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::size_t calls = 0;
    const auto start = Clock::now();
    double elapsed = 0.0;
    do {
      run();
      ++calls;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < 0.2);
    best = std::min(best, elapsed / static_cast<double>(calls));
  }
  return best;
}

struct Case {
  std::string law;
  std::string data, group_column;
  std::vector<std::string> columns;  // the law's inputs
  std::string group;                 // the group used ("" for the only one)
  std::vector<double> center;        // parameters the population is drawn around
  bench::PlainLaw bench::PlainLaws::*plain;
};

const GroupData& pick_group(const Dataset& data, const std::string& name) {
  for (const GroupData& g : data.groups)
    if (name.empty() || g.name == name) return g;
  throw std::runtime_error("no group " + name);
}

void evaluation_row(const Case& c, const std::string& source_dir) {
  const Law law = load_law(c.law);
  const Dataset data = read_dataset(source_dir + "/" + c.data, ColumnSelection(c.columns, law.target, c.group_column), 1);
  const GroupData& group = pick_group(data, c.group);
  Objective objective(compile_law(law), group, law.objective);
  const std::size_t n = group.size(), dims = c.center.size();

  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> jitter(0.9, 1.1);
  std::vector<double> population(kMembers * dims);
  for (std::size_t k = 0; k < kMembers; ++k)
    for (std::size_t j = 0; j < dims; ++j) population[k * dims + j] = c.center[j] * jitter(rng);

  std::vector<double> log_n(n), log_x(n);
  for (std::size_t i = 0; i < n; ++i) {
    log_n[i] = std::log(group.inputs[0][i]);
    log_x[i] = std::log(group.inputs[1][i]);
  }
  const bench::PlainData plain{log_n.data(), log_x.data(), group.target.data(), n};
  const bench::PlainLaw scalar = bench::scalar_plain_laws().*c.plain, simd = bench::simd_plain_laws().*c.plain;

  std::vector<double> ours(kMembers), theirs(kMembers), vectorised(kMembers);
  objective.values(population, ours);
  scalar(plain, population.data(), kMembers, theirs.data());
  simd(plain, population.data(), kMembers, vectorised.data());
  double worst = 0.0;
  for (std::size_t k = 0; k < kMembers; ++k) {
    worst = std::max(worst, std::fabs(theirs[k] - ours[k]) / std::fabs(ours[k]));
    worst = std::max(worst, std::fabs(vectorised[k] - ours[k]) / std::fabs(ours[k]));
  }
  if (!(worst <= 1e-10)) {
    std::fprintf(stderr, "bench_eval: %s: the plain loops differ from slfit by %.3g relative\n", c.law.c_str(), worst);
    std::exit(1);
  }

  const double evaluations = static_cast<double>(kMembers * n);
  const double t_slfit = seconds_per_call([&] { objective.values(population, ours); }) / evaluations * 1e9;
  const double t_scalar = seconds_per_call([&] { scalar(plain, population.data(), kMembers, theirs.data()); }) /
                          evaluations * 1e9;
  const double t_simd = seconds_per_call([&] { simd(plain, population.data(), kMembers, vectorised.data()); }) /
                        evaluations * 1e9;
  std::printf("| %s | %zu | %.2f | %.2f | %.2f | %.2fx | %.2fx |\n", c.law.c_str(), n, t_slfit, t_scalar, t_simd,
              t_slfit / t_scalar, t_slfit / t_simd);
}

void whole_fit_row(const std::string& source_dir, Separable separable) {
  const auto law = std::make_shared<const Law>(load_law("parallel_power"));
  auto data = std::make_shared<Dataset>(read_dataset(source_dir + "/examples/parscale/train.csv",
                                                     ColumnSelection(law->columns, law->target, "group"), 1));
  // 200 copies of the pile group, each its own problem with its own Philox stream.
  const GroupData pile = pick_group(*data, "pile");
  data->groups.assign(200, pile);
  FitOptions options;
  options.separable = separable;
  const std::vector<Problem> problems =
      make_group_problems(law, compile_law(*law), std::const_pointer_cast<const Dataset>(data), options);
  BatchOptions batch;
  batch.threads = 1;
  std::vector<FitResult> results;
  const double seconds = seconds_per_call([&] { results = fit_batch(problems, batch); });
  double evaluations = 0.0;
  for (const FitResult& r : results)
    evaluations += static_cast<double>(r.de.evaluations + r.lbfgsb.evaluations + r.newton.evaluations);
  const double points = evaluations * static_cast<double>(pile.size());
  std::printf("| parallel_power, ParScale pile x 200, --separable %s | %.0f | %.3f | %.2f |\n",
              separable == Separable::Off ? "off" : "auto", evaluations / 200.0, seconds, seconds / points * 1e9);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string source_dir = argc > 1 ? argv[1] : ".";
  const std::vector<Case> cases = {
      {"parallel_power", "examples/parscale/train.csv", "group", {"num_params", "parallel_size"}, "pile",
       {44.5, -0.2, 0.057, 1.31}, &bench::PlainLaws::parallel_power},
      {"parscale", "examples/parscale/train.csv", "group", {"num_params", "parallel_size"}, "pile",
       {1.0, 20.0, 0.4, 0.2}, &bench::PlainLaws::parscale},
      {"chinchilla", "examples/chinchilla/train.csv", "", {"num_params", "tokens"}, "",
       {1.8, 480.0, 0.35, 2000.0, 0.37}, &bench::PlainLaws::chinchilla},
  };
  std::printf("Objective evaluation, ns per point evaluation (%zu members per call, one thread)\n\n", kMembers);
  std::printf("| law | points | slfit | plain scalar loop | plain vectorised loop (the limit) | slfit / scalar | "
              "slfit / limit |\n|---|---:|---:|---:|---:|---:|---:|\n");
  for (const Case& c : cases) evaluation_row(c, source_dir);
  std::printf("\nWhole fits (seed settings: popsize 20, maxiter 500, tol = atol = 1e-11), one thread\n\n");
  std::printf("| batch | evaluations per fit | seconds | ns per point evaluation |\n|---|---:|---:|---:|\n");
  whole_fit_row(source_dir, Separable::Off);
  whole_fit_row(source_dir, Separable::Auto);
  return 0;
}
