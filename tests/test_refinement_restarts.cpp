// The de pipeline's last remedy (engine/pipeline.cpp's refine_best): when the refinement stalls,
// L-BFGS-B stopping short of gtol and the Newton polish unable to take a step, it refines again
// from the DE's runners-up. A law with a kink (max) and a short DE make such fits: there the
// restarts must reach the optimum that a long search finds, and say so in the result.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cuda_test_batch.hpp"
#include "optim/de_steps.hpp"
#include "slfit/fit.hpp"
#include "slfit/law_io.hpp"

namespace slfit {
namespace {

const char* const kKinkedLaw = R"({"name": "kinked", "formula": "max(a * N, c) + d * N^b", "inputs": {"N": "N"},
  "target": "y", "params": [{"name": "a", "lower": 0.01, "upper": 5}, {"name": "c", "lower": 0.1, "upper": 10},
                            {"name": "d", "lower": -5, "upper": 5}, {"name": "b", "lower": -1, "upper": 1}]})";

// Two groups of 12 noisy points of 1.3 |N - t| + 0.5 + 0.2 sin 3N (t in [2, 8]), on which a DE of
// 30 generations with the stream given leaves the refinement stalled at a kink above the optimum.
// The fits are deterministic, the same in every instruction set and on x86-64 and arm64; a change
// of the DE's or the refinement's trajectory can move the stall elsewhere, and then the streams
// (or the groups) must be chosen again: of streams 0-119, 13 stall on g3's points, restart to
// the optimum and have a long search reach it too (stream 3 stopped stalling when the host's
// numerics were made the same bits on x86-64 and arm64: SLEEF's log and exp, Eigen in scalar code).
struct Group {
  const char* name;
  std::uint64_t stream;  // a stream on which the short search stalls
  std::vector<double> n, y;
};
const std::vector<Group>& groups() {
  static const std::vector<Group> g = {
      {"g3", 44,
       {0.7204160974402688, 1.0644613031369143, 2.4050726834675946, 2.7099704051885984, 6.44319842468471,
        6.56113898437645, 7.416652990066289, 7.929390320542002, 7.941427966010489, 7.98147351198015,
        8.469682400389521, 8.771797576704403},
       {3.612438940502877, 3.12267542948284, 1.557650196116039, 1.3155022819480147, 5.162309777891652,
        5.265981815679265, 6.129651639556573, 7.046869611816308, 6.072286189839913, 6.765613584068573,
        7.691891194368007, 7.777698039702069}},
      {"g26", 26,
       {1.9599328732692884, 2.3084853847343916, 2.6118030886206594, 4.426087255694683, 6.18576385225366,
        6.9056331603681, 7.482641790485525, 7.76324444222349, 7.877229645141574, 7.898136742902432,
        8.14609848259639, 8.895833295088762},
       {2.2318666256699258, 2.4249417042172667, 1.153267607024627, 1.8113553901987902, 3.346435443707044,
        5.222478825651235, 5.4139471841202464, 5.272846948804348, 6.070066624539768, 6.613522716786343,
        6.49357475613778, 8.112066211610312}},
  };
  return g;
}

FitResult fit_kinked(const Group& group, int popsize, int maxiter) {
  const Law law = parse_law(kKinkedLaw, "kinked.json");
  GroupData data;
  data.name = group.name;
  data.inputs = {group.n};
  data.target = group.y;
  for (std::size_t i = 0; i < group.n.size(); ++i) data.lines.push_back(i + 2);
  FitOptions options;
  options.separable = Separable::Off;
  options.de.popsize = popsize;
  options.de.maxiter = maxiter;
  return fit_problem(test::make_problem(law, compile_law(law), data, options, group.stream));
}

TEST(RefinementRestarts, AStalledRefinementReachesTheOptimumFromTheRunnersUp) {
  for (const Group& group : groups()) {
    const FitResult best_known = fit_kinked(group, 30, 4000);  // a long search
    const FitResult short_run = fit_kinked(group, 20, 30);  // the default population
    EXPECT_TRUE(short_run.restarts.ran) << group.name;
    EXPECT_EQ(short_run.restarts.starts, de::kRunnersUp) << group.name;
    // Where the refinement stalled, more than a thousandth above the optimum ...
    EXPECT_GT(short_run.restarts.gain, 1e-3 * best_known.objective) << group.name;
    // ... and what the restarts reached: the long search's optimum.
    EXPECT_LE(short_run.objective, best_known.objective * (1 + 1e-9)) << group.name;
  }
}

TEST(RefinementRestarts, RunnersUpAreTheNextLowestFiniteEnergies) {
  // Index 0 holds the best; ties go to the lower index; non-finite energies are never chosen.
  const double inf = INFINITY;
  const std::vector<double> energy = {0.5, 3.0, 1.0, inf, 1.0, 2.0, NAN};
  int chosen[de::kRunnersUp];
  ASSERT_EQ(de::runners_up(energy.data(), static_cast<int>(energy.size()), chosen), 3);
  EXPECT_EQ(chosen[0], 2);
  EXPECT_EQ(chosen[1], 4);
  EXPECT_EQ(chosen[2], 5);
  const std::vector<double> few = {0.5, inf, 2.0};
  ASSERT_EQ(de::runners_up(few.data(), 3, chosen), 1);
  EXPECT_EQ(chosen[0], 2);
}

}  // namespace
}  // namespace slfit
