// Parameters searched in log coordinates (ParamScale): the law file's "scale", the auto rule of
// resolve_bounds, the DE's log-uniform samples (de::unit_to_param), and fits that use them.

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "optim/de_steps.hpp"
#include "optim/differential_evolution.hpp"
#include "slfit/error.hpp"
#include "slfit/fit.hpp"
#include "slfit/law_io.hpp"

namespace slfit {
namespace {

// y = a + b exp(-x / s) with s in [lower, upper] and the given scale ("" for none).
Law decay_law(const std::string& s_lower, const std::string& s_upper, const std::string& scale) {
  const std::string scale_field = scale.empty() ? "" : R"(, "scale": ")" + scale + R"(")";
  return parse_law(R"j({"name": "decay", "formula": "a + b * exp(-x / s)", "inputs": {"x": "x"}, "target": "y",
      "params": [{"name": "a", "lower": -10, "upper": 10}, {"name": "b", "lower": -10, "upper": 10},
                 {"name": "s", "lower": )j" + s_lower + R"(, "upper": )" + s_upper + scale_field + "}]}",
                   "decay.json");
}

GroupData decay_group(double s) {
  GroupData g;
  g.name = "g";
  g.inputs.resize(1);
  std::mt19937_64 random(4);
  std::normal_distribution<double> noise(0.0, 1e-3);
  for (int i = 0; i < 30; ++i) {
    const double x = 0.02 * i;
    g.inputs[0].push_back(x);
    g.target.push_back(1.5 + 2.0 * std::exp(-x / s) + noise(random));
    g.lines.push_back(static_cast<std::size_t>(i) + 2);
  }
  return g;
}

TEST(LogScale, LawFilesSayTheScaleAndWriteItBack) {
  EXPECT_EQ(decay_law("1e-3", "1e5", "").params[2].scale, ParamScale::Auto);
  EXPECT_EQ(decay_law("1e-3", "1e5", "log").params[2].scale, ParamScale::Log);
  const Law linear = decay_law("1e-3", "1e5", "linear");
  EXPECT_EQ(linear.params[2].scale, ParamScale::Linear);
  EXPECT_EQ(law_to_json(linear)["params"][2]["scale"], "linear");
  EXPECT_FALSE(law_to_json(decay_law("1e-3", "1e5", "")).at("params")[2].contains("scale"));
  EXPECT_EQ(parse_law_spec(law_to_json(linear), "again").params[2].scale, ParamScale::Linear);
}

TEST(LogScale, BadScalesAreErrorsNamingTheParameter) {
  const auto message = [](const std::string& lower, const std::string& scale) {
    try {
      decay_law(lower, "1e5", scale);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("1e-3", "logarithmic").find("decay.json: params[2] 's': scale: 'logarithmic' is not one of: auto, linear, log"),
            std::string::npos)
      << message("1e-3", "logarithmic");
  EXPECT_NE(message("0", "log").find("\"scale\": \"log\" needs a positive lower bound; the lower bound is 0"),
            std::string::npos)
      << message("0", "log");
  // A bound that depends on the data is checked for each group.
  const Law law = decay_law("\"y_min - 2\"", "1e5", "log");
  try {
    resolve_bounds(law, decay_group(0.1));
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("group 'g': parameter 's': \"scale\": \"log\" needs a positive lower bound"),
              std::string::npos)
        << e.what();
  }
}

TEST(LogScale, AutoIsLogForPositiveBoundsSpanningMoreThanThreeDecades) {
  const GroupData group = decay_group(0.1);
  const auto flags = [&](const std::string& lower, const std::string& upper, const std::string& scale) {
    return resolve_bounds(decay_law(lower, upper, scale), group).log_scale;
  };
  using F = std::vector<std::uint8_t>;
  EXPECT_EQ(flags("1e-3", "1e5", ""), (F{0, 0, 1}));
  EXPECT_EQ(flags("1e-3", "0.99", ""), (F{0, 0, 0}));  // under three decades
  EXPECT_EQ(flags("0", "1e5", ""), (F{0, 0, 0}));      // not positive
  EXPECT_EQ(flags("1e-3", "1e5", "linear"), (F{0, 0, 0}));
  EXPECT_EQ(flags("1", "2", "log"), (F{0, 0, 1}));
  EXPECT_EQ(flags("5", "5", "log"), (F{0, 0, 0}));  // held at a value
  EXPECT_EQ(resolve_bounds(load_law("parscale"), [] {
              GroupData g{"g", {{1e8, 1e9}, {1, 4}}, {3.0, 2.5}, {2, 3}, {}, {}};
              return g;
            }()).log_scale,
            (F{0, 1, 0, 0}));  // A in [1e-4, 1e4]
}

TEST(LogScale, UnitCoordinatesMapLogUniformlyOntoTheBounds) {
  EXPECT_DOUBLE_EQ(de::unit_to_param(0.0, 1e-3, 1e5, true), 1e-3);
  EXPECT_DOUBLE_EQ(de::unit_to_param(1.0, 1e-3, 1e5, true), 1e5);
  EXPECT_GE(de::unit_to_param(0.0, 1e-3, 1e5, true), 1e-3);  // never outside the bounds
  EXPECT_LE(de::unit_to_param(1.0, 1e-3, 1e5, true), 1e5);
  EXPECT_NEAR(de::unit_to_param(0.5, 1e-3, 1e5, true), 10.0, 1e-12);
  EXPECT_NEAR(de::unit_to_param(0.25, 1e-3, 1e5, true), 0.1, 1e-14);
  EXPECT_EQ(de::unit_to_param(0.5, 1e-3, 1e5, false), de::scale_to_bounds(0.5, 1e-3, 1e5));
  EXPECT_EQ(de::unit_to_param(0.3, -2.0, -2.0, true), -2.0);  // held: the value, whatever its sign

  // The DE's first population: log-uniform over [1e-6, 1e6] puts half its members below 1.
  DEOptions options;
  options.maxiter = 0;
  options.popsize = 100;
  for (const bool log : {true, false}) {
    int below_one = 0, members = 0;
    const EnergyFunction count = [&](std::span<const double> x) {
      below_one += x[0] < 1.0;
      ++members;
      return x[0];
    };
    const std::vector<std::uint8_t> flags = {static_cast<std::uint8_t>(log)};
    differential_evolution(count, std::vector<double>{1e-6}, std::vector<double>{1e6}, options, 1, 0, flags);
    if (log) EXPECT_EQ(below_one, members / 2);
    else EXPECT_LE(below_one, 1);
  }
}

// The optimum s = 0.05 lies in the bottom 1e-7 of its box [1e-3, 1e5]: searched in log coordinates
// it is one decade among eight, and the fit reaches it with the linear parameters a and b solved.
TEST(LogScale, FitsReachAnOptimumInTheBottomDecadesOfAWideBox) {
  const auto data = std::make_shared<const GroupData>(decay_group(0.05));
  const auto fit = [&](const std::string& scale, Separable separable) {
    const Law law = decay_law("1e-3", "1e5", scale);
    Problem p;
    p.law = std::make_shared<const Law>(law);
    p.compiled = compile_law(law);
    p.data = data;
    p.bounds = resolve_bounds(law, *data);
    p.objective = law.objective;
    p.options.separable = separable;
    return fit_problem(p);
  };
  const FitResult best = fit("", Separable::Off);
  EXPECT_NEAR(best.params[2], 0.05, 1e-3);
  for (const Separable separable : {Separable::Auto, Separable::Off}) {
    const FitResult log = fit("log", separable);
    EXPECT_LE(log.objective, best.objective * (1 + 1e-9)) << to_string(separable);
    EXPECT_EQ(log.status, FitStatus::Converged);
  }
}

}  // namespace
}  // namespace slfit
